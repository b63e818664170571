// `deno task bench:soak [--minutes N] [--warmup N] [--listeners N]`: churn for a long while (30
// minutes by default, after a warm-up of the same churn, 10 minutes by default) against a fresh
// stack, watching every process's memory. Listeners (room sockets, some
// with an SFU signalling session: router capabilities, a receive transport, consume; no RTP, so no
// browser is needed) join and leave a live Space all the time; the Space is ended and a new one
// made every 2 minutes; 1:1 calls ring, are answered (room sockets and SFU sessions on both sides)
// and hung up. The web runs in a child process (`--web`) so that its RSS is its own.
// stderr: RSS (VmRSS) of the party's workerd, the web, the SFU and its mediasoup workers at start,
// every minute and at the end, and every error line the processes print, as they come.
// stdout, last line: {"bench":"soak","minutes":..,"warmup_minutes":..,"joins":..,"calls":..,
// "rss_mb":{"party":[start,end],..},"growth_pct":{..},"growth_from_minute1_pct":{..},"errors":N,...}.
// `growth_pct` is the end of the measured minutes against their start, once warm: a runtime's heap
// grows to its working size in the first minutes of any load (workerd's, for the party, keeps
// what a Durable Object used after the object is evicted and reuses it for the next ones; it
// never returns it to the system), so a leak is what still grows after that. `start` in rss_mb is
// that warm sample; the idle start and the series from minute 1 are printed too.
// Longer than 300 lines on purpose: a bench is one program: its churn, its memory sampling and its
// report read best together.
import { type Account, call, Socket } from "../tests/support/calls.ts";
import { readLog } from "../tests/support/fuzz.ts";
import { freePort, PartyDev } from "../tests/support/party.ts";
import { SfuProcess } from "../tests/support/sfu.ts";

const arg = (name: string, fallback: number, { zero = false } = {}) => {
  const i = Deno.args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(Deno.args[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < 0 || (v === 0 && !zero)) throw new Error(`--${name} needs a positive number`);
  return v;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (m: string) => console.error(`bench:soak: ${m}`);
const SPACE_EVERY_MS = 120_000;

if (Deno.args.includes("--web")) await serveWeb();
else await soak();

/** Child mode: the web app alone in this process, accounts made in its KV, then idle until killed. */
async function serveWeb() {
  const { startWeb } = await import("../tests/support/web.ts");
  const { account, befriend } = await import("../tests/support/calls.ts");
  const web = await startWeb();
  console.log(JSON.stringify({ url: web.url }));
  const line = (await Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader().read()).value ?? "";
  const { partyUrl, sfuUrl } = JSON.parse(line.split("\n")[0]);
  web.deps.config.partyUrl = web.deps.config.partyPublicUrl = partyUrl;
  web.deps.config.sfuUrl = web.deps.config.sfuPublicUrl = sfuUrl;
  const host = await account(web, "soak_host");
  const listeners = await Promise.all(Array.from({ length: 8 }, (_, i) => account(web, `soak_l${i}`)));
  const pairs: [Account, Account][] = [];
  for (let i = 0; i < 2; i++) {
    const [a, b] = [await account(web, `soak_a${i}`), await account(web, `soak_b${i}`)];
    await befriend(web, a, b);
    pairs.push([a, b]);
  }
  console.log(JSON.stringify({ host, listeners, pairs }));
  await new Promise(() => {});
}

interface Proc {
  name: string;
  pids: () => Promise<number[]>;
}

async function rssMb(pids: number[]): Promise<number> {
  let kb = 0;
  for (const pid of pids) {
    const status = await Deno.readTextFile(`/proc/${pid}/status`).catch(() => "");
    kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return Math.round(kb / 102.4) / 10;
}

/** The process listening on a TCP port (the party's workerd: partykit's node only starts it). */
async function pidListening(port: number): Promise<number[]> {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const row of (await Deno.readTextFile(table).catch(() => "")).split("\n").slice(1)) {
      const f = row.trim().split(/\s+/);
      if (f[1]?.endsWith(`:${hex}`) && f[3] === "0A") inodes.add(f[9]);
    }
  }
  const out: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      for await (const fd of Deno.readDir(`/proc/${e.name}/fd`)) {
        const link = await Deno.readLink(`/proc/${e.name}/fd/${fd.name}`).catch(() => "");
        const m = /^socket:\[(\d+)\]$/.exec(link);
        if (m && inodes.has(m[1])) {
          out.push(Number(e.name));
          break;
        }
      }
    } catch { /* gone, or not ours to read */ }
  }
  return out;
}

