// Fan-out capacity: one Opus source (RTP into a PlainTransport, one packet every `ptime` ms, each
// carrying the ssrc-audio-level extension as a browser's does) consumed by N listeners that each
// cost the worker real SRTP encryption (SRTP PlainTransports sending to UDP sinks on loopback,
// which count packets). For each packetisation (FANOUT_PTIMES, default 20,40,60 ms) and worker
// count (FANOUT_WORKERS, default 1; with 2 the listeners are split over two routers joined by
// pipeToRouter), N steps up until loss passes 0.5%. Prints one JSON line per step, then one
// `speaking` line per packetisation: whether the AudioLevelObserver (sfu/media.ts#AUDIO_LEVEL)
// still reports a speaker, since it ignores an interval with fewer than 10 packets.
// FANOUT_DTX=1 adds a line per packetisation for a silent speaker under Opus DTX (one packet per
// 400 ms) at the largest N that passed.
// Run: cd sfu && npx tsx ../bench/fanout.ts   (or `npm run bench:fanout --prefix sfu`)
import { execFileSync, spawn } from "node:child_process";
import dgram from "node:dgram";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { AUDIO_LEVEL } from "../sfu/media.ts";
import { ensureWorkerBinEnv } from "../sfu/worker-bin.ts";

ensureWorkerBinEnv();
const mediasoup = createRequire(new URL("../sfu/package.json", import.meta.url))("mediasoup") as typeof import("../sfu/node_modules/mediasoup");
type Worker = Awaited<ReturnType<typeof mediasoup.createWorker>>;
type Router = Awaited<ReturnType<Worker["createRouter"]>>;

