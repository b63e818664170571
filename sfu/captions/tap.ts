// The sound of one microphone as 16 kHz mono PCM, for the recognisers: tapped as the recorder
// taps it (a PlainTransport to a relay here that passes only RTP with Opus in it, recorder.ts),
// into an ffmpeg that decodes and resamples to its stdout. Decoding is cheap next to recognising
// (about 1% of a core), so a microphone on air is decoded all the time and the last seconds are
// kept: the audio-level observer says "speaking" up to a second late, and those first words are
// in the kept audio. The tap hears a voice itself too (`onVoice`: a few loud packets in a row), so a
// recogniser can start on the first words rather than on the observer's next report. A dead ffmpeg
// is started again; audio never waits for any of this.
import { type ChildProcess, spawn } from "node:child_process";
import dgram from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { types as ms } from "mediasoup";
import { carriesOpus, FFMPEG, freeUdpPort, sdpFor, waitListening } from "../recorder.ts";
import { SAMPLE_RATE } from "./engine.ts";

/** Audio kept for a recogniser that starts late. */
export const PREROLL_MS = 1_500;
const PREROLL_BYTES = (PREROLL_MS * SAMPLE_RATE * 2) / 1000;
/** Loud enough to be a voice: RMS at -50 dBFS (the observer's threshold is -55 dBov). */
const VOICE_RMS = 32768 * 10 ** (-50 / 20);
/** How much loud audio in a row makes a voice, not a click. */
const VOICE_MS = 60;
const VOICE_SAMPLES = (VOICE_MS * SAMPLE_RATE) / 1000;

export class CaptionTap {
  readonly sub: string;
  readonly producer: ms.Producer;
  #router: ms.Router;
  #transport: ms.PlainTransport | null = null;
  #relay: dgram.Socket | null = null;
  #ffmpeg: ChildProcess | null = null;
  #port: number | undefined;
  #ssrc: number | undefined;
  #dir: string | null = null;
  #closed = false;
  #restarts = 0;
  #preroll: Buffer[] = [];
  #prerollBytes = 0;
  #odd: Buffer | null = null;
  #loud = 0;
  /** Where live PCM goes while a recogniser listens. */
  onPcm: ((pcm: Buffer) => void) | null = null;
  /** Called when a voice starts while no recogniser listens. */
  onVoice: (() => void) | null = null;

  constructor(router: ms.Router, producer: ms.Producer, sub: string) {
    this.#router = router;
    this.producer = producer;
    this.sub = sub;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The ffmpeg decoding now (tests kill it). */
  get pid(): number | undefined {
    return this.#ffmpeg?.pid;
  }

  /** The last `ms` (at most PREROLL_MS) of audio, oldest first, and forgets all of it. */
  takePreroll(ms = PREROLL_MS): Buffer {
    const all = Buffer.concat(this.#preroll);
    this.#preroll = [];
    this.#prerollBytes = 0;
    const bytes = Math.min(all.length, Math.round((ms * SAMPLE_RATE) / 1000) * 2);
    return all.subarray(all.length - bytes);
  }

  async start(): Promise<void> {
    if (this.#closed) return;
    const ip = "127.0.0.1";
    const port = this.#port ??= await freeUdpPort(ip);
    this.#dir ??= mkdtempSync(path.join(os.tmpdir(), "spazio-captions-"));
    this.#transport ??= await this.#router.createPlainTransport({
      listenIp: { ip },
      rtcpMux: true,
      comedia: false,
    });
    const consumer = await this.#transport.consume({
      producerId: this.producer.id,
      rtpCapabilities: this.#router.rtpCapabilities,
      paused: true,
    });
    this.#ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
    const sdp = path.join(this.#dir, "in.sdp");
    writeFileSync(sdp, sdpFor(ip, port, consumer.rtpParameters));
    this.#spawn(sdp);
    await waitListening(port, 3000);
    if (!this.#relay) {
      const relay = dgram.createSocket("udp4");
      relay.on(
        "error",
        (err) => console.error(`sfu: captions relay for ${this.sub}:`, err.message),
      );
      relay.on("message", (msg) => {
        if (!this.#closed && this.#ffmpeg && carriesOpus(msg, this.#ssrc)) {
          relay.send(msg, port, ip);
        }
      });
      await new Promise<void>((resolve, reject) => relay.bind(0, ip, resolve).once("error", reject));
      this.#relay = relay;
      await this.#transport.connect({ ip, port: relay.address().port });
    }
    if (consumer.paused) await consumer.resume();
  }

  #spawn(sdp: string): void {
    const ff = spawn(FFMPEG, [
      "-hide_banner",
      "-nostdin",
      "-loglevel",
      "error",
      "-protocol_whitelist",
      "file,udp,rtp",
      "-fflags",
      "nobuffer",
      "-probesize",
      "32",
      "-analyzeduration",
      "0",
      "-i",
      sdp,
      "-map",
      "0:a:0",
      "-ac",
      "1",
      "-ar",
      String(SAMPLE_RATE),
      "-f",
      "s16le",
      "-flush_packets",
      "1",
      "pipe:1",
    ], { stdio: ["ignore", "pipe", "pipe"] });
    this.#ffmpeg = ff;
    let errors = "";
    ff.stderr?.on("data", (d) => (errors = (errors + d).slice(-1000)));
    ff.stdout?.on("data", (chunk: Buffer) => this.#pcm(chunk));
    ff.once("exit", (code, signal) => {
      if (this.#closed || this.#ffmpeg !== ff) return;
      this.#ffmpeg = null;
      console.error(
        `sfu: captions decoder for ${this.sub} ended (${signal ?? code}): ${errors.trim().slice(-300)}`,
      );
      const wait = this.#restarts++ < 3 ? 0 : 2000;
      setTimeout(() => {
        if (!this.#closed) this.#spawn(sdp);
      }, wait).unref();
    });
  }

  #pcm(chunk: Buffer): void {
    // Whole samples only: a pipe may cut one in two.
    if (this.#odd) {
      chunk = Buffer.concat([this.#odd, chunk]);
      this.#odd = null;
    }
    if (chunk.length % 2) {
      this.#odd = chunk.subarray(chunk.length - 1);
      chunk = chunk.subarray(0, chunk.length - 1);
    }
    if (chunk.length === 0) return;
    if (this.onPcm) {
      this.#loud = 0;
      return this.onPcm(chunk);
    }
    this.#preroll.push(chunk);
    this.#prerollBytes += chunk.length;
    while (this.#prerollBytes - this.#preroll[0].length >= PREROLL_BYTES) {
      this.#prerollBytes -= this.#preroll.shift()!.length;
    }
    const samples = chunk.length / 2;
    if (rms(chunk) >= VOICE_RMS) this.#loud += samples;
    else this.#loud = 0;
    if (this.#loud >= VOICE_SAMPLES && this.onVoice) {
      this.#loud = 0;
      this.onVoice();
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onPcm = null;
    const ff = this.#ffmpeg;
    this.#ffmpeg = null;
    ff?.kill("SIGKILL");
    this.#relay?.close();
    this.#relay = null;
    this.#transport?.close();
    this.#transport = null;
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** Root mean square of s16le samples. */
function rms(pcm: Buffer): number {
  let sum = 0;
  const n = pcm.length >> 1;
  for (let i = 0; i < n; i++) {
    const v = pcm.readInt16LE(i * 2);
    sum += v * v;
  }
  return n ? Math.sqrt(sum / n) : 0;
}
