// What recording costs on the SFU's machine: N speakers (ffmpeg senders standing in for their
// browsers, Opus at 60 ms packets as a Space's microphones send) into one mediasoup worker, each
// tapped by the recorder (sfu/recorder.ts) into its own ffmpeg. CPU of the worker and of the
// recording ffmpegs is read from /proc (utime + stime) over a window, for N = 1, 5, 13.
// Run: cd sfu && node --import tsx ../bench/recording-sfu.ts   (or `deno task bench:recording`)
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { MEDIA_CODECS } from "../sfu/media.ts";
import { FFMPEG, SpaceRecorder } from "../sfu/recorder.ts";
import { ensureWorkerBinEnv } from "../sfu/worker-bin.ts";

ensureWorkerBinEnv();
const mediasoup = createRequire(new URL("../sfu/package.json", import.meta.url))(
  "mediasoup",
) as typeof import("../sfu/node_modules/mediasoup");
const WINDOW_MS = Number(process.env.RECORDING_WINDOW_MS ?? 10_000);
const COUNTS = (process.env.RECORDING_SPEAKERS ?? "1,5,13").split(",").map(Number);
/** Clock ticks per second in /proc (USER_HZ on Linux). */
const TICK = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cpuTicks(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return 0;
  }
}

async function run(n: number) {
  const worker = await mediasoup.createWorker({ logLevel: "warn" });
  const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  const dir = mkdtempSync(path.join(os.tmpdir(), "spazio-recbench-"));
  const recorder = new SpaceRecorder({ dir });
  const senders = [];
  for (let i = 0; i < n; i++) {
    const t = await router.createPlainTransport({ listenIp: { ip: "127.0.0.1" }, rtcpMux: true, comedia: true });
    const ssrc = 30000000 + i;
    const producer = await t.produce({
      kind: "audio",
      rtpParameters: {
        codecs: [{ mimeType: "audio/opus", payloadType: 100, clockRate: 48000, channels: 2, parameters: {} }],
        encodings: [{ ssrc }],
      },
    });
    senders.push(spawn(FFMPEG, [
      "-hide_banner",
      "-loglevel",
      "error",
      "-re",
      "-f",
      "lavfi",
      "-i",
      `sine=frequency=${300 + i * 40}:sample_rate=48000`,
      "-c:a",
      "libopus",
      "-ac",
      "1",
      "-b:a",
      "32k",
      "-frame_duration",
      "60",
      "-payload_type",
      "100",
      "-ssrc",
      String(ssrc),
      "-f",
      "rtp",
      `rtp://127.0.0.1:${t.tuple.localPort}`,
    ], { stdio: "ignore" }));
    await recorder.add(router, producer, `u:speaker${i}`);
  }
  await sleep(2000);
  const pids = () =>
    [...Array(n).keys()].map((_, i) => recorder.ffmpegPid(recorder.segments[i]?.producerId ?? "")).filter((
      p,
    ): p is number => !!p);
  const w0 = cpuTicks(worker.pid);
  // The SFU's Node side too: the recorder's relays run there.
  const n0 = cpuTicks(process.pid);
  const f0 = pids().map(cpuTicks);
  const t0 = Date.now();
  await sleep(WINDOW_MS);
  const secs = (Date.now() - t0) / 1000;
  const worker_cpu = ((cpuTicks(worker.pid) - w0 + cpuTicks(process.pid) - n0) / TICK / secs) * 100;
  const ffmpeg_cpu = ((pids().map(cpuTicks).reduce((a, b) => a + b, 0) - f0.reduce((a, b) => a + b, 0)) / TICK / secs) *
    100;
  const bytes = recorder.segments.reduce((s, seg) => s + statSync(path.join(dir, seg.file)).size, 0);
  recorder.close();
  for (const s of senders) s.kill("SIGKILL");
  worker.close();
  rmSync(dir, { recursive: true, force: true });
  const secondsRecorded = secs + 2;
  console.log(JSON.stringify({
    bench: "recording",
    speakers: n,
    sfu_cpu_pct: Math.round(worker_cpu * 10) / 10,
    ffmpeg_cpu_pct: Math.round(ffmpeg_cpu * 10) / 10,
    // Disk: what an hour of this many speakers takes, from the files written (Opus at 32 kbit/s).
    mb_per_hour: Math.round(((bytes / secondsRecorded) * 3600) / 1e6 * 10) / 10,
  }));
}

for (const n of COUNTS) await run(n);
