// Fan-out across SFUs: what two SFU processes joined by a PipeTransport carry, against one. Each
// SFU's media plane is its own mediasoup worker process with its own router; the speaker's Opus
// (bench/fanout-kit.ts: RTP into a PlainTransport, a packet every FANOUT_PTIME ms, default 60 as
// a Space's microphones send) produces on the origin, and the edge receives it through a pipe
// built as sfu/edge.ts and sfu/origin-links.ts build it (PipeTransports with the SFU's options,
// SRTP and RTX, over UDP, a pipe consumer on the origin and a pipe producer of the same id on the
// edge), not through pipeToRouter. Listeners are SRTP PlainTransports to the C sinks, placed as
// the web places them (least loaded first, so half on each). N steps up until the loss passes
// 0.5%, first for one SFU, then for two. Prints a `fanout-edge` line per step and one
// `fanout-edge-capacity` line with both capacities and their ratio.
// The load generator (sender and sinks) runs on the same machine, beside the two workers.
// Run: cd sfu && node --import tsx ../bench/fanout-edge.ts
import type { SfuConfig } from "../sfu/config.ts";
import { MEDIA_CODECS, pipeTransportOptions } from "../sfu/media.ts";
import {
  AudioSender,
  createWorker,
  LOSS_LIMIT_PCT,
  measureStep,
  measureWindow,
  openSinks,
  opusSource,
  type Producer,
  type Router,
  srtpListener,
  type Worker,
} from "./fanout-kit.ts";

const PTIME = Number(process.env.FANOUT_PTIME ?? 60);
const WINDOW_MS = Number(process.env.FANOUT_WINDOW_MS ?? 5_000);
/** Each of the two runs (one SFU, two SFUs) stops stepping after this much time. */
const BUDGET_MS = Number(process.env.FANOUT_EDGE_MAX_SECONDS ?? 240) * 1000;
const list = (v: string | undefined, fallback: number[]) => v ? v.split(",").map(Number) : fallback;
/** Listener counts tried for one SFU; two SFUs try twice as many at each step. */
const STEPS = list(process.env.FANOUT_EDGE_STEPS, [
  2000,
  3000,
  4000,
  5000,
  6000,
  7000,
  8000,
  9000,
  10000,
  11000,
  12000,
  13000,
  14000,
  16000,
]);

/** The edge's pipe producer for `producer`, through one PipeTransport on each router. */
async function pipeToEdge(origin: Router, edge: Router, producer: Producer): Promise<void> {
  const options = pipeTransportOptions({ listenIp: "127.0.0.1" } as SfuConfig);
  const edgeSide = await edge.createPipeTransport(options);
  const originSide = await origin.createPipeTransport(options);
  await originSide.connect({
    ip: edgeSide.tuple.localIp,
    port: edgeSide.tuple.localPort,
    srtpParameters: edgeSide.srtpParameters,
  });
  await edgeSide.connect({
    ip: originSide.tuple.localIp,
    port: originSide.tuple.localPort,
    srtpParameters: originSide.srtpParameters,
  });
  const consumer = await originSide.consume({ producerId: producer.id });
  await edgeSide.produce({
    id: producer.id,
    kind: consumer.kind,
    rtpParameters: consumer.rtpParameters,
    paused: consumer.producerPaused,
  });
}

/** Steps N up for `sfus` SFUs; returns the largest N at or under the loss limit. */
async function run(sfus: 1 | 2): Promise<number> {
  const deadline = Date.now() + BUDGET_MS;
  const workers: Worker[] = await Promise.all(Array.from({ length: sfus }, () => createWorker()));
  const routers = await Promise.all(workers.map((w) => w.createRouter({ mediaCodecs: MEDIA_CODECS })));
  const { port, producer } = await opusSource(routers[0]);
  if (sfus === 2) await pipeToEdge(routers[0], routers[1], producer);
  const sinks = await openSinks(8);
  const sender = new AudioSender(port, PTIME);
  let listeners = 0;
  let passed = 0;
  try {
    for (const step of STEPS) {
      const N = step * sfus;
      if (Date.now() > deadline) break;
      for (; listeners < N; listeners++) {
        await srtpListener(routers[listeners % sfus], producer.id, sinks.ports[listeners % sinks.ports.length]);
      }
      await sender.sendFor(1_000); // warm-up: every new consumer has seen the stream
      const result = await measureStep(() => measureWindow(sinks, workers, sender, N, WINDOW_MS));
      console.log(JSON.stringify({ bench: "fanout-edge", sfus, ptime: PTIME, listeners: N, ...result }));
      if (result.loss_pct > LOSS_LIMIT_PCT) break;
      passed = N;
    }
  } finally {
    sender.close();
    sinks.close();
    for (const w of workers) w.close();
  }
  return passed;
}

const one = await run(1);
const two = await run(2);
console.log(JSON.stringify({
  bench: "fanout-edge-capacity",
  ptime: PTIME,
  loss_limit_pct: LOSS_LIMIT_PCT,
  one_sfu_listeners: one,
  two_sfus_listeners: two,
  ratio: one > 0 ? Math.round((two / one) * 100) / 100 : null,
}));
