// A network emulator in user space (this kernel has no netem): a relay between browsers and every
// server they reach, adding per-direction delay, jitter, random loss, a rate cap and outages, for
// tests and benches. It listens on 127.0.0.2 on the same port numbers as the servers it fronts,
// which listen on 127.0.0.1: HTTP and WebSocket (web, party, SFU signalling) over TCP, and media
// over UDP and TCP on the SFU's media port range (the SFU announces 127.0.0.2 in its ICE candidates,
// SPAZIO_SFU_ANNOUNCED_IP). Its own UDP sockets towards the SFU are on 127.0.0.3. Nothing is ever
// bound, connected or sent outside 127.0.0.0/8 (netem/loopback.ts; `sentTo` lists every address).
//
// The usual way, the whole stack behind it (tests/support/netem/stack.ts):
//
//   const net = await startRelayedStack({ profile: PROFILES.rtt100Lossy });   // web, party, SFU, relay
//   const listeners = await launchBrowser(THROUGH_RELAY);   // "localhost" resolves to the relay
//   const host = await launchToneBrowser(60, 440, BESIDE_RELAY);  // HTTP straight to 127.0.0.1
//   ... the host goes on air ...
//   net.relay.exemptCurrentFlows();      // the host's media flows so far are left unshaped
//   net.relay.setProfile(symmetric("lossy", { rttMs: 300, loss: 0.05, rateKbps: 1000 }));
//   net.relay.outage("all", 5_000);      // the path is down for 5 s (datagrams dropped, TCP held)
//   net.relay.outage("udp");             // UDP blocked until restore(): media must move to TCP
//   net.relay.restore();
//   await net.close();                   // relay, SFU, party, web
//
// A lane is what traffic is shaped by: every new flow (a TCP connection, or a browser's UDP socket
// talking to one media port) joins the shaped lane; exemptCurrentFlows() moves the flows open now
// to a clean lane that nothing shapes or cuts. Profiles and outages change while traffic flows.
// Longer than 300 lines: the relay's UDP and TCP sides share its lanes, flows, timers and loopback
// guard; what stands alone is in netem/ (links, lanes, TCP pumping, probes, STUN, the stack).
import dgram from "node:dgram";
import { type LinkStats, type Profile, PROFILES } from "./netem/link.ts";
import { assertLoopback, isLoopback } from "./netem/loopback.ts";
import { framedStunNetworkId, stunNetworkId } from "./netem/stun.ts";
import { Lane, type OutageKind } from "./netem/lane.ts";
import { bindLoopback, type ProbeOptions, probePath, type ProbeResult } from "./netem/probe.ts";
import { closeConn, closeFlow, pumpTcp, type TcpFlow } from "./netem/tcp.ts";

export { type LinkSettings, mulberry32, type Profile, PROFILES, symmetric } from "./netem/link.ts";
export { assertLoopback, isLoopback, NotLoopbackError } from "./netem/loopback.ts";
export type { OutageKind } from "./netem/lane.ts";
export type { ProbeOptions, ProbeResult } from "./netem/probe.ts";

export interface RelayOptions {
  /** Ports relayed over TCP (listened on listenIp, forwarded to the same port on targetIp). */
  tcpPorts?: number[];
  /** Ports relayed over UDP. */
  udpPorts?: number[];
  /** Where browsers reach the relay (default 127.0.0.2). */
  listenIp?: string;
  /** The relay's own UDP sockets towards the servers (default 127.0.0.3). */
  upstreamIp?: string;
  /** Where the real servers listen (default 127.0.0.1). */
  targetIp?: string;
  profile?: Profile;
  /** Seeds the loss and jitter of each link (default 1). */
  seed?: number;
}

interface UdpFlow {
  port: number;
  client: { address: string; port: number };
  upstream: dgram.Socket;
  ready: Promise<void>;
  lane: Lane;
  lastSeen: number;
}

export interface RelayStats {
  profile: string;
  outage: OutageKind | null;
  up: LinkStats;
  down: LinkStats;
  udpFlows: number;
  tcpFlows: number;
}

const UDP_IDLE_MS = 120_000;

