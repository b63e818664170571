// The connection-quality indicator of a call, from WebRTC stats: packet loss of what we receive
// and the round-trip time of the selected ICE pair, over the last interval.
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
    native = window.RTCPeerConnection;
    const Orig = native;
    const set = (live = new Set());
    const Recording = function (this: unknown, ...args: ConstructorParameters<Native>) {
      const pc = new Orig(...args);
      set.add(pc);
      return pc;
    } as unknown as Native;
    Recording.prototype = Orig.prototype;
    Object.setPrototypeOf(Recording, Orig);
    window.RTCPeerConnection = Recording;
  }
  const set = live!;
  return {
    pcs: () => [...set].filter((pc) => pc.connectionState !== "closed"),
    stop: () => {
      if (native) window.RTCPeerConnection = native;
      native = null;
      live = null;
    },
  };
}

interface Sample {
  lost: number;
  received: number;
}

/** Measures quality from one stats round to the next; feed it every couple of seconds. */
export class QualityMeter {
  #last: Sample | null = null;

  async measure(pcs: RTCPeerConnection[]): Promise<Quality> {
    let lost = 0;
    let received = 0;
    let rtt: number | null = null;
    for (const pc of pcs) {
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type === "inbound-rtp") {
          lost += Math.max(0, s.packetsLost ?? 0);
          received += s.packetsReceived ?? 0;
        }
        if (s.type === "candidate-pair" && s.nominated && s.state === "succeeded" && typeof s.currentRoundTripTime === "number") {
          rtt = Math.max(rtt ?? 0, s.currentRoundTripTime);
        }
      });
    }
    const prev = this.#last;
    this.#last = { lost, received };
    if (!prev) return rtt === null ? "unknown" : grade(0, rtt);
    const dLost = lost - prev.lost;
    const dRecv = received - prev.received;
    if (dLost + dRecv <= 0) return rtt === null ? "unknown" : grade(0, rtt);
    return grade(dLost / (dLost + dRecv), rtt ?? 0);
  }
}

/** Loss as a fraction, RTT in seconds: thresholds where people start to notice. */
export function grade(loss: number, rttS: number): Quality {
  if (loss > 0.08 || rttS > 0.8) return "poor";
  if (loss > 0.02 || rttS > 0.3) return "fair";
  return "good";
}