const LOSS_LIMIT_PCT = 0.5;
/** A packet later than this after its window is lost to a listener (a jitter buffer's depth). */
const GRACE_MS = 200;
const WINDOW_MS = Number(process.env.FANOUT_WINDOW_MS ?? 5_000); // audio per measured step
const list = (v: string | undefined, fallback: number[]) => v ? v.split(",").map(Number) : fallback;
const PTIMES = list(process.env.FANOUT_PTIMES, [20, 40, 60]);
const WORKER_COUNTS = list(process.env.FANOUT_WORKERS, [1]);
const DTX = process.env.FANOUT_DTX === "1";
// The whole run stays within FANOUT_MAX_SECONDS: each (ptime, workers) run gets an equal share.
const BUDGET_MS = (Number(process.env.FANOUT_MAX_SECONDS ?? 540) * 1000) / (PTIMES.length * WORKER_COUNTS.length);
/** Listener counts tried, scaled by how many packets a second the source sends. */
function steps(W: number, ptime: number): number[] {
  const base = W === 1
    ? [250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2250, 2500, 3000, 3500]
    : [500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 6000];
  const scale = ptime / 20;
  if (scale === 1) return base;
  const start = Math.round(base[3] * scale / 500) * 500; // 1,000 (2,000) scaled: a quick warm start
  const out: number[] = [];
  for (let n = start; n <= base[base.length - 1] * scale; n += W * 500) out.push(n);
  return out;
}
/** Opus over RTP: 48 kHz clock; about 32 kbit/s of voice, so a packet grows with its duration. */
const payloadBytes = (ptime: number) => ptime * 4;
/** Opus TOC byte, SILK wideband, one frame of 20, 40 or 60 ms (RFC 6716 configs 9, 10, 11). */
const toc = (ptime: number) => ({ 20: 9, 40: 10, 60: 11 } as Record<number, number>)[ptime] << 3;
const AUDIO_LEVEL_EXT_ID = 1;
const AUDIO_LEVEL_URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
/** Opus DTX: a silent encoder sends one packet (1-2 bytes of comfort noise) every 400 ms. */
const DTX_EVERY_MS = 400;
const SSRC = 0x1234abcd;
const KEY = Buffer.alloc(30, 7).toString("base64"); // AES_CM_128_HMAC_SHA1_80: 16-byte key + 14-byte salt
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** UDP sinks counting SRTP packets of the Opus payload type (fanout-sink.c, built here with cc). */
async function openSinks(count: number, payloadType: number) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "fanout-"));
  const bin = path.join(dir, "fanout-sink");
  execFileSync("cc", ["-O2", "-o", bin, fileURLToPath(new URL("./fanout-sink.c", import.meta.url))]);
  const child = spawn(bin, [String(count), String(payloadType)], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const ports = String((await lines.next()).value).split(" ").map(Number);
  return {
    ports,
    async received(): Promise<number> {
      child.stdin!.write("c\n");
      return Number((await lines.next()).value);
    },
    close() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());
/**
 * CPU time of each worker process in ms, from /proc (utime + stime of all its threads). The
 * worker's own getResourceUsage() read up to 2.5 times this here (254% for
 * one single-threaded process), so it is kept only as `rusage_cpu_pct` for comparison.
 */
function cpuMs(workers: Worker[]): number[] {
  return workers.map((w) => {
    const fields = readFileSync(`/proc/${w.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  });
}
async function rusageMs(workers: Worker[]): Promise<number[]> {
  return Promise.all(workers.map(async (w) => {
    const u = await w.getResourceUsage();
    return u.ru_utime + u.ru_stime;
  }));
}

/**
 * An RTP packet as Chrome sends Opus: the one-byte header extension carries the audio level
 * (-dBov, 0-127; `level` 30 is speech, 127 silence) that the AudioLevelObserver reads.
 */
function rtpPacket(seq: number, ptime: number, level: number, payload: number): Buffer {
  const pkt = Buffer.alloc(12 + 8 + payload);
  pkt[0] = 0x90; // V=2, X=1
  pkt[1] = 100;
  pkt.writeUInt16BE(seq & 0xffff, 2);
  pkt.writeUInt32BE((seq * 48 * ptime) >>> 0, 4);
  pkt.writeUInt32BE(SSRC, 8);
  pkt.writeUInt16BE(0xbede, 12); // one-byte header extensions
  pkt.writeUInt16BE(1, 14); // one 32-bit word of them
  pkt[16] = (AUDIO_LEVEL_EXT_ID << 4) | 0; // id, length - 1
  pkt[17] = 0x80 | level; // voice activity bit, level
  pkt[20] = toc(ptime);
  for (let j = 21; j < pkt.length; j++) pkt[j] = (seq + j) & 0xff;
  return pkt;
}

async function run(W: number, ptime: number): Promise<void> {
  const deadline = Date.now() + BUDGET_MS;
  const workers = await Promise.all(
    Array.from({ length: W }, () => mediasoup.createWorker({ logLevel: "error", rtcMinPort: 20000, rtcMaxPort: 59999 })),
  );
  const codecs = [{ kind: "audio" as const, mimeType: "audio/opus", clockRate: 48000, channels: 2, parameters: { useinbandfec: 1, usedtx: 1 } }];
  const routers: Router[] = await Promise.all(workers.map((w) => w.createRouter({ mediaCodecs: codecs })));
  const input = await routers[0].createPlainTransport({ listenIp: { ip: "127.0.0.1" }, rtcpMux: true, comedia: true });
  const producer = await input.produce({
    kind: "audio",
    rtpParameters: {
      codecs: [{ mimeType: "audio/opus", clockRate: 48000, channels: 2, payloadType: 100 }],
      headerExtensions: [{ uri: AUDIO_LEVEL_URI, id: AUDIO_LEVEL_EXT_ID }],
      encodings: [{ ssrc: SSRC }],
    },
  });
  for (const r of routers.slice(1)) await routers[0].pipeToRouter({ producerId: producer.id, router: r });
  const sinks = await openSinks(8, 100);
  const sender = dgram.createSocket("udp4");
  let seq = 0;
  const sendOne = (silent = false) => {
    sender.send(rtpPacket(seq++, ptime, silent ? 127 : 30, silent ? 1 : payloadBytes(ptime)), input.tuple.localPort, "127.0.0.1");
  };
  // Paced against the clock, so a busy event loop does not lower the offered load.
  const sendFor = async (ms: number, every = ptime, silent = false) => {
    const start = Date.now();
    const packets = Math.round(ms / every);
    for (let i = 0; i < packets; i++) {
      sendOne(silent);
      await sleep(Math.max(0, start + (i + 1) * every - Date.now()));
    }
    return packets;
  };

  // Counts only packets that arrive within GRACE_MS of the window's end: a worker that falls
  // behind delivers the backlog later, which a listener's jitter buffer would have dropped, and
  // which must not be counted in the next window either, so each window starts once it drained.
  const drained = async () => {
    let last = await sinks.received();
    for (;;) {
      await sleep(200);
      const now = await sinks.received();
      if (now === last) return now;
      last = now;
    }
  };
  const measure = async (N: number, silent = false) => {
    const received0 = await drained();
    const cpu0 = cpuMs(workers);
    const ru0 = await rusageMs(workers);
    const t0 = Date.now();
    const sent = await sendFor(WINDOW_MS, silent ? DTX_EVERY_MS : ptime, silent);
    const elapsed = Date.now() - t0;
    const cpu1 = cpuMs(workers);
    const ru1 = await rusageMs(workers);
    await sleep(GRACE_MS);
    const received = (await sinks.received()) - received0;
    const lossPct = Math.max(0, (1 - received / (N * sent)) * 100);
    const cpus = cpu1.map((c, i) => Math.round(((c - cpu0[i]) / elapsed) * 1000) / 10);
    const rusage = ru1.map((c, i) => Math.round(((c - ru0[i]) / elapsed) * 1000) / 10);
    return {
      loss_pct: Math.round(lossPct * 100) / 100,
      worker_cpu_pct: Math.max(...cpus),
      worker_cpu_pcts: cpus,
      rusage_cpu_pct: Math.max(...rusage),
      packets_per_s: Math.round((received / elapsed) * 1000),
      // The machine's 1-minute load: on a shared machine, loss at low worker CPU means starvation.
      loadavg: Math.round(os.loadavg()[0] * 10) / 10,
      attempts: 1,
    };
  };

  let listeners = 0;
  let passed = 0;
  for (const N of steps(W, ptime)) {
    if (Date.now() > deadline) break;
    for (; listeners < N; listeners++) {
      const router = routers[listeners % W];
      const t = await router.createPlainTransport({
        listenIp: { ip: "127.0.0.1" }, rtcpMux: true, comedia: false, enableSrtp: true, srtpCryptoSuite: "AES_CM_128_HMAC_SHA1_80",
      });
      await t.connect({ ip: "127.0.0.1", port: sinks.ports[listeners % sinks.ports.length], srtpParameters: { cryptoSuite: "AES_CM_128_HMAC_SHA1_80", keyBase64: KEY } });
      const c = await t.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
      if (c.rtpParameters.codecs[0].payloadType !== 100) throw new Error("the sink counts payload type 100 only");
    }
    await sendFor(1_000); // warm-up: every new consumer has seen the stream
    // A shared machine's other work can starve the worker for a moment: a lossy window is
    // measured once more, and the step fails only if the loss holds.
    let result = await measure(N);
    if (result.loss_pct > LOSS_LIMIT_PCT) result = { ...(await measure(N)), attempts: 2 };
    console.log(JSON.stringify({ bench: "fanout", ptime, dtx: false, workers: W, listeners: N, ...result }));
    if (result.loss_pct > LOSS_LIMIT_PCT) break;
    passed = N;
  }
  if (DTX && passed > 0) {
    // A silent speaker, to every listener created (the last step's count, even if it failed).
    const result = await measure(listeners, true);
    console.log(JSON.stringify({ bench: "fanout", ptime, dtx: "silent", workers: W, listeners, ...result }));
  }
  sender.close();
  sinks.close();
  for (const w of workers) w.close();
}

/**
 * Whether the AudioLevelObserver still sees a speaker at this packetisation: one producer
 * speaking at -30 dBov for `ms`, counting observer intervals that named it.
 */
async function speaking(ptime: number, interval: number = AUDIO_LEVEL.interval, ms = 8_000) {
  const worker = await mediasoup.createWorker({ logLevel: "error", rtcMinPort: 20000, rtcMaxPort: 59999 });
  const codecs = [{ kind: "audio" as const, mimeType: "audio/opus", clockRate: 48000, channels: 2 }];
  const router = await worker.createRouter({ mediaCodecs: codecs });
  const input = await router.createPlainTransport({ listenIp: { ip: "127.0.0.1" }, rtcpMux: true, comedia: true });
  const producer = await input.produce({
    kind: "audio",
    rtpParameters: {
      codecs: [{ mimeType: "audio/opus", clockRate: 48000, channels: 2, payloadType: 100 }],
      headerExtensions: [{ uri: AUDIO_LEVEL_URI, id: AUDIO_LEVEL_EXT_ID }],
      encodings: [{ ssrc: SSRC }],
    },
  });
  const observer = await router.createAudioLevelObserver({ ...AUDIO_LEVEL, interval });
  await observer.addProducer({ producerId: producer.id });
  let volumes = 0;
  let silences = 0;
  observer.on("volumes", () => volumes++);
  observer.on("silence", () => silences++);
  const sender = dgram.createSocket("udp4");
  const start = Date.now();
  const packets = Math.round(ms / ptime);
  for (let i = 0; i < packets; i++) {
    sender.send(rtpPacket(i, ptime, 30, payloadBytes(ptime)), input.tuple.localPort, "127.0.0.1");
    await sleep(Math.max(0, start + (i + 1) * ptime - Date.now()));
  }
  await sleep(interval + 100);
  sender.close();
  worker.close();
  const intervals = Math.floor(ms / interval);
  // The first interval may be partial; "silence" after any "volumes" means the ring flickered off.
  console.log(JSON.stringify({
    bench: "speaking", ptime, interval_ms: interval, packets_per_interval: interval / ptime,
    intervals, speaking_intervals: volumes, silence_events: silences,
  }));
}

for (const ptime of PTIMES) {
  await speaking(ptime);
  if (ptime > 20) await speaking(ptime, Math.ceil((10.5 * ptime) / 100) * 100);
}
for (const ptime of PTIMES) for (const W of WORKER_COUNTS) await run(W, ptime);