export class NetemRelay {
  readonly listenIp: string;
  readonly upstreamIp: string;
  readonly targetIp: string;
  /** Every address the relay has sent a datagram to or connected to (all in 127.0.0.0/8). */
  readonly sentTo = new Set<string>();
  /** Datagrams and connections from outside 127.0.0.0/8, dropped unanswered. */
  foreignDrops = 0;
  #shaped: Lane;
  #clean: Lane;
  #udpSockets = new Map<number, dgram.Socket>();
  /** Browser networks (STUN GOOG-NETWORK-INFO ids) seen sending from outside / inside loopback. */
  #foreignNetworks = new Set<number>();
  #loopbackNetworks = new Set<number>();
  #udpFlows = new Map<string, UdpFlow>();
  #tcpListeners: Deno.Listener[] = [];
  #tcpFlows = new Set<TcpFlow>();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #sweep: ReturnType<typeof setInterval>;
  #outageTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  private constructor(opts: RelayOptions) {
    this.listenIp = assertLoopback(opts.listenIp ?? "127.0.0.2");
    this.upstreamIp = assertLoopback(opts.upstreamIp ?? "127.0.0.3");
    this.targetIp = assertLoopback(opts.targetIp ?? "127.0.0.1");
    const seed = opts.seed ?? 1;
    this.#shaped = new Lane(opts.profile ?? PROFILES.loopback, seed);
    this.#clean = new Lane(PROFILES.loopback, seed + 100);
    this.#sweep = setInterval(() => this.#sweepIdle(), 10_000);
  }

  static async start(opts: RelayOptions = {}): Promise<NetemRelay> {
    const relay = new NetemRelay(opts);
    try {
      for (const port of opts.udpPorts ?? []) await relay.#listenUdp(port);
      for (const port of opts.tcpPorts ?? []) relay.#listenTcp(port);
    } catch (e) {
      await relay.close();
      throw e;
    }
    return relay;
  }

  get profile(): Profile {
    return this.#shaped.profile;
  }

  /** Shapes the shaped lane by `profile` from now on (packets already in flight keep their time). */
  setProfile(profile: Profile) {
    this.#shaped.set(profile);
  }

  /**
   * Cuts the shaped lane: datagrams are dropped (in flight too), and with "all" TCP bytes are held
   * until the path returns. Ends after `ms`, or at restore(). Returns when it ends (performance.now()),
   * when `ms` is given.
   */
  outage(kind: OutageKind, ms?: number): number | undefined {
    clearTimeout(this.#outageTimer);
    this.#shaped.outage = kind;
    if (ms === undefined) return undefined;
    this.#outageTimer = setTimeout(() => this.restore(), ms);
    return performance.now() + ms;
  }

  /** Ends an outage. */
  restore() {
    clearTimeout(this.#outageTimer);
    this.#outageTimer = undefined;
    this.#shaped.restore();
  }

  /** Moves every flow open now to the clean lane (never shaped, never cut); returns how many. */
  exemptCurrentFlows(): number {
    let n = 0;
    for (const f of [...this.#udpFlows.values(), ...this.#tcpFlows]) {
      if (f.lane !== this.#clean) n++;
      f.lane = this.#clean;
    }
    return n;
  }

  /** The shaped lane's counters. */
  stats(): RelayStats {
    return {
      profile: this.#shaped.profile.name,
      outage: this.#shaped.outage,
      up: { ...this.#shaped.up.stats },
      down: { ...this.#shaped.down.stats },
      udpFlows: this.#udpFlows.size,
      tcpFlows: this.#tcpFlows.size,
    };
  }

  /** Measures the shaped path with the relay's own UDP probes (netem/probe.ts). */
  probe(opts: ProbeOptions = {}): Promise<ProbeResult> {
    return probePath(this, opts);
  }

  /** Relays one more UDP port (to the same port on targetIp); removeUdpPort undoes it. */
  async addUdpPort(port: number) {
    await this.#listenUdp(port);
  }

  removeUdpPort(port: number) {
    this.#udpSockets.get(port)?.close();
    this.#udpSockets.delete(port);
    for (const [key, f] of this.#udpFlows) {
      if (f.port === port) {
        f.upstream.close();
        this.#udpFlows.delete(key);
      }
    }
  }

  async close() {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweep);
    clearTimeout(this.#outageTimer);
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#shaped.restore();
    for (const l of this.#tcpListeners) {
      try {
        l.close();
      } catch { /* closed */ }
    }
    for (const f of this.#tcpFlows) closeFlow(f);
    this.#tcpFlows.clear();
    for (const f of this.#udpFlows.values()) f.upstream.close();
    this.#udpFlows.clear();
    for (const s of this.#udpSockets.values()) s.close();
    this.#udpSockets.clear();
    await sleep(0);
  }

  /** The only way a datagram leaves the relay. */
  #send(socket: dgram.Socket, data: Uint8Array, port: number, address: string) {
    assertLoopback(address);
    this.sentTo.add(address);
    if (this.#closed) return;
    try {
      socket.send(data, port, address);
    } catch { /* that flow closed meanwhile */ }
  }

  #later = (ms: number, fn: () => void) => {
    const id = setTimeout(() => {
      this.#timers.delete(id);
      fn();
    }, ms);
    this.#timers.add(id);
  };

  /** Sends `data` over `link` of `lane` when it arrives, unless lost or cut on the way. */
  #datagram(lane: Lane, dir: "up" | "down", data: Uint8Array, send: () => void) {
    const link = lane[dir];
    if (lane.blocks("udp")) {
      link.stats.outageDrops++;
      return;
    }
    const now = performance.now();
    const at = link.datagram(data.byteLength, now);
    if (at === null) return;
    if (at <= now) return send();
    this.#later(at - now, () => {
      if (lane.blocks("udp")) link.stats.outageDrops++;
      else send();
    });
  }

  async #listenUdp(port: number) {
    const socket = dgram.createSocket("udp4");
    socket.on("error", () => {});
    await bindLoopback(socket, port, this.listenIp);
    this.#udpSockets.set(port, socket);
    socket.on("message", (msg, rinfo) => {
      if (this.#closed) return;
      // A browser's socket bound to one of the machine's other addresses (Chromium without
      // --allow-loopback-in-peer-connection) would need an answer outside 127.0.0.0/8: never sent.
      const network = stunNetworkId(msg);
      if (rinfo.family !== "IPv4" || !isLoopback(rinfo.address)) {
        if (network !== null) this.#foreignNetworks.add(network);
        this.foreignDrops++;
        return;
      }
      if (network !== null) this.#loopbackNetworks.add(network);
      const key = `${port}|${rinfo.address}:${rinfo.port}`;
      let flow = this.#udpFlows.get(key);
      if (!flow) {
        const upstream = dgram.createSocket("udp4");
        upstream.on("error", () => {});
        const created: UdpFlow = {
          port,
          client: { address: rinfo.address, port: rinfo.port },
          upstream,
          ready: bindLoopback(upstream, 0, this.upstreamIp),
          lane: this.#shaped,
          lastSeen: 0,
        };
        created.ready.catch(() => {});
        upstream.on("message", (m, r) => {
          if (r.address !== this.targetIp || r.port !== port) return;
          created.lastSeen = performance.now();
          this.#datagram(
            created.lane,
            "down",
            m,
            () => this.#send(socket, m, created.client.port, created.client.address),
          );
        });
        this.#udpFlows.set(key, created);
        flow = created;
      }
      const f = flow;
      f.lastSeen = performance.now();
      this.#datagram(f.lane, "up", msg, () => {
        f.ready.then(() => this.#send(f.upstream, msg, port, this.targetIp), () => {});
      });
    });
  }

  #listenTcp(port: number) {
    const listener = Deno.listen({ hostname: this.listenIp, port, transport: "tcp" });
    this.#tcpListeners.push(listener);
    (async () => {
      for await (const client of listener) this.#acceptTcp(client, port);
    })().catch(() => {});
  }

  async #acceptTcp(client: Deno.Conn, port: number) {
    if (!isLoopback((client.remoteAddr as Deno.NetAddr).hostname)) {
      this.foreignDrops++;
      client.close();
      return;
    }
    // On a media port, an ICE-TCP connection from a network whose UDP comes from outside
    // loopback is refused like that UDP (netem/stun.ts).
    let first: Uint8Array | undefined;
    if (this.#udpSockets.has(port)) {
      const buf = new Uint8Array(2048);
      const n = await client.read(buf).catch(() => null);
      if (n === null) return closeConn(client);
      first = buf.slice(0, n);
      const network = framedStunNetworkId(first);
      if (network !== null && !this.#loopbackNetworks.has(network)) {
        for (let i = 0; i < 20 && !this.#foreignNetworks.has(network) && !this.#loopbackNetworks.has(network); i++) {
          await sleep(50);
        }
        if (this.#foreignNetworks.has(network) && !this.#loopbackNetworks.has(network)) {
          this.foreignDrops++;
          return closeConn(client);
        }
      }
    }
    let server: Deno.Conn;
    try {
      this.sentTo.add(assertLoopback(this.targetIp));
      server = await Deno.connect({ hostname: this.targetIp, port, transport: "tcp" });
    } catch {
      client.close();
      return;
    }
    if (this.#closed) {
      client.close();
      server.close();
      return;
    }
    for (const c of [client, server] as Deno.TcpConn[]) c.setNoDelay(true);
    const flow: TcpFlow = { client, server, lane: this.#shaped };
    this.#tcpFlows.add(flow);
    await Promise.all([
      pumpTcp(flow, client, server, "up", this.#later, first),
      pumpTcp(flow, server, client, "down", this.#later),
    ]);
    closeFlow(flow);
    this.#tcpFlows.delete(flow);
  }

  #sweepIdle() {
    const now = performance.now();
    for (const [key, f] of this.#udpFlows) {
      if (now - f.lastSeen > UDP_IDLE_MS) {
        f.upstream.close();
        this.#udpFlows.delete(key);
      }
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
