// What the audio fan-out benches share (bench/fanout.ts, bench/fanout-edge.ts): an Opus source
// sent as RTP into a PlainTransport (a packet every `ptime` ms with the ssrc-audio-level extension,
// as a browser sends it), listeners that each cost a worker real SRTP encryption (SRTP
// PlainTransports sending to the C sinks of fanout-sink.c, which count packets), worker CPU from
// /proc, and the loss measurement: windows that start drained and count only packets within
// GRACE_MS of their end.
import { execFileSync, spawn } from "node:child_process";
import dgram from "node:dgram";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ensureWorkerBinEnv } from "../sfu/worker-bin.ts";

ensureWorkerBinEnv();
export const mediasoup = createRequire(new URL("../sfu/package.json", import.meta.url))(
  "mediasoup",
) as typeof import("../sfu/node_modules/mediasoup");
export type Worker = Awaited<ReturnType<typeof mediasoup.createWorker>>;
export type Router = Awaited<ReturnType<Worker["createRouter"]>>;
export type Producer = Awaited<ReturnType<Awaited<ReturnType<Router["createPlainTransport"]>>["produce"]>>;

export const LOSS_LIMIT_PCT = 0.5;
/** A packet later than this after its window is lost to a listener (a jitter buffer's depth). */
export const GRACE_MS = 200;
/** Opus over RTP: 48 kHz clock; about 32 kbit/s of voice, so a packet grows with its duration. */
export const payloadBytes = (ptime: number) => ptime * 4;
/** Opus TOC byte, SILK wideband, one frame of 20, 40 or 60 ms (RFC 6716 configs 9, 10, 11). */
const toc = (ptime: number) => ({ 20: 9, 40: 10, 60: 11 } as Record<number, number>)[ptime] << 3;
export const AUDIO_LEVEL_EXT_ID = 1;
export const AUDIO_LEVEL_URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
export const OPUS_PT = 100;
const SSRC = 0x1234abcd;
export const SRTP_KEY = Buffer.alloc(30, 7).toString("base64"); // AES_CM_128_HMAC_SHA1_80: 16-byte key + 14-byte salt
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const createWorker = () => mediasoup.createWorker({ logLevel: "error", rtcMinPort: 20000, rtcMaxPort: 59999 });

/** UDP sinks counting SRTP packets of one payload type (fanout-sink.c, built here with cc). */
export async function openSinks(count: number, payloadType = OPUS_PT) {
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
export type Sinks = Awaited<ReturnType<typeof openSinks>>;

const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());
/**
 * CPU time of each worker process in ms, from /proc (utime + stime of all its threads). The
 * worker's own getResourceUsage() read up to 2.5 times this here (254% for
 * one single-threaded process), so it is kept only as `rusage_cpu_pct` for comparison.
 */
