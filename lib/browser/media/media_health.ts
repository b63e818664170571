// Whether a media path is carrying what it should, from samples of its transport's stats: the
// page says "Reconnecting…" only when this says so, and the session mends the path by it (ICE
// restart, then a new connection). Pure (the clock comes with each sample), so tables test it.

/** What one transport's path is doing: carrying media, silent when media is due, or dead. */
export type PathVerdict = "ok" | "stalled" | "failed";

/** One look at a transport (RTCPeerConnection stats), every POLL_MS. */
export interface PathSample {
  /** RTCPeerConnection.connectionState (ICE and DTLS together). */
  state: RTCPeerConnectionState;
  /**
   * What has arrived so far that only a working media path brings. Receiving: audio packets
   * (inbound-rtp packetsReceived). Sending: bytes on the selected pair, which are the SFU's
   * feedback (transport-wide congestion control, every ~100 ms while it gets our audio), so a send
   * path that stopped delivering is seen by the sender too. Never the transport's total: ICE keeps
   * other pairs (a TCP one beside UDP) alive, and their traffic is not our audio.
   */
  bytesReceived: number;
  /** The selected candidate pair and the STUN answers it got: the path answers, media or not. */
  pairId: string;
  stunResponses: number;
  /**
   * Whether media is due on this path: receiving, a live (unpaused) audio producer is consumed;
   * sending, our microphone is on air. Opus with DTX still sends a frame every 400 ms of silence.
   */
  expectFlow: boolean;
}

/** How often the session samples its transports. */
export const POLL_MS = 500;
/** Media due and nothing for this long: the path is stalled (shown within 2 s, with POLL_MS). */
export const STALL_MS = 1_400;
/** STUN answered after the media stopped, within this: the path is fine, the sender went quiet. */
const CONSENT_MS = 6_000;
/** A path that has not connected yet gets this long (ICE and DTLS on a slow link) before it is stalled. */
export const FIRST_CONNECT_MS = 6_000;

/** Follows one transport; `update` with each sample says what its path is doing. */
export class PathWatch {
  #bytes = -1;
  #progressAt = 0;
  #pairId = "";
  #stun = -1;
  #aliveAt = -1;
  #expecting = false;
  #connected = false;
  #bornAt = -1;

  /** Whether this path has carried media (ICE and DTLS up) at least once. */
  get connectedOnce(): boolean {
    return this.#connected;
  }

  update(now: number, s: PathSample): PathVerdict {
    if (s.bytesReceived !== this.#bytes) {
      this.#bytes = s.bytesReceived;
      this.#progressAt = now;
    }
    if (s.pairId && s.pairId !== this.#pairId) {
      // ICE moved to another pair (a restart, or UDP gone and TCP taken): it gets STALL_MS to
      // bring the media, as a path that just connected does.
      if (this.#pairId) this.#progressAt = now;
      this.#pairId = s.pairId;
      this.#stun = s.stunResponses;
    } else if (s.pairId && s.stunResponses > this.#stun) {
      // Consent answers on the pair the media uses: the path itself is alive.
      this.#aliveAt = now;
      this.#stun = s.stunResponses;
    }
    if (this.#bornAt < 0) this.#bornAt = now;
    if (s.state === "connected") this.#connected = true;
    if (s.state === "failed" || s.state === "closed") return "failed";
    if (s.state === "disconnected") return "stalled";
    if (!this.#connected) {
      // Still connecting (mediasoup-client connects a transport at its first consumer or producer).
      return s.expectFlow && now - this.#bornAt >= FIRST_CONNECT_MS ? "stalled" : "ok";
    }
    if (!s.expectFlow) {
      this.#expecting = false;
      return "ok";
    }
    if (!this.#expecting) {
      // Media has just become due (a speaker unmuted, a consumer resumed): it gets STALL_MS.
      this.#expecting = true;
      this.#progressAt = now;
    }
    if (now - this.#progressAt < STALL_MS) return "ok";
    // The path still answers STUN since the media stopped: the sender is quiet (their own page
    // says so), not our path.
    if (this.#aliveAt > this.#progressAt && now - this.#aliveAt < CONSENT_MS) return "ok";
    return "stalled";
  }
}

/** The worst of several paths' verdicts. */
export function worst(verdicts: PathVerdict[]): PathVerdict {
  return verdicts.includes("failed") ? "failed" : verdicts.includes("stalled") ? "stalled" : "ok";
}

/** After an ICE restart took effect, how long the path has to come back before a new connection. */
export const RESTART_GRACE_MS = 3_000;

/** What the session does about its paths, one step per sample. */
export type Mend = "none" | "restartIce" | "rebuild";

/**
 * The mending policy: at the first sign of trouble an ICE restart (cheap: one request, and ICE
 * checks every candidate again, so a lost UDP path moves to TCP); when the restart took effect
 * and the path is still not back RESTART_GRACE_MS later, a new connection (the session backs off
 * between those). The grace counts from the SFU's answer, not the ask: in an outage the ask waits
 * in the signalling socket too, and the path that returns is used at once, without a rebuild.
 */
export class MendPlan {
  #troubled = false;
  #asked = false;
  #appliedAt = -1;

  /** Whether the paths are in trouble now (the page says "Reconnecting…"). */
  get troubled(): boolean {
    return this.#troubled;
  }

  step(now: number, verdict: PathVerdict): Mend {
    if (verdict === "ok") {
      this.#troubled = this.#asked = false;
      this.#appliedAt = -1;
      return "none";
    }
    this.#troubled = true;
    if (!this.#asked) {
      this.#asked = true;
      return "restartIce";
    }
    if (this.#appliedAt >= 0 && now - this.#appliedAt >= RESTART_GRACE_MS) {
      this.#asked = false;
      this.#appliedAt = -1;
      return "rebuild";
    }
    return "none";
  }

  /** The SFU answered the restart and the browser took the new ICE parameters. */
  restarted(now: number): void {
    if (this.#asked) this.#appliedAt = now;
  }
}

/**
 * The jitter buffer's floor for a receiver (RTCRtpReceiver.jitterBufferTarget): on a lossy path,
 * long enough for a NACKed packet to come back (it is asked for when the next one shows the gap,
 * one packet later, and takes a round trip), capped per use; on a clean path, null lets the
 * browser keep its own (lowest) delay.
 */
export function jitterTargetMs(
  { rttMs, lossRatio, ptimeMs, capMs }: { rttMs: number; lossRatio: number; ptimeMs: number; capMs: number },
): number | null {
  if (lossRatio < 0.005) return null;
  return Math.min(capMs, Math.round(rttMs + ptimeMs + 40));
}

/**
 * The SFU's candidates with its TCP ones ranked above UDP: after a UDP path failed and an ICE
 * restart did not mend it, the new connection takes TCP (the browser nominates the best pair that
 * works), rather than trying UDP first again.
 */
export function tcpFirst<C extends { protocol: string; priority: number }>(candidates: C[]): C[] {
  const top = Math.max(0, ...candidates.map((c) => c.priority));
  return candidates.map((c) => (c.protocol === "tcp" ? { ...c, priority: top + c.priority % 1000 + 1 } : c));
}
