// The relay's own measurement of its shaped path: an echo on the servers' address behind one more
// relayed UDP port, probes sent through the relay and timed on their return.
import dgram from "node:dgram";
import type { NetemRelay } from "../netem.ts";
import { assertLoopback } from "./loopback.ts";

export interface ProbeResult {
  sent: number;
  received: number;
  /** Round trips that never came back (either direction lost). */
  loss: number;
  rttMs: { min: number; p50: number; mean: number; max: number };
}

export interface ProbeOptions {
  count?: number;
  intervalMs?: number;
  bytes?: number;
  waitMs?: number;
}

/** `count` probes `intervalMs` apart through `relay`, each timed on its return. */
export async function probePath(relay: NetemRelay, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const count = opts.count ?? 200;
  // An echo on targetIp, at a port the relay can also listen on (its own listenIp).
  let echo: dgram.Socket | undefined;
  let port = 0;
  for (let tries = 0; !port; tries++) {
    const s = dgram.createSocket("udp4");
    s.on("error", () => {});
    s.on("message", (m, r) => s.send(m, r.port, assertLoopback(r.address)));
    await bindLoopback(s, 0, relay.targetIp);
    try {
      await relay.addUdpPort(s.address().port);
      port = s.address().port;
      echo = s;
    } catch (e) {
      s.close();
      if (tries > 20) throw e;
    }
  }
  const client = dgram.createSocket("udp4");
  client.on("error", () => {});
  await bindLoopback(client, 0, "127.0.0.1");
  const rtts: number[] = [];
  client.on("message", (m) => {
    const v = new DataView(m.buffer, m.byteOffset, m.byteLength);
    rtts.push(performance.now() - v.getFloat64(4));
  });
  try {
    for (let i = 0; i < count; i++) {
      const buf = new Uint8Array(Math.max(12, opts.bytes ?? 100));
      const v = new DataView(buf.buffer);
      v.setUint32(0, i);
      v.setFloat64(4, performance.now());
      client.send(buf, port, assertLoopback(relay.listenIp));
      await sleep(opts.intervalMs ?? 10);
    }
    const p = relay.profile;
    await sleep(opts.waitMs ?? 500 + 2 * (p.up.delayMs + p.down.delayMs + p.up.jitterMs + p.down.jitterMs));
  } finally {
    client.close();
    echo!.close();
    relay.removeUdpPort(port);
  }
  const sorted = [...rtts].sort((a, b) => a - b);
  return {
    sent: count,
    received: rtts.length,
    loss: 1 - rtts.length / count,
    rttMs: {
      min: sorted[0] ?? NaN,
      p50: sorted[Math.floor(sorted.length / 2)] ?? NaN,
      mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
      max: sorted[sorted.length - 1] ?? NaN,
    },
  };
}

/** Binds a UDP socket to an address in 127.0.0.0/8 (and nowhere else). */
export function bindLoopback(socket: dgram.Socket, port: number, address: string): Promise<void> {
  assertLoopback(address);
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, address, () => {
      socket.off("error", reject);
      resolve();
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
