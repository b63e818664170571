// One TCP flow through the relay: each direction's chunks are released in order when the lane's
// link says they arrive, and held while the lane is cut ("all").
import type { Lane } from "./lane.ts";

export interface TcpFlow {
  client: Deno.Conn;
  server: Deno.Conn;
  lane: Lane;
}

/** Copies one direction of a TCP flow, each chunk released when its link says it arrives. */
export async function pumpTcp(
  flow: TcpFlow,
  src: Deno.Conn,
  dst: Deno.Conn,
  dir: "up" | "down",
  later: (ms: number, fn: () => void) => void,
  first?: Uint8Array,
) {
  const queue: { at: number; data: Uint8Array }[] = [];
  let last = 0;
  if (first) {
    last = flow.lane[dir].stream(first.byteLength, performance.now(), last);
    queue.push({ at: last, data: first });
  }
  let ended = false;
  const signal: { wake: (() => void) | null } = { wake: null };
  const writer = (async () => {
    for (;;) {
      const next = queue[0];
      if (!next) {
        if (ended) break;
        await new Promise<void>((r) => (signal.wake = r));
        continue;
      }
      const wait = next.at - performance.now();
      if (wait > 0) await new Promise<void>((r) => later(wait, r));
      while (flow.lane.blocks("tcp")) await flow.lane.open();
      queue.shift();
      for (let off = 0; off < next.data.byteLength;) off += await dst.write(next.data.subarray(off));
    }
    await dst.closeWrite().catch(() => {});
  })().catch(() => closeFlow(flow));
  const buf = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await src.read(buf);
      if (n === null) break;
      last = flow.lane[dir].stream(n, performance.now(), last);
      queue.push({ at: last, data: buf.slice(0, n) });
      signal.wake?.();
    }
  } catch { /* reset or closed */ }
  ended = true;
  signal.wake?.();
  await writer;
}

export function closeConn(c: Deno.Conn) {
  try {
    c.close();
  } catch { /* closed */ }
}

export function closeFlow(f: TcpFlow) {
  for (const c of [f.client, f.server]) {
    try {
      c.close();
    } catch { /* closed */ }
  }
}