/** Lines kept from a child's output, with a callback per line. */
function collect(stream: ReadableStream<Uint8Array<ArrayBuffer>>, into: string[], onLine: (l: string) => void) {
  let rest = "";
  stream.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({
      write(t) {
        into.push(t);
        const lines = (rest + t).split("\n");
        rest = lines.pop() ?? "";
        lines.forEach(onLine);
      },
    }),
  ).catch(() => {});
}

async function soak() {
  const minutes = arg("minutes", 30);
  const warmup = arg("warmup", 10, { zero: true });
  const poolSize = arg("listeners", 40);
  log(
    `${warmup} min of warm-up, then ${minutes} min measured, ${poolSize} listeners; load average ${
      Deno.loadavg().map((x) => x.toFixed(2)).join(" ")
    }`,
  );
  const webLog: string[] = [];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "--web"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const childLines: string[] = [];
  let wake = () => {};
  collect(child.stdout, webLog, (l) => (childLines.push(l), wake()));
  collect(child.stderr, webLog, () => {});
  const nextLine = async () => {
    while (!childLines.length) await new Promise<void>((r) => (wake = r));
    return JSON.parse(childLines.shift()!);
  };
  const { url: webUrl } = await nextLine();
  const sfuPort = freePort();
  const sfuUrl = `http://127.0.0.1:${sfuPort}`;
  const party = await PartyDev.start({
    vars: { SPAZIO_WEB_URL: webUrl.replace("localhost", "127.0.0.1"), SPAZIO_SFU_URL: sfuUrl },
  });
  const sfu = await SfuProcess.start({ SPAZIO_SFU_PORT: String(sfuPort), SPAZIO_PARTY_URL: party.http });
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify({ partyUrl: party.http, sfuUrl }) + "\n"));
  const people: { host: Account; listeners: Account[]; pairs: [Account, Account][] } = await nextLine();
  const web = { url: webUrl, deps: undefined as never, port: 0, kvPath: "", close: async () => {} };

  const procs: Proc[] = [
    { name: "party", pids: () => pidListening(party.port) },
    { name: "web", pids: () => Promise.resolve([child.pid]) },
    { name: "sfu", pids: () => Promise.resolve([sfu.pid]) },
    { name: "sfu_workers", pids: () => sfu.workerPids() },
  ];
  const samples: Record<string, number[]> = {};
  const sample = async (label: string) => {
    const parts: string[] = [];
    for (const p of procs) {
      const mb = await rssMb(await p.pids());
      (samples[p.name] ??= []).push(mb);
      parts.push(`${p.name} ${mb} MB`);
    }
    log(`RSS ${label}: ${parts.join(", ")}`);
  };
  // Every error line any process prints, as it comes (dev-runtime noise counted apart, see fuzz.ts).
  const seen = { party: 0, sfu: 0, web: 0 };
  const errorLines: string[] = [];
  let runtimeNoise = 0;
  const scan = () => {
    for (const [name, text] of [["party", party.log], ["sfu", sfu.log], ["web", webLog.join("")]] as const) {
      const fresh = text.slice(seen[name]);
      const cut = fresh.lastIndexOf("\n") + 1;
      seen[name] += cut;
      const found = readLog(fresh.slice(0, cut));
      runtimeNoise += found.runtimeNoise;
      for (const l of [...found.bad, ...found.warnings]) {
        errorLines.push(`${name}: ${l}`);
        log(`ERROR LINE ${name}: ${l}`);
      }
    }
  };

  const counts = { joins: 0, leaves: 0, syncs: 0, sfuSessions: 0, spaces: 0, calls: 0, failures: 0 };
  const failed = (what: string) => {
    counts.failures++;
    if (counts.failures <= 50) log(`FAILED ${what}`);
  };
  await sample("start (idle)");
  const started = Date.now();
  const until = started + (warmup + minutes) * 60_000;
  const live = () => Date.now() < until;

  let spaceId = "";
  const spaceLoop = async () => {
    while (live()) {
      const made = await call(web, people.host, "POST", "/api/spaces", {
        title: `Soak ${++counts.spaces}`,
        topics: [],
        lang: "en",
      });
      if (made.status !== 201) {
        failed(`Space not made: ${made.status} ${JSON.stringify(made.body)}`);
        await sleep(5_000);
        continue;
      }
      const id: string = made.body.id;
      const join = await call(web, people.host, "POST", `/api/spaces/${id}/join`);
      const hostSock = new Socket(
        `${party.ws}/parties/space/${id}?token=${encodeURIComponent(join.body.token)}`,
        webUrl,
      );
      await hostSock.waitFor("sync").catch(() => failed("host got no sync"));
      spaceId = id;
      const end = Math.min(Date.now() + SPACE_EVERY_MS, until);
      while (Date.now() < end) await sleep(250);
      hostSock.send({ type: "end" });
      await hostSock.closed;
    }
  };

  const listenerLoop = async (slot: number) => {
    await sleep(slot * 150);
    while (live()) {
      if (!spaceId) {
        await sleep(200);
        continue;
      }
      const who = slot % 3 === 0 ? people.listeners[slot % people.listeners.length] : null;
      const join = await call(web, who, "POST", `/api/spaces/${spaceId}/join`);
      if (join.status === 409) continue; // the Space just ended: the next one is coming
      if (join.status !== 200) {
        failed(`join ${join.status} ${JSON.stringify(join.body)}`);
        await sleep(1_000);
        continue;
      }
      counts.joins++;
      // Where the web says: the Space room, or (for a plain listener) one of its audience shards.
      const s = new Socket(
        `${party.ws}/parties/${join.body.party}/${encodeURIComponent(join.body.room)}?token=${
          encodeURIComponent(join.body.token)
        }`,
        webUrl,
      );
      const ok = await s.waitFor("sync").then(
        () => true,
        (e) => (String(e).includes("4000") ? false : (failed(`no sync: ${e}`), false)),
      );
      if (ok) counts.syncs++;
      let media: WebSocket | undefined;
      if (ok && slot % 4 === 1) {
        media = await sfuSession(join.body.sfuUrl, join.body.sfuToken, webUrl, failed, () => counts.sfuSessions++);
      }
      const stay = 3_000 + Math.random() * 20_000;
      const leaveAt = Date.now() + stay;
      while (Date.now() < leaveAt && live()) {
        const closed = await Promise.race([s.closed.then(() => true), sleep(250).then(() => false)]);
        if (closed) break;
        if (Math.random() < 0.02) s.send({ type: "react", emoji: "👋" });
      }
      media?.close();
      await s.close();
      counts.leaves++;
    }
  };

  const callLoop = async ([caller, callee]: [Account, Account], i: number) => {
    await sleep(5_000 + i * 7_000);
    while (live()) {
      // The web allows 5 call attempts a minute per caller: one every 15 s stays well inside.
      const t0 = Date.now();
      await oneCall(web, party, caller, callee, failed).then((ok) => ok && counts.calls++);
      await sleep(Math.max(0, 15_000 - (Date.now() - t0)));
    }
  };

  const ticker = setInterval(async () => {
    scan();
    const m = Math.round((Date.now() - started) / 60_000);
    if (m === warmup) log(`warm-up over: the measured ${minutes} minutes start now`);
    log(`${m} min: ${JSON.stringify(counts)}`);
    await sample(`${m} min`);
  }, 60_000);
  try {
    await Promise.all([
      spaceLoop(),
      ...Array.from({ length: poolSize }, (_, i) => listenerLoop(i)),
      ...people.pairs.map((p, i) => callLoop(p, i)),
    ]);
  } finally {
    clearInterval(ticker);
  }
  await sleep(3_000);
  scan();
  await sample("end");
  const rss: Record<string, [number, number]> = {};
  const idle: Record<string, number> = {};
  const growth: Record<string, number> = {};
  const fromMinute1: Record<string, number> = {};
  const pct = (from: number, to: number) => from ? Math.round(((to - from) / from) * 1000) / 10 : 0;
  for (const [name, xs] of Object.entries(samples)) {
    // xs[0] is the idle start, xs[m] the sample at minute m, the last one the end.
    const end = xs[xs.length - 1];
    const warm = xs[Math.max(1, warmup)] ?? end;
    rss[name] = [warm, end];
    idle[name] = xs[0];
    growth[name] = pct(warm, end);
    fromMinute1[name] = pct(xs[1] ?? xs[0], end);
  }
  console.log(JSON.stringify({
    bench: "soak",
    minutes,
    warmup_minutes: warmup,
    rss_idle_mb: idle,
    growth_from_minute1_pct: fromMinute1,
    joins: counts.joins,
    calls: counts.calls,
    spaces: counts.spaces,
    sfu_sessions: counts.sfuSessions,
    rss_mb: rss,
    rss_series_mb: samples,
    growth_pct: growth,
    errors: errorLines.length + counts.failures,
    error_lines: errorLines.length,
    client_failures: counts.failures,
    runtime_noise_lines: runtimeNoise,
  }));
  await sfu.stop();
  await party.dispose();
  child.kill("SIGTERM");
  await child.status;
}

