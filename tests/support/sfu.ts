// Starts the real SFU (Node + mediasoup, the worker built by scripts/setup-sfu.sh) for Deno tests,
// on a free port, and stops it. Also finds its worker processes, for the fault test.
import { DEV_SERVER_SECRET } from "../../lib/protocol/defaults.ts";
import { sfuHealth } from "../../lib/protocol/internal_api.ts";
import type { SfuHealth } from "../../lib/protocol/sfu_health.ts";
import { callSigned } from "../../lib/protocol/signed_client.ts";
import { freePort, waitFor } from "./party.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

export class SfuProcess {
  #child: Deno.ChildProcess;
  #log: string[] = [];
  private constructor(readonly port: number, child: Deno.ChildProcess, readonly serverSecret: string) {
    this.#child = child;
    for (const stream of [child.stdout, child.stderr]) {
      stream.pipeThrough(new TextDecoderStream()).pipeTo(
        new WritableStream({ write: (t) => void this.#log.push(t) }),
      ).catch(() => {});
    }
  }

  get http() {
    return `http://127.0.0.1:${this.port}`;
  }
  get pid() {
    return this.#child.pid;
  }
  get log() {
    return this.#log.join("");
  }

  /** `entry`: the script under sfu/ to run (a test's wrapper of main.ts, e.g. test/tap-main.ts). */
  static async start(env: Record<string, string> = {}, entry = "main.ts"): Promise<SfuProcess> {
    const port = env.SPAZIO_SFU_PORT ? Number(env.SPAZIO_SFU_PORT) : await freePort();
    const child = new Deno.Command("node", {
      args: ["--import", "tsx", entry],
      cwd: `${ROOT}sfu`,
      env: { SPAZIO_SFU_PORT: String(port), SPAZIO_SFU_WORKERS: "1", ...env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const sfu = new SfuProcess(port, child, env.SPAZIO_SERVER_SECRET ?? DEV_SERVER_SECRET);
    await waitFor("the SFU to answer /healthz", async () => {
      try {
        const res = await fetch(`${sfu.http}/healthz`);
        return (await res.json()).ok ? true : undefined;
      } catch {
        return undefined;
      }
    }, 30_000).catch(async (e) => {
      const log = sfu.log;
      await sfu.stop();
      throw new Error(`${e.message}\n${log}`);
    });
    return sfu;
  }

  /** Every room and worker: the signed /control/health (the public /healthz tells neither). */
  async health(): Promise<SfuHealth> {
    const res = await callSigned(sfuHealth, { secret: this.serverSecret, to: this.http, params: undefined });
    if (!res.ok) throw new Error(`the SFU's health: ${res.error.message}`);
    return res.data;
  }

  /** The pids of this SFU's mediasoup workers (its child processes). */
  async workerPids(): Promise<number[]> {
    const out = await new Deno.Command("pgrep", {
      args: ["-P", String(this.pid), "-f", "mediasoup-worker"],
      stdout: "piped",
    }).output();
    return new TextDecoder().decode(out.stdout).trim().split("\n").filter(Boolean).map(Number);
  }

  /** SIGKILL, as a crash would: nothing is closed cleanly. */
  async kill() {
    try {
      this.#child.kill("SIGKILL");
    } catch { /* gone */ }
    await this.#child.status;
  }

  async stop() {
    try {
      this.#child.kill("SIGTERM");
    } catch { /* gone */ }
    const done = await Promise.race([
      this.#child.status.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 5000)),
    ]);
    if (!done) {
      try {
        this.#child.kill("SIGKILL");
      } catch { /* gone */ }
    }
  }
}

/** A WAV file of a sine tone (16-bit mono 48 kHz), for Chromium's fake microphone. */
export async function writeToneWav(path: string, seconds = 30, hz = 440): Promise<void> {
  const rate = 48_000;
  const n = rate * seconds;
  const buf = new ArrayBuffer(44 + n * 2);
  const v = new DataView(buf);
  const str = (o: number, s: string) => [...s].forEach((c, i) => v.setUint8(o + i, c.charCodeAt(0)));
  str(0, "RIFF");
  v.setUint32(4, 36 + n * 2, true);
  str(8, "WAVE");
  str(12, "fmt ");
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 1, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  str(36, "data");
  v.setUint32(40, n * 2, true);
  for (let i = 0; i < n; i++) {
    v.setInt16(44 + i * 2, Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * 12_000), true);
  }
  await Deno.writeFile(path, new Uint8Array(buf));
}

/** Added to a page before its scripts: keeps every RTCPeerConnection so a test can read its stats. */
export const RECORD_PEER_CONNECTIONS = `
  (() => {
    const Native = window.RTCPeerConnection;
    window.__pcs = [];
    window.RTCPeerConnection = function (...args) {
      const pc = new Native(...args);
      window.__pcs.push(pc);
      return pc;
    };
    window.RTCPeerConnection.prototype = Native.prototype;
    Object.setPrototypeOf(window.RTCPeerConnection, Native);
  })();
`;

export interface MediaStats {
  inboundAudioBytes: number;
  outboundAudioBytes: number;
  maxAudioLevel: number;
  inboundVideoFrames: number;
  inboundVideoBytes: number;
  /** The widest picture being received now (0 when none): which simulcast layer arrives. */
  inboundVideoWidth: number;
  candidates: string[];
}

/** What this page's peer connections report: bytes in and out, the loudest audio level. */
export const READ_STATS = async (): Promise<MediaStats> => {
  const out = {
    inboundAudioBytes: 0,
    outboundAudioBytes: 0,
    maxAudioLevel: 0,
    inboundVideoFrames: 0,
    inboundVideoBytes: 0,
    inboundVideoWidth: 0,
    candidates: [] as string[],
  };
  // deno-lint-ignore no-explicit-any
  for (const pc of (window as any).__pcs as RTCPeerConnection[]) {
    if (pc.connectionState === "closed") continue;
    // Firefox's getStats() never settles on a connection the page closes while the read is on
    // its way (the call test's hang): such a read is skipped, and said, rather than hanging.
    const stats = await Promise.race([pc.getStats(), new Promise<null>((r) => setTimeout(() => r(null), 3_000))]);
    if (!stats) {
      console.error(`getStats() did not settle in 3 s (${pc.connectionState}/${pc.signalingState})`);
      continue;
    }
    stats.forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "audio") {
        out.inboundAudioBytes += s.bytesReceived ?? 0;
        out.maxAudioLevel = Math.max(out.maxAudioLevel, s.audioLevel ?? 0);
      }
      // mediasoup's bandwidth probe is padding on SSRC 1234 (its "probator"), never video.
      if (s.type === "inbound-rtp" && s.kind === "video" && s.ssrc !== 1234) {
        out.inboundVideoFrames += s.framesDecoded ?? 0;
        out.inboundVideoBytes += s.bytesReceived ?? 0;
        out.inboundVideoWidth = Math.max(out.inboundVideoWidth, s.frameWidth ?? 0);
      }
      if (s.type === "outbound-rtp" && s.kind === "audio") {
        out.outboundAudioBytes += s.bytesSent ?? 0;
      }
      if (s.type === "remote-candidate") out.candidates.push(`${s.address ?? s.ip}:${s.port}`);
    });
  }
  return out;
};

type StatsPage = { evaluate<T>(fn: () => Promise<T>): Promise<T> };
export const statsOf = (page: StatsPage) => page.evaluate(READ_STATS);

/** Waits until the page's inbound audio grows by `bytes` from now. */
export async function audioGrows(
  page: StatsPage,
  what: string,
  timeoutMs = 10_000,
  bytes = 2_000,
): Promise<MediaStats> {
  const start = (await statsOf(page)).inboundAudioBytes;
  return await waitFor(what, async () => {
    const s = await statsOf(page);
    return s.inboundAudioBytes > start + bytes ? s : undefined;
  }, timeoutMs);
}

/**
 * Waits (up to `timeoutMs`) for a `windowMs` stretch in which the page receives fewer than
 * `quietBytes` of audio: what a person notices as "it went silent", with the seconds a mute or a
 * removal takes to travel from the room to the SFU on a loaded machine. Returns the quiet growth.
 */
export async function audioStops(
  page: StatsPage,
  what: string,
  timeoutMs = 6_000,
  quietBytes = 500,
  windowMs = 2_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = Infinity;
  while (Date.now() < deadline) {
    last = await growthOver(page, windowMs);
    if (last < quietBytes) return last;
  }
  throw new Error(`${what}: still ${last} audio bytes in ${windowMs} ms after ${timeoutMs} ms`);
}

/** Inbound audio bytes the page received over `ms` from now. */
export async function growthOver(page: StatsPage, ms: number): Promise<number> {
  const a = (await statsOf(page)).inboundAudioBytes;
  await new Promise((r) => setTimeout(r, ms));
  return (await statsOf(page)).inboundAudioBytes - a;
}