export function cpuMs(workers: Worker[]): number[] {
  return workers.map((w) => {
    const fields = readFileSync(`/proc/${w.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  });
}
export function rusageMs(workers: Worker[]): Promise<number[]> {
  return Promise.all(workers.map(async (w) => {
    const u = await w.getResourceUsage();
    return u.ru_utime + u.ru_stime;
  }));
}

/**
 * An RTP packet as Chrome sends Opus: the one-byte header extension carries the audio level
 * (-dBov, 0-127; `level` 30 is speech, 127 silence) that the AudioLevelObserver reads.
 */
export function rtpPacket(seq: number, ptime: number, level: number, payload: number): Buffer {
  const pkt = Buffer.alloc(12 + 8 + payload);
  pkt[0] = 0x90; // V=2, X=1
  pkt[1] = OPUS_PT;
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

/** The speaker: a PlainTransport on `router` taking the RTP, and its Opus producer. */
export async function opusSource(router: Router): Promise<{ port: number; producer: Producer }> {
  const input = await router.createPlainTransport({ listenIp: { ip: "127.0.0.1" }, rtcpMux: true, comedia: true });
  const producer = await input.produce({
    kind: "audio",
    rtpParameters: {
      codecs: [{ mimeType: "audio/opus", clockRate: 48000, channels: 2, payloadType: OPUS_PT }],
      headerExtensions: [{ uri: AUDIO_LEVEL_URI, id: AUDIO_LEVEL_EXT_ID }],
      encodings: [{ ssrc: SSRC }],
    },
  });
  return { port: input.tuple.localPort, producer };
}

/** Sends the speaker's packets, paced against the clock so a busy event loop does not lower the offered load. */
export class AudioSender {
  #socket = dgram.createSocket("udp4");
  #seq = 0;

  constructor(readonly port: number, readonly ptime: number) {}

  send(silent = false): void {
    const pkt = rtpPacket(this.#seq++, this.ptime, silent ? 127 : 30, silent ? 1 : payloadBytes(this.ptime));
    this.#socket.send(pkt, this.port, "127.0.0.1");
  }

  /** Sends for `ms`, one packet every `every` ms; resolves to the number sent. */
  async sendFor(ms: number, every = this.ptime, silent = false): Promise<number> {
    const start = Date.now();
    const packets = Math.round(ms / every);
    for (let i = 0; i < packets; i++) {
      this.send(silent);
      await sleep(Math.max(0, start + (i + 1) * every - Date.now()));
    }
    return packets;
  }

  close(): void {
    this.#socket.close();
  }
}

/** One listener on `router`: an SRTP PlainTransport to a sink port, consuming `producerId`. */
export async function srtpListener(router: Router, producerId: string, sinkPort: number): Promise<void> {
  const t = await router.createPlainTransport({
    listenIp: { ip: "127.0.0.1" },
    rtcpMux: true,
    comedia: false,
    enableSrtp: true,
    srtpCryptoSuite: "AES_CM_128_HMAC_SHA1_80",
  });
  await t.connect({
    ip: "127.0.0.1",
    port: sinkPort,
    srtpParameters: { cryptoSuite: "AES_CM_128_HMAC_SHA1_80", keyBase64: SRTP_KEY },
  });
  const c = await t.consume({ producerId, rtpCapabilities: router.rtpCapabilities });
  if (c.rtpParameters.codecs[0].payloadType !== OPUS_PT) {
    throw new Error(`the sink counts payload type ${OPUS_PT} only`);
  }
}

export type Measured = {
  loss_pct: number;
  worker_cpu_pct: number;
  worker_cpu_pcts: number[];
  rusage_cpu_pct: number;
  packets_per_s: number;
  loadavg: number;
  attempts: number;
};

/**
 * Measures one window of `windowMs` for N listeners. Counts only packets that arrive within
 * GRACE_MS of the window's end: a worker that falls behind delivers the backlog later, which a
 * listener's jitter buffer would have dropped, and which must not be counted in the next window
 * either, so each window starts once the sinks drained.
 */
export async function measureWindow(
  sinks: Sinks,
  workers: Worker[],
  sender: AudioSender,
  N: number,
  windowMs: number,
  opts: { every?: number; silent?: boolean } = {},
): Promise<Measured> {
  const received0 = await drained(sinks);
  const cpu0 = cpuMs(workers);
  const ru0 = await rusageMs(workers);
  const t0 = Date.now();
  const sent = await sender.sendFor(windowMs, opts.every, opts.silent);
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
}

/** A shared machine's other work can starve a worker for a moment: a lossy window is measured once more. */
export async function measureStep(measure: () => Promise<Measured>): Promise<Measured> {
  const first = await measure();
  if (first.loss_pct <= LOSS_LIMIT_PCT) return first;
  return { ...(await measure()), attempts: 2 };
}

/** The sinks' count once it stops growing (at most 10 s: a worker that never catches up is measured as it is). */
async function drained(sinks: Sinks): Promise<number> {
  let last = await sinks.received();
  for (let i = 0; i < 50; i++) {
    await sleep(200);
    const now = await sinks.received();
    if (now === last) break;
    last = now;
  }
  return last;
}
