// Records a Space's voices: each microphone of a person on stage is tapped with a PlainTransport
// (plain RTP on loopback, through a relay here that passes only packets with Opus) into an ffmpeg
// that writes it to an Ogg/Opus file as it arrives, a page every 100 ms, so that a crash of the
// SFU or of ffmpeg loses well under a second. Nothing is decoded or re-encoded here: the packets
// are copied. A producer that pauses (a mute) sends nothing, and the Ogg keeps the gap in its
// timestamps (the sender's RTP clock), which the mixer turns into silence. When ffmpeg dies
// mid-Space, the tap starts a new segment at once; each segment's first packet time is kept in
// the index beside the files, which is what the mixer places them by.
// Longer than 300 lines on purpose: one recorder: its plain transports, its ffmpeg children and its
// index are one lifecycle.
import { type ChildProcess, spawn } from "node:child_process";
import dgram from "node:dgram";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { types as ms } from "mediasoup";
import {
  parseRecordingIndex,
  RECORDING_FILES,
  type RecordingIndex,
  type RecordingSegment,
} from "../lib/protocol/recording_files.ts";

export const FFMPEG = process.env.SPAZIO_FFMPEG ?? "/usr/bin/ffmpeg";

/** One file of one producer: the index entry the mixer reads (lib/protocol/recording_files.ts). */
export type Segment = RecordingSegment;

export interface RecorderOptions {
  /** The folder of this recording; segments and the index go there (recording_files.ts). */
  dir: string;
  listenIp?: string;
  /** Called with every change of the index (for tests and health). */
  onIndex?: (segments: Segment[]) => void;
}

/** A free UDP port on loopback for ffmpeg to listen on (asked of the OS, then handed over). */
export async function freeUdpPort(ip: string): Promise<number> {
  const sock = dgram.createSocket("udp4");
  await new Promise<void>((resolve, reject) => sock.bind(0, ip, resolve).once("error", reject));
  const { port } = sock.address();
  await new Promise<void>((r) => sock.close(() => r()));
  return port;
}

/** The SDP that tells ffmpeg what arrives on `port`: the consumer's Opus, RTCP on the same port. */
export function sdpFor(ip: string, port: number, rtp: ms.RtpParameters): string {
  const codec = rtp.codecs[0];
  const channels = codec.channels ?? 2;
  return [
    "v=0",
    `o=- 0 0 IN IP4 ${ip}`,
    "s=spazio-recording",
    `c=IN IP4 ${ip}`,
    "t=0 0",
    `m=audio ${port} RTP/AVP ${codec.payloadType}`,
    `a=rtpmap:${codec.payloadType} ${codec.mimeType.split("/")[1]}/${codec.clockRate}/${channels}`,
    "a=rtcp-mux",
    "a=recvonly",
    "",
  ].join("\n");
}

class Tap {
  readonly segments: Segment[] = [];
  #transport: ms.PlainTransport | null = null;
  #consumer: ms.Consumer | null = null;
  #ffmpeg: ChildProcess | null = null;
  #closed = false;
  #restarts = 0;
  #port: number | undefined;
  #relay: dgram.Socket | null = null;
  #ssrc: number | undefined;
  #seg: Segment | null = null;
  #listening = false;

  constructor(
    readonly router: ms.Router,
    readonly producer: ms.Producer,
    readonly sub: string,
    readonly opts: Required<Pick<RecorderOptions, "dir" | "listenIp">> & { changed: () => void },
  ) {}

