// The connection quality of a call, from WebRTC stats: every couple of seconds one sample of the
// bitrate (received and sent), the packet loss of what we receive and the round-trip time of the
// selected ICE pair, over the last interval; graded good / fair / poor for the small indicator,
// and kept for a minute for the stats panel's graphs.
//
// SfuSession (lib/media/) keeps its transports to itself, so the call records the peer
// connections made while it runs; the recorder is scoped to the call and undone when it ends.

export type Quality = "good" | "fair" | "poor" | "unknown";

type Native = typeof RTCPeerConnection;
let native: Native | null = null;
let live: Set<RTCPeerConnection> | null = null;

/** Starts keeping every RTCPeerConnection this page makes, until the returned function runs. */
export function recordPeerConnections(): { pcs: () => RTCPeerConnection[]; stop: () => void } {
  if (!native) {
    native = globalThis.RTCPeerConnection;
    const Orig = native;
    const set = (live = new Set());
    const Recording = function (this: unknown, ...args: ConstructorParameters<Native>) {
      const pc = new Orig(...args);
      set.add(pc);
      return pc;
    } as unknown as Native;
    Recording.prototype = Orig.prototype;
    Object.setPrototypeOf(Recording, Orig);
    globalThis.RTCPeerConnection = Recording;
  }
  const set = live!;
  return {
    pcs: () => [...set].filter((pc) => pc.connectionState !== "closed"),
    stop: () => {
      if (native) globalThis.RTCPeerConnection = native;
      native = null;
      live = null;
    },
  };
}

/** Running totals of one stats round, summed over the call's peer connections. */
export interface StatTotals {
  at: number;
  bytesIn: number;
  bytesOut: number;
  lost: number;
  received: number;
  /** Seconds; null when no ICE pair has measured one yet. */
  rtt: number | null;
}

/** What the last interval looked like. */
export interface QualitySample {
  at: number;
  quality: Quality;
  inKbps: number;
  outKbps: number;
  /** Percent of the packets due in the interval that never came. */
  lossPct: number;
  rttMs: number | null;
}

/** How many samples the stats panel keeps: a minute at one every two seconds. */
export const SAMPLES_KEPT = 30;

/** One interval from two rounds of totals (pure, so it is table-tested). */
export function sampleBetween(prev: StatTotals | null, cur: StatTotals): QualitySample {
  const rttMs = cur.rtt === null ? null : Math.round(cur.rtt * 1000);
  if (!prev || cur.at <= prev.at) {
    return {
      at: cur.at,
      quality: cur.rtt === null ? "unknown" : grade(0, cur.rtt),
      inKbps: 0,
      outKbps: 0,
      lossPct: 0,
      rttMs,
    };
  }
  const seconds = (cur.at - prev.at) / 1000;
  const kbps = (bytes: number) => Math.max(0, Math.round((bytes * 8) / seconds / 100) / 10);
  const dLost = Math.max(0, cur.lost - prev.lost);
  const dRecv = Math.max(0, cur.received - prev.received);
  const loss = dLost + dRecv > 0 ? dLost / (dLost + dRecv) : 0;
  const quality = dLost + dRecv === 0 && cur.rtt === null ? "unknown" : grade(loss, cur.rtt ?? 0);
  return {
    at: cur.at,
    quality,
    inKbps: kbps(cur.bytesIn - prev.bytesIn),
    outKbps: kbps(cur.bytesOut - prev.bytesOut),
    lossPct: Math.round(loss * 1000) / 10,
    rttMs,
  };
}

/** Reads the totals of these peer connections now. */
export async function readTotals(pcs: RTCPeerConnection[], at = Date.now()): Promise<StatTotals> {
  const t: StatTotals = { at, bytesIn: 0, bytesOut: 0, lost: 0, received: 0, rtt: null };
  for (const pc of pcs) {
    const stats = await pc.getStats();
    stats.forEach((s) => {
      if (s.type === "inbound-rtp") {
        t.lost += Math.max(0, s.packetsLost ?? 0);
        t.received += s.packetsReceived ?? 0;
        t.bytesIn += s.bytesReceived ?? 0;
      }
      if (s.type === "outbound-rtp") t.bytesOut += s.bytesSent ?? 0;
      if (
        s.type === "candidate-pair" && s.nominated && s.state === "succeeded" &&
        typeof s.currentRoundTripTime === "number"
      ) {
        t.rtt = Math.max(t.rtt ?? 0, s.currentRoundTripTime);
      }
    });
  }
  return t;
}

/** Measures from one stats round to the next; feed it every couple of seconds. */
export class QualityMeter {
  #last: StatTotals | null = null;

  async measure(pcs: RTCPeerConnection[]): Promise<QualitySample> {
    const cur = await readTotals(pcs);
    const sample = sampleBetween(this.#last, cur);
    this.#last = cur;
    return sample;
  }
}

/** Loss as a fraction, RTT in seconds: thresholds where people start to notice. */
export function grade(loss: number, rttS: number): Quality {
  if (loss > 0.08 || rttS > 0.8) return "poor";
  if (loss > 0.02 || rttS > 0.3) return "fair";
  return "good";
}
