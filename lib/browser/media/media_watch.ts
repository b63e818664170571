// MediaWatch: samples a session's transports every POLL_MS and turns what media_health.ts makes of
// them into what the page shows ("Reconnecting…") and what the session does (ICE restart, rebuild).
// It also sets the audio receivers' jitter buffer floor from the path's loss and round trip, so
// that a NACKed packet has time to come back before its turn to play.
import type { Transport } from "mediasoup-client/types";
import { jitterTargetMs, MendPlan, type PathVerdict, PathWatch, POLL_MS, worst } from "./media_health.ts";
import { readPathStats } from "./path_stats.ts";

export interface WatchedPath {
  transport: Transport;
  /** Receiving paths are judged by audio packets, sending ones by the SFU's feedback. */
  direction: "send" | "recv";
  /** Whether media is due on it now (see PathSample.expectFlow). */
  expectFlow: boolean;
}

export interface WatchOptions {
  /** The session's transports as they are now, and whether each should be carrying media. */
  paths: () => WatchedPath[];
  /** The audio receivers to give a jitter buffer floor. */
  receivers: () => RTCRtpReceiver[];
  /** Milliseconds of audio per packet the speakers send, and the most delay a listener may take on. */
  ptimeMs: number;
  jitterCapMs: number;
  /** The paths went into trouble (true) or came back (false). */
  onTrouble: (troubled: boolean) => void;
  /** Restart ICE on every transport; resolves once the browser has the new parameters. */
  restartIce: () => Promise<void>;
  /** Build the connection again; `preferTcp` when the path that failed was UDP. */
  rebuild: (preferTcp: boolean) => void;
}

/** Loss seen within this long keeps the jitter floor up (it is not lowered between two bursts). */
const LOSSY_HOLD_MS = 30_000;

export class MediaWatch {
  readonly #plan = new MendPlan();
  readonly #watches = new WeakMap<Transport, PathWatch>();
  #timer: ReturnType<typeof setInterval> | null = null;
  #busy = false;
  #lastAudio = { received: 0, lost: 0, nacks: 0 };
  #lossyAt = -Infinity;
  #jitter: number | null = null;
  #protocol = "";
  #troubled = false;

  constructor(private readonly opts: WatchOptions) {}

  start(): void {
    this.#timer ??= setInterval(() => void this.#tick(), POLL_MS);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#setTrouble(false);
  }

  /** The protocol (udp/tcp) of the last selected candidate pair seen. */
  get protocol(): string {
    return this.#protocol;
  }

  async #tick() {
    if (this.#busy) return;
    this.#busy = true;
    try {
      await this.#sample();
    } catch (e) {
      console.warn("media stats could not be read:", e);
    } finally {
      this.#busy = false;
    }
  }

  async #sample() {
    const now = performance.now();
    const verdicts: PathVerdict[] = [];
    const audio = { received: 0, lost: 0, nacks: 0 };
    let rttMs = 0;
    for (const { transport, direction, expectFlow } of this.opts.paths()) {
      if (transport.closed) continue;
      const stats = readPathStats(await transport.getStats());
      let watch = this.#watches.get(transport);
      if (!watch) this.#watches.set(transport, watch = new PathWatch());
      const progress = direction === "recv" ? stats.audio.received : stats.pairBytesReceived;
      // A sender whose browser names no pair in use cannot be judged by bytes: ICE state alone.
      const due = expectFlow && (direction === "recv" || stats.pairId !== "");
      verdicts.push(
        watch.update(now, { ...stats, bytesReceived: progress, state: transport.connectionState, expectFlow: due }),
      );
      if (stats.protocol) this.#protocol = stats.protocol;
      rttMs = Math.max(rttMs, stats.rttMs);
      audio.received += stats.audio.received;
      audio.lost += stats.audio.lost;
      audio.nacks += stats.audio.nacks;
    }
    if (this.#timer === null) return;
    this.#tuneJitter(now, audio, rttMs);
    const verdict = worst(verdicts);
    const mend = this.#plan.step(now, verdict);
    if (mend !== "none") console.info(`media: path ${verdict} (${this.#protocol || "?"}), ${mend}`);
    this.#setTrouble(this.#plan.troubled);
    if (mend === "restartIce") {
      this.opts.restartIce().then(
        () => this.#plan.restarted(performance.now()),
        // The SFU did not take the restart (the signalling socket is gone too): a new connection.
        () => this.opts.rebuild(this.#protocol === "udp"),
      );
    } else if (mend === "rebuild") {
      this.opts.rebuild(this.#protocol === "udp");
    }
  }

  #setTrouble(troubled: boolean) {
    if (troubled === this.#troubled) return;
    this.#troubled = troubled;
    this.opts.onTrouble(troubled);
  }

  #tuneJitter(now: number, audio: { received: number; lost: number; nacks: number }, rttMs: number) {
    const last = this.#lastAudio;
    this.#lastAudio = audio;
    // A new connection starts its counters again: nothing to compare this time.
    if (audio.received < last.received) return;
    const expected = audio.received - last.received + Math.max(0, audio.lost - last.lost);
    const repaired = Math.max(0, audio.lost - last.lost) + Math.max(0, audio.nacks - last.nacks);
    if (expected > 0 && repaired / expected >= 0.005) this.#lossyAt = now;
    const lossRatio = now - this.#lossyAt < LOSSY_HOLD_MS ? 1 : 0;
    const target = jitterTargetMs({ rttMs, lossRatio, ptimeMs: this.opts.ptimeMs, capMs: this.opts.jitterCapMs });
    // The round trip wanders by a few ms: only a change worth a packet is applied.
    if (target === this.#jitter || (target !== null && this.#jitter !== null && Math.abs(target - this.#jitter) < 20)) {
      return;
    }
    this.#jitter = target;
    for (const r of this.opts.receivers()) setJitterTarget(r, target);
  }

  /** The floor to give a receiver created after the last change. */
  get jitterTarget(): number | null {
    return this.#jitter;
  }
}

/** RTCRtpReceiver.jitterBufferTarget (ms), or Chromium's older playoutDelayHint (s); null: the browser's own. */
export function setJitterTarget(r: RTCRtpReceiver, ms: number | null) {
  const rx = r as unknown as { jitterBufferTarget?: number | null; playoutDelayHint?: number | null };
  try {
    if ("jitterBufferTarget" in r) rx.jitterBufferTarget = ms;
    else if ("playoutDelayHint" in r) rx.playoutDelayHint = ms === null ? null : ms / 1000;
  } catch (e) {
    console.warn("jitter buffer target not taken:", e);
  }
}