/** An SFU signalling session as a listener's browser opens one, up to consuming (no RTP). */
async function sfuSession(url: string, token: string, origin: string, failed: (w: string) => void, done: () => void) {
  const ws = new WebSocket(`${url}?token=${encodeURIComponent(token)}`, { headers: { origin } } as never);
  const answers = new Map<number, { data?: Record<string, unknown>; code?: string }>();
  ws.onmessage = (e) => {
    const m = JSON.parse(String(e.data));
    if (typeof m.id === "number") answers.set(m.id, m);
  };
  ws.onerror = () => {};
  const ask = async (id: number, req: Record<string, unknown>) => {
    ws.send(JSON.stringify({ id, ...req }));
    const end = Date.now() + 5_000;
    while (!answers.has(id) && Date.now() < end && ws.readyState === WebSocket.OPEN) await sleep(20);
    return answers.get(id);
  };
  const opened = await Promise.race([new Promise((r) => (ws.onopen = () => r(true))), sleep(5_000).then(() => false)]);
  if (!opened) {
    failed("SFU socket did not open");
    ws.close();
    return undefined;
  }
  const caps = await ask(1, { type: "getRouterRtpCapabilities" });
  // A socket the SFU closed meanwhile (the Space ended: room closed) is no failure.
  if (!caps?.data) {
    if (ws.readyState === WebSocket.OPEN) failed(`no router capabilities: ${JSON.stringify(caps)}`);
  } else {
    await ask(2, { type: "createTransport", direction: "recv" });
    await ask(3, { type: "consume", rtpCapabilities: caps.data.rtpCapabilities });
    done();
  }
  return ws;
}

