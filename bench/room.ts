// Space room broadcast latency: `deno run -A bench/room.ts` (or `deno task bench:room`).
// Starts a `partykit dev` with a fresh temp persist dir, fills one Space with 100, 500, then 1,000
// listeners on loopback, has the host toggle their mute, and prints per size one line
// {"bench":"room-broadcast","clients":N,"p50_ms":..,"p95_ms":..}: from the host sending the command
// to the last client receiving the event. Clients run in this process, so their own receive work
// counts too, as it would in browsers. Bounded: every wait has a deadline, the run has a cap.
import { initSpace, newSpaceId, PartyDev, spaceToken } from "../tests/support/party.ts";
import { percentile } from "./percentile.ts";

const SIZES = [100, 500, 1_000];
const CHANGES_PER_SIZE = 30;
const WARMUP_CHANGES = 3;
const CONNECT_BATCH = 50;
const RUN_CAP_MS = 240_000;

const host = { sub: "u:benchhost", handle: "host" };
const log = (m: string) => console.error(`bench:room: ${m}`);

const cap = setTimeout(() => {
  console.error("bench:room: gave up after the run cap");
  Deno.exit(1);
}, RUN_CAP_MS);

/** The change in flight: how many listeners have seen it, and when the last one did. */
let inFlight = { n: 0, seen: 0, need: 0, done: (_at: number) => {} };
let nextChange = 0;

function listen(ws: WebSocket) {
  ws.onmessage = (e) => {
    const ev = JSON.parse(e.data);
    if ((ev.type === "muted" || ev.type === "unmuted") && ev.sub === host.sub) {
      // Timed here, not by polling, so the number is the delivery time and not a poll interval.
      if (++inFlight.seen === inFlight.need) inFlight.done(performance.now());
    }
  };
}

async function connect(dev: PartyDev, id: string, i: number): Promise<WebSocket> {
  const token = await spaceToken(id, { sub: `u:listener${String(i).padStart(5, "0")}` }, {
    ttlSeconds: 600,
  });
  const ws = new WebSocket(`${dev.ws}/parties/space/${id}?token=${token}`);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`listener ${i} did not get sync`)), 20_000);
    ws.onmessage = (e) => {
      if (JSON.parse(e.data).type === "sync") {
        clearTimeout(t);
        listen(ws);
        resolve();
      }
    };
    ws.onclose = (e) => reject(new Error(`listener ${i} closed: ${e.code} ${e.reason}`));
  });
  return ws;
}

function deadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((
    _,
    reject,
  ) => (t = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

// Other processes on the machine skew the numbers; say how busy it was.
log(`load average at start: ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
const dev = await PartyDev.start();
const sockets: WebSocket[] = [];
try {
  const id = newSpaceId("bench");
  await initSpace(dev, id, host);
  const hostWs = new WebSocket(
    `${dev.ws}/parties/space/${id}?token=${await spaceToken(id, host, { ttlSeconds: 600 })}`,
  );
  await new Promise((r) => (hostWs.onopen = r));
  let muted = true;

  for (const size of SIZES) {
    while (sockets.length < size) {
      const batch = Math.min(CONNECT_BATCH, size - sockets.length);
      const base = sockets.length;
      sockets.push(
        ...(await Promise.all(Array.from({ length: batch }, (_, k) => connect(dev, id, base + k)))),
      );
    }
    log(`${size} listeners connected`);
    const samples: number[] = [];
    for (let i = 0; i < WARMUP_CHANGES + CHANGES_PER_SIZE; i++) {
      let done!: (at: number) => void;
      const delivered = new Promise<number>((r) => (done = r));
      inFlight = { n: ++nextChange, seen: 0, need: size, done };
      const t0 = performance.now();
      hostWs.send(JSON.stringify({ type: muted ? "unmuteSelf" : "muteSelf" }));
      muted = !muted;
      const at = await deadline(
        delivered,
        10_000,
        `change ${inFlight.n} to reach ${size} listeners`,
      );
      if (i >= WARMUP_CHANGES) samples.push(at - t0);
      // Stay well inside the host's message rate limit (20 a second).
      await new Promise((r) => setTimeout(r, 60));
    }
    samples.sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 10) / 10;
    console.log(JSON.stringify({
      bench: "room-broadcast",
      clients: size,
      p50_ms: round(percentile(samples, 50)),
      p95_ms: round(percentile(samples, 95)),
    }));
  }
  hostWs.close();
} finally {
  for (const ws of sockets) ws.close();
  await dev.dispose();
  clearTimeout(cap);
}
