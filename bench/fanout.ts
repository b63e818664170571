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
import { AUDIO_LEVEL } from "../sfu/media.ts";
import {
  AudioSender,
  createWorker,
  LOSS_LIMIT_PCT,
  measureStep,
  measureWindow,
  openSinks,
  opusSource,
  type Router,
  srtpListener,
} from "./fanout-kit.ts";

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
/** Opus DTX: a silent encoder sends one packet (1-2 bytes of comfort noise) every 400 ms. */
const DTX_EVERY_MS = 400;
const OPUS_CODECS = [{ kind: "audio" as const, mimeType: "audio/opus", clockRate: 48000, channels: 2 }];

async function run(W: number, ptime: number): Promise<void> {
  const deadline = Date.now() + BUDGET_MS;
  const workers = await Promise.all(Array.from({ length: W }, () => createWorker()));
  const codecs = [{ ...OPUS_CODECS[0], parameters: { useinbandfec: 1, usedtx: 1 } }];
  const routers: Router[] = await Promise.all(workers.map((w) => w.createRouter({ mediaCodecs: codecs })));
  const { port, producer } = await opusSource(routers[0]);
  for (const r of routers.slice(1)) await routers[0].pipeToRouter({ producerId: producer.id, router: r });
  const sinks = await openSinks(8);
  const sender = new AudioSender(port, ptime);
  const measure = (N: number, silent = false) =>
    measureWindow(sinks, workers, sender, N, WINDOW_MS, silent ? { every: DTX_EVERY_MS, silent } : {});

  let listeners = 0;
  let passed = 0;
  for (const N of steps(W, ptime)) {
    if (Date.now() > deadline) break;
    for (; listeners < N; listeners++) {
      await srtpListener(routers[listeners % W], producer.id, sinks.ports[listeners % sinks.ports.length]);
    }
    await sender.sendFor(1_000); // warm-up: every new consumer has seen the stream
    const result = await measureStep(() => measure(N));
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
  const worker = await createWorker();
  const router = await worker.createRouter({ mediaCodecs: OPUS_CODECS });
  const { port, producer } = await opusSource(router);
  const observer = await router.createAudioLevelObserver({ ...AUDIO_LEVEL, interval });
  await observer.addProducer({ producerId: producer.id });
  let volumes = 0;
  let silences = 0;
  observer.on("volumes", () => volumes++);
  observer.on("silence", () => silences++);
  const sender = new AudioSender(port, ptime);
  await sender.sendFor(ms);
  await new Promise((r) => setTimeout(r, interval + 100));
  sender.close();
  worker.close();
  const intervals = Math.floor(ms / interval);
  // The first interval may be partial; "silence" after any "volumes" means the ring flickered off.
  console.log(JSON.stringify({
    bench: "speaking",
    ptime,
    interval_ms: interval,
    packets_per_interval: interval / ptime,
    intervals,
    speaking_intervals: volumes,
    silence_events: silences,
  }));
}

for (const ptime of PTIMES) {
  await speaking(ptime);
  if (ptime > 20) await speaking(ptime, Math.ceil((10.5 * ptime) / 100) * 100);
}
for (const ptime of PTIMES) for (const W of WORKER_COUNTS) await run(W, ptime);
