// Audience broadcast through shards: `deno task bench:audience [--max N] [--sizes a,b] [--procs P]
// [--shard-size S] [--changes C]`. Starts a `partykit dev` (fresh storage), fills one Space with
// listeners on its audience shards (listener i on shard floor(i / S), as the web assigns them),
// the WebSockets spread over P client processes (this file again, with --clients), has the host
// toggle their mute, and prints per size
//   {"bench":"audience-broadcast","listeners":N,"shards":S,"p50_ms":..,"p95_ms":..,"lost":..}
// (host's command to the last listener's event, wall clock across processes on one machine),
//   {"bench":"audience-shard","listeners_in_shard":n,"p50_ms_per_1000":..}
// (first to last listener of one shard, per 1,000 listeners: what one production shard costs,
// since shards are separate Durable Objects there but share workerd's one thread here), and first
// the yardstick: the same figure for 1,000 connections on the Space room itself (shards: 0).
// A bench: it prints numbers, it asserts no speed. Bounded: every wait has a deadline.
// Longer than 300 lines on purpose: a bench is one program, which is also its own client process
// (--clients).
import { DEV_ROOM_SECRET } from "../lib/protocol/defaults.ts";
import { mintRoomToken } from "../lib/protocol/token.ts";

const args = Deno.args;
const flag = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const now = () => performance.timeOrigin + performance.now();

/** The lines of a byte stream (JSR's TextLineStream is out of reach here). */
async function* linesOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let rest = "";
  const text = new TextDecoder();
  for await (const chunk of stream) {
    rest += text.decode(chunk, { stream: true });
    let i;
    while ((i = rest.indexOf("\n")) >= 0) {
      yield rest.slice(0, i);
      rest = rest.slice(i + 1);
    }
  }
  if (rest) yield rest;
}

// ---------------------------------------------------------------------------------------------
// A client process: holds its share of the listeners, and says when each change reached them all.

/** What the coordinator tells a client process, one JSON line each. */
type Order =
  | {
    op: "connect";
    url: string;
    party: "space" | "audience";
    space: string;
    from: number;
    to: number;
    shardSize: number;
  }
  | { op: "arm"; k: number; expect: "muted" | "unmuted"; host: string }
  | { op: "status" }
  | { op: "closeAll" };