  async start(): Promise<void> {
    if (this.#closed) return;
    const ip = this.opts.listenIp;
    // One port for the tap's life: a new ffmpeg after a crash listens where the old one did.
    const port = this.#port ??= await freeUdpPort(ip);
    // Named by time too: a recording turned off and on again taps the same producer anew, and
    // the new files must not replace the old ones.
    const n = this.segments.length + 1;
    const base = `${this.producer.id}-${Date.now().toString(36)}-${n}`;
    const file = path.join(this.opts.dir, `${base}.ogg`);
    const sdpFile = path.join(this.opts.dir, `${base}.sdp`);
    this.#transport ??= await this.router.createPlainTransport({ listenIp: { ip }, rtcpMux: true, comedia: false });
    const consumer = this.#consumer ??= await this.#transport.consume({
      producerId: this.producer.id,
      rtpCapabilities: this.router.rtpCapabilities,
      paused: true,
    });
    this.#ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
    this.#listening = false;
    writeFileSync(sdpFile, sdpFor(ip, port, consumer.rtpParameters));
    const seg: Segment = {
      file: path.basename(file),
      sub: this.sub,
      producerId: this.producer.id,
      firstPacketAt: null,
      startedAt: Date.now(),
      endedAt: null,
    };
    this.segments.push(seg);
    this.#seg = seg;
    this.opts.changed();
    const ff = spawn(FFMPEG, [
      "-hide_banner",
      "-nostdin",
      "-loglevel",
      "error",
      "-protocol_whitelist",
      "file,udp,rtp",
      // Timestamps are the sender's RTP clock, which runs on through a mute (the browser keeps
      // encoding; the SFU drops what a paused producer sends), so a mute is a gap of its real
      // length and arrival jitter moves nothing. The relay keeps RTCP away: ffmpeg would re-base
      // the timeline on the first sender report, a second in.
      "-i",
      sdpFile,
      "-map",
      "0:a:0",
      "-c:a",
      "copy",
      // A page every 100 ms, flushed at once: a crash loses about that much, and a gap (a mute)
      // is placed to within a page, since Ogg times a page, not each packet in it.
      "-page_duration",
      "100000",
      "-flush_packets",
      "1",
      "-f",
      "ogg",
      "-y",
      file,
    ], { stdio: ["ignore", "ignore", "pipe"] });
    this.#ffmpeg = ff;
    let errors = "";
    ff.stderr?.on("data", (d) => (errors = (errors + d).slice(-2000)));
    ff.once("exit", (code, signal) => {
      // A close already wrote the segment's end.
      if (this.#closed || this.#ffmpeg !== ff) return;
      seg.endedAt = Date.now();
      this.opts.changed();
      console.error(
        `sfu: recorder ffmpeg for ${this.sub} ended (${signal ?? code}); a new segment starts: ${
          errors.trim().slice(-300)
        }`,
      );
      this.#ffmpeg = null;
      // Back at once the first few times, then no faster than every 2 s.
      const wait = this.#restarts++ < 3 ? 0 : 2000;
      setTimeout(() => void this.start().catch((err) => console.error("sfu: recorder restart failed:", err)), wait);
    });
    // ffmpeg opens its socket within a few ms of starting; packets before that are lost, so wait
    // for it to be listening before the relay forwards (bounded: 3 s).
    await waitListening(port, 3000);
    this.#listening = true;
    if (!this.#relay) {
      // The PlainTransport sends to a relay of ours, which hands ffmpeg only packets with Opus in
      // them: a browser's first packets of a track are padding (bandwidth probes, no payload), and
      // an Ogg file that begins with empty packets does not decode.
      const relay = dgram.createSocket("udp4");
      relay.on("error", (err) => console.error(`sfu: recorder relay for ${this.sub}:`, err.message));
      relay.on("message", (msg) => this.#forward(msg));
      await new Promise<void>((resolve, reject) => relay.bind(0, ip, resolve).once("error", reject));
      this.#relay = relay;
      await this.#transport.connect({ ip, port: relay.address().port });
    }
    if (consumer.paused) await consumer.resume();
    // A new ffmpeg starts a new Opus stream: ask for nothing, Opus has no key frames.
  }

  /** Hands one datagram from the PlainTransport to ffmpeg when it carries Opus (RTCP stays here). */
  #forward(msg: Buffer) {
    if (this.#closed || !this.#listening || !this.#ffmpeg || this.#port === undefined) return;
    if (!carriesOpus(msg, this.#ssrc)) return;
    if (this.#seg && this.#seg.firstPacketAt === null) {
      // The first packet's time places this segment.
      this.#seg.firstPacketAt = Date.now();
      this.opts.changed();
    }
    this.#relay?.send(msg, this.#port, this.opts.listenIp);
  }

  /** The ffmpeg of the current segment, for tests that kill it. */
  get pid(): number | undefined {
    return this.#ffmpeg?.pid;
  }

  get closed(): boolean {
    return this.#closed;
  }

  close() {
    this.#closed = true;
    const ff = this.#ffmpeg;
    this.#ffmpeg = null;
    // q lets ffmpeg write the last page and the Ogg trailer; SIGINT does the same for `-nostdin`.
    ff?.kill("SIGINT");
    this.#relay?.close();
    this.#relay = null;
    const last = this.segments.at(-1);
    if (last && last.endedAt === null) last.endedAt = Date.now();
    this.#transport?.close();
    this.#transport = null;
    this.#consumer = null;
  }
}

/**
 * Whether a datagram from the tap is RTP of this stream with an Opus payload: not RTCP, RTP
 * version 2, the stream's SSRC, and something left once the header, CSRCs, header extension and
 * padding are taken off (a padding-only probe has nothing).
 */
export function carriesOpus(msg: Uint8Array, ssrc: number | undefined): boolean {
  if (msg.length < 12 || msg[0] >> 6 !== 2) return false;
  // With rtcp-mux, RTCP packet types 200-207 sit where RTP has its marker bit and payload type.
  if (msg[1] >= 200 && msg[1] <= 207) return false;
  const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  if (ssrc !== undefined && view.getUint32(8) !== ssrc) return false;
  let header = 12 + 4 * (msg[0] & 0x0f);
  if (msg[0] & 0x10) {
    if (msg.length < header + 4) return false;
    header += 4 + 4 * view.getUint16(header + 2);
  }
  const padding = msg[0] & 0x20 ? msg[msg.length - 1] : 0;
  return msg.length - header - padding > 0;
}

/** Resolves once something listens on udp `port` on loopback (Linux: /proc/net/udp), or after `ms`. */
export async function waitListening(port: number, msMax: number): Promise<void> {
  const { readFile } = await import("node:fs/promises");
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  const deadline = Date.now() + msMax;
  while (Date.now() < deadline) {
    const table = await readFile("/proc/net/udp", "utf8").catch(() => "");
    if (table.includes(`:${hex} `)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The recording of one Space on its origin SFU: a tap per microphone of a person on stage. A new
 * recorder in a folder that has an index (the host turned recording off and on again, or the SFU
 * restarted) keeps the segments listed there and adds its own.
 */
export class SpaceRecorder {
  readonly #taps = new Map<string, Tap>();
  readonly #earlier: Segment[];
  readonly #dir: string;
  readonly #ip: string;
  #closed = false;

  constructor(readonly opts: RecorderOptions) {
    this.#dir = opts.dir;
    this.#ip = opts.listenIp ?? "127.0.0.1";
    mkdirSync(this.#dir, { recursive: true });
    this.#earlier = readIndex(path.join(this.#dir, RECORDING_FILES.index));
    this.#writeIndex();
  }

  /** Taps a microphone. Only producers of people on stage exist on the origin, and only audio is recorded. */
  async add(router: ms.Router, producer: ms.Producer, sub: string): Promise<void> {
    if (this.#closed || producer.kind !== "audio" || this.#taps.has(producer.id)) return;
    const tap = new Tap(router, producer, sub, {
      dir: this.#dir,
      listenIp: this.#ip,
      changed: () => this.#writeIndex(),
    });
    this.#taps.set(producer.id, tap);
    producer.observer.once("close", () => this.remove(producer.id));
    await tap.start();
  }

  remove(producerId: string) {
    const tap = this.#taps.get(producerId);
    if (!tap) return;
    tap.close();
    this.#writeIndex();
  }

  get segments(): Segment[] {
    return [...this.#earlier, ...[...this.#taps.values()].flatMap((t) => t.segments)];
  }

  /** Producers tapped now (not closed), for health and tests. */
  get tapped(): string[] {
    return [...this.#taps.entries()].filter(([, t]) => !t.closed).map(([id]) => id);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The pid of the ffmpeg recording a producer now (tests kill it). */
  ffmpegPid(producerId: string): number | undefined {
    return this.#taps.get(producerId)?.pid;
  }

  close() {
    this.#closed = true;
    for (const t of this.#taps.values()) t.close();
    this.#writeIndex();
  }

  #writeIndex() {
    const segments = this.segments;
    const tmp = path.join(this.#dir, RECORDING_FILES.indexPart);
    writeFileSync(tmp, JSON.stringify({ segments } satisfies RecordingIndex, null, 1));
    // rename is atomic: the mixer never reads half an index.
    renameSync(tmp, path.join(this.#dir, RECORDING_FILES.index));
    this.opts.onIndex?.(segments);
  }
}

/** The segments of an index already in the folder; none when there is none or it is unreadable. */
function readIndex(file: string): Segment[] {
  if (!existsSync(file)) return [];
  try {
    // A segment left open by a crash ended when its file stopped growing; the mixer needs only its start.
    return parseRecordingIndex(readFileSync(file, "utf8")).map((s) => ({ ...s, endedAt: s.endedAt ?? s.startedAt }));
  } catch {
    return [];
  }
}