/** One answered call: ring, answer, both sides' room sockets and SFU sessions, hang up. */
async function oneCall(
  web: Parameters<typeof call>[0],
  party: PartyDev,
  caller: Account,
  callee: Account,
  failed: (w: string) => void,
): Promise<boolean> {
  const placed = await call(web, caller, "POST", "/api/calls", { to: callee.user.handle });
  if (placed.status !== 201) return (failed(`call not placed: ${placed.status} ${JSON.stringify(placed.body)}`), false);
  const callId: string = placed.body.callId;
  const sockets: Socket[] = [];
  const media: WebSocket[] = [];
  try {
    for (const who of [callee, caller]) {
      const j = await call(web, who, "POST", `/api/calls/${callId}/join`);
      const s = new Socket(`${party.ws}/parties/call/${callId}?token=${encodeURIComponent(j.body.token)}`);
      await s.waitFor("sync");
      sockets.push(s);
    }
    sockets[0].send({ type: "accept" });
    await sockets[1].waitFor("status", (e) => e.call.status === "accepted");
    for (const who of [callee, caller]) {
      const m = await call(web, who, "POST", `/api/calls/${callId}/media`);
      const ws = await sfuSession(m.body.url, m.body.token, web.url, failed, () => {});
      if (ws) media.push(ws);
    }
    await sleep(5_000 + Math.random() * 5_000);
    sockets[1].send({ type: "hangup" });
    await sockets[0].waitFor("status", (e) => e.call.status === "ended");
    return true;
  } catch (e) {
    failed(`call ${callId}: ${(e as Error).message.slice(0, 300)}`);
    return false;
  } finally {
    for (const ws of media) ws.close();
    for (const s of sockets) await s.close();
  }
}