async function clients() {
  const out = (m: unknown) => console.log(JSON.stringify(m));
  const sockets: { ws: WebSocket; shard: number }[] = [];
  /** Why connections closed before their sync: close code and reason, counted. */
  const refused = new Map<string, number>();
  let armed: {
    k: number;
    expect: string;
    host: string;
    seen: number;
    shards: Map<number, [number, number]>;
    last: number;
  } | null = null;
  const onEvent = (shard: number, data: string) => {
    const a = armed;
    if (!a || !data.includes(a.expect)) return;
    const ev = JSON.parse(data);
    if (ev.type !== a.expect || ev.sub !== a.host) return;
    const t = now();
    const s = a.shards.get(shard);
    if (s) s[1] = t;
    else a.shards.set(shard, [t, t]);
    a.last = t;
    if (++a.seen === sockets.length) out({ op: "done", k: a.k, last: a.last, shards: Object.fromEntries(a.shards) });
  };
  const open = (o: Extract<Order, { op: "connect" }>, i: number) =>
    new Promise<void>((resolve) => {
      const shard = o.party === "space" ? -1 : Math.floor(i / o.shardSize);
      const room = o.party === "space" ? o.space : `${o.space}.${shard}`;
      void mintRoomToken(DEV_ROOM_SECRET, { aud: o.party, room, sub: `u:l${String(i).padStart(6, "0")}` }, undefined)
        .then((token) => {
          const ws = new WebSocket(`${o.url}/parties/${o.party}/${room}?token=${token}&_pk=l${i}`);
          const t = setTimeout(() => (ws.close(), resolve()), 30_000);
          ws.onmessage = (e) => {
            if (!String(e.data).startsWith('{"type":"sync"')) return;
            clearTimeout(t);
            sockets.push({ ws, shard });
            ws.onmessage = (m) => onEvent(shard, String(m.data));
            resolve();
          };
          ws.onclose = (e) => {
            clearTimeout(t);
            const why = `${e.code} ${e.reason}`.trim();
            refused.set(why, (refused.get(why) ?? 0) + 1);
            resolve();
          };
        });
    });
  for await (const line of linesOf(Deno.stdin.readable)) {
    if (!line.trim()) continue;
    const o = JSON.parse(line) as Order;
    if (o.op === "connect") {
      const before = sockets.length;
      for (let i = o.from; i < o.to; i += 100) {
        await Promise.all(Array.from({ length: Math.min(100, o.to - i) }, (_, j) => open(o, i + j)));
      }
      out({
        op: "connected",
        n: sockets.length - before,
        failed: o.to - o.from - (sockets.length - before),
        why: Object.fromEntries(refused),
      });
      refused.clear();
    } else if (o.op === "arm") {
      armed = { ...o, seen: 0, shards: new Map(), last: 0 };
      out({ op: "armed", k: o.k });
    } else if (o.op === "status") {
      out({ op: "status", seen: armed?.seen ?? 0, of: sockets.length });
    } else if (o.op === "closeAll") {
      for (const s of sockets.splice(0)) s.ws.close();
      out({ op: "closed" });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The coordinator.

class ClientProcess {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #waiting: { op: string; resolve: (m: Record<string, unknown>) => void }[] = [];
  readonly done = new Map<number, { last: number; shards: Record<string, [number, number]> }>();

  constructor() {
    const child = this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL(import.meta.url).pathname, "--clients"],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    void (async () => {
      for await (const line of linesOf(child.stdout)) {
        const m = JSON.parse(line);
        if (m.op === "done") this.done.set(m.k, m);
        const i = this.#waiting.findIndex((w) => w.op === m.op);
        if (i >= 0) this.#waiting.splice(i, 1)[0].resolve(m);
      }
    })();
  }

  ask(order: Order, answer: string, ms: number): Promise<Record<string, unknown>> {
    const p = new Promise<Record<string, unknown>>((resolve) => this.#waiting.push({ op: answer, resolve }));
    void this.#writer.write(new TextEncoder().encode(JSON.stringify(order) + "\n"));
    return deadline(p, ms, `${order.op} in a client process`);
  }

  async stop() {
    await this.#writer.close().catch(() => {});
    try {
      this.#child.kill("SIGTERM");
    } catch { /* gone */ }
    await this.#child.status;
  }
}

function deadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((
    _,
    reject,
  ) => (t = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const round = (x: number) => Math.round(x * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const { initSpace, newSpaceId, PartyDev, spaceToken } = await import("../tests/support/party.ts");
  const log = (m: string) => console.error(`bench:audience: ${m}`);
  const max = flag("max", 20_000);
  const shardSize = flag("shard-size", 10_000);
  const procs = flag("procs", 4);
  const changes = flag("changes", 20);
  const sizesArg = args.indexOf("--sizes") >= 0
    ? args[args.indexOf("--sizes") + 1].split(",").map(Number)
    : [1_000, 5_000, 10_000, 20_000];
  // workerd holds every listener's socket: it cannot hold more than its file limit allows.
  const fdLimit = Number(
    new TextDecoder().decode(
      (await new Deno.Command("sh", { args: ["-c", "ulimit -n"], stdout: "piped" }).output()).stdout,
    ).trim(),
  ) || 1e9;
  const room = Math.max(0, fdLimit - 400);
  const sizes = sizesArg.filter((n) => n <= max).map((n) => {
    if (n <= room) return n;
    log(`${n} listeners would pass workerd's open-file limit (${fdLimit}): ${room} instead`);
    return room;
  });
  const cap = setTimeout(() => {
    console.error("bench:audience: gave up after the run cap (20 minutes)");
    Deno.exit(1);
  }, 20 * 60_000);
  log(`load average at start: ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}; ${procs} client processes`);
  const dev = await PartyDev.start({ vars: { SPAZIO_AUDIENCE_SHARD_SIZE: String(shardSize) } });
  const pool = Array.from({ length: procs }, () => new ClientProcess());
  let k = 0;
  try {
    /** Connects listeners [from, to) spread over the client processes; the number connected. */
    const fill = async (party: "space" | "audience", space: string, from: number, to: number) => {
      const per = Math.ceil((to - from) / procs);
      const got = await Promise.all(pool.map((c, i) => {
        const a = from + i * per, b = Math.min(to, a + per);
        if (a >= b) return { n: 0, failed: 0 };
        return c.ask({ op: "connect", url: dev.ws, party, space, from: a, to: b, shardSize }, "connected", 600_000);
      }));
      const failed = got.reduce((n, g) => n + Number(g.failed), 0);
      if (failed) {
        log(
          `${failed} listeners could not connect: ${
            got.map((g) => JSON.stringify((g as { why?: unknown }).why ?? {})).join(" ")
          }`,
        );
      }
      return got.reduce((n, g) => n + Number(g.n), 0);
    };

    /** The host's mute toggled `changes` times; each time from the command to every listener. */
    const measure = async (
      hostWs: WebSocket,
      hostSub: string,
      n: number,
      heard: { said: string[]; muted: boolean },
    ) => {
      const samples: number[] = [];
      const perShard: number[] = [];
      let lost = 0;
      // From where the room has the host now: one size's run may end with the host unmuted.
      let muted = heard.muted;
      for (let i = 0; i < changes + 2; i++) {
        const expect = muted ? "unmuted" : "muted";
        const kk = ++k;
        await Promise.all(pool.map((c) => c.ask({ op: "arm", k: kk, expect, host: hostSub }, "armed", 10_000)));
        const t0 = now();
        const saidBefore = heard.said.length;
        hostWs.send(JSON.stringify({ type: muted ? "unmuteSelf" : "muteSelf" }));
        muted = !muted;
        const until = Date.now() + 15_000;
        while (pool.some((c) => !c.done.has(kk)) && Date.now() < until) await sleep(2);
        if (pool.some((c) => !c.done.has(kk))) {
          const st = await Promise.all(pool.map((c) => c.ask({ op: "status" }, "status", 10_000)));
          const missing = st.reduce((m, s) => m + Number(s.of) - Number(s.seen), 0);
          // What the room answered the host: its own echo of the change, or a refusal.
          const answer = heard.said.slice(saidBefore).join(", ") || "nothing";
          log(`change ${kk}: ${missing} of ${n} listeners did not get it within 15 s; the host heard: ${answer}`);
          lost += missing;
          continue;
        }
        // The first two warm the path up.
        if (i < 2) continue;
        samples.push(Math.max(...pool.map((c) => c.done.get(kk)!.last)) - t0);
        const span = new Map<string, [number, number, number]>();
        for (const c of pool) {
          for (const [s, [a, b]] of Object.entries(c.done.get(kk)!.shards)) {
            const cur = span.get(s);
            span.set(s, cur ? [Math.min(cur[0], a), Math.max(cur[1], b), 0] : [a, b, 0]);
          }
        }
        const [a, b] = span.get("0") ?? [0, 0];
        perShard.push(b - a);
        // Stay well inside the host's message rate limit (20 a second).
        await sleep(60);
      }
      samples.sort((a, b) => a - b);
      perShard.sort((a, b) => a - b);
      return { samples, perShard, lost };
    };

    /** A host on the Space room, and their listener count as last heard. */
    const hostOn = async (id: string, sub: string) => {
      const ws = new WebSocket(
        `${dev.ws}/parties/space/${id}?token=${await spaceToken(id, { sub, handle: "host" }, { ttlSeconds: 3_600 })}`,
      );
      const heard = { count: 0, said: [] as string[], muted: true };
      ws.onmessage = (e) => {
        const ev = JSON.parse(e.data);
        if (ev.type === "listenerCount" || ev.type === "sync") {
          heard.count = ev.type === "sync" ? ev.listenerCount : ev.count;
        }
        if (ev.type === "sync") heard.muted = ev.stage.find((m: { sub: string }) => m.sub === sub)?.muted ?? true;
        if ((ev.type === "muted" || ev.type === "unmuted") && ev.sub === sub) heard.muted = ev.type === "muted";
        if (ev.type === "muted" || ev.type === "unmuted") heard.said.push(ev.type);
        if (ev.type === "error") heard.said.push(`error ${ev.code}: ${ev.message}`);
      };
      ws.onclose = (e) => heard.said.push(`closed ${e.code} ${e.reason}`);
      await deadline(new Promise((r) => (ws.onopen = r)), 10_000, "the host's socket");
      return { ws, heard };
    };

    // The yardstick: 1,000 listeners on the Space room itself.
    {
      const id = newSpaceId("yard");
      const hostSub = "u:yardhost";
      await initSpace(dev, id, { sub: hostSub, handle: "host" });
      const { ws, heard } = await hostOn(id, hostSub);
      const n = await fill("space", id, 0, 1_000);
      log(`yardstick: ${n} listeners on the Space room`);
      const r = await measure(ws, hostSub, n, heard);
      console.log(JSON.stringify({
        bench: "audience-broadcast",
        room: "bare",
        listeners: n,
        shards: 0,
        p50_ms: round(percentile(r.samples, 50)),
        p95_ms: round(percentile(r.samples, 95)),
        lost: r.lost,
      }));
      ws.close();
      await Promise.all(pool.map((c) => c.ask({ op: "closeAll" }, "closed", 60_000)));
    }

    const id = newSpaceId("aud");
    const hostSub = "u:audhost";
    await initSpace(dev, id, { sub: hostSub, handle: "host" });
    const host = await hostOn(id, hostSub);
    let connected = 0;
    let next = 0;
    for (const size of sizes) {
      const t = Date.now();
      connected += await fill("audience", id, next, size);
      log(`${connected} listeners connected (${((Date.now() - t) / 1000).toFixed(1)} s for the last ${size - next})`);
      next = size;
      // The shards report their counts at most every 250 ms: the host's count says all arrived.
      await deadline(
        (async () => {
          while (host.heard.count < connected) await sleep(50);
        })(),
        30_000,
        `the host to count ${connected}`,
      )
        .catch((e) => log(`${e.message} (heard ${host.heard.count})`));
      const shards = Math.ceil(connected / shardSize);
      const r = await measure(host.ws, hostSub, connected, host.heard);
      console.log(JSON.stringify({
        bench: "audience-broadcast",
        listeners: connected,
        shards,
        p50_ms: round(percentile(r.samples, 50)),
        p95_ms: round(percentile(r.samples, 95)),
        lost: r.lost,
        host_counted: host.heard.count,
      }));
      const inShard0 = Math.min(connected, shardSize);
      console.log(JSON.stringify({
        bench: "audience-shard",
        listeners_in_shard: inShard0,
        p50_ms_per_1000: round(percentile(r.perShard, 50) / (inShard0 / 1_000)),
        p95_ms_per_1000: round(percentile(r.perShard, 95) / (inShard0 / 1_000)),
      }));
    }
    host.ws.close();
  } finally {
    await Promise.all(pool.map((c) => c.stop()));
    await dev.dispose();
    clearTimeout(cap);
  }
}

// Last: the classes and helpers above exist only once their declarations have run.
if (args.includes("--clients")) await clients();
else await main();
