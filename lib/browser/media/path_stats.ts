// Reads what media_health.ts needs from a transport's RTCStatsReport: the transport's bytes, its
// selected candidate pair (STUN answers, round trip, UDP or TCP) and its audio receivers' losses.

export interface PathStats {
  /** The transport's RTP and RTCP bytes (every pair's). */
  bytesReceived: number;
  /** The selected pair's bytes (the pair media uses; STUN checks not counted). */
  pairBytesReceived: number;
  pairId: string;
  stunResponses: number;
  /** The selected pair's round trip, ms (0 before the first answer). */
  rttMs: number;
  /** "udp" or "tcp" (the local candidate's protocol; a relay's own protocol is not looked at). */
  protocol: string;
  /** Summed over inbound audio: packets received, lost, and NACKs sent for them. */
  audio: { received: number; lost: number; nacks: number };
}

type Stat = Record<string, unknown> & { type: string; id: string };

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

export function readPathStats(report: RTCStatsReport): PathStats {
  const all = new Map<string, Stat>();
  report.forEach((s: Stat) => all.set(s.id, s));
  let bytes = 0;
  let pair: Stat | undefined;
  const audio = { received: 0, lost: 0, nacks: 0 };
  for (const s of all.values()) {
    if (s.type === "transport") {
      bytes += num(s.bytesReceived);
      const selected = all.get(String(s.selectedCandidatePairId ?? ""));
      if (selected) pair = selected;
    } else if (s.type === "inbound-rtp" && s.kind === "audio") {
      audio.received += num(s.packetsReceived);
      audio.lost += num(s.packetsLost);
      audio.nacks += num(s.nackCount);
    }
  }
  // Browsers without transport stats (or with the pair only flagged): the nominated pair.
  // (Firefox has no transport stats; it flags the pair in use `selected`.)
  pair ??= [...all.values()].find((s) =>
    s.type === "candidate-pair" && s.state === "succeeded" && (s.selected === true || s.nominated === true)
  );
  if (pair && bytes === 0) bytes = num(pair.bytesReceived);
  const local = pair ? all.get(String(pair.localCandidateId ?? "")) : undefined;
  return {
    bytesReceived: bytes,
    pairBytesReceived: num(pair?.bytesReceived),
    pairId: pair?.id ?? "",
    stunResponses: num(pair?.responsesReceived),
    rttMs: Math.round(num(pair?.currentRoundTripTime) * 1000),
    protocol: String(local?.protocol ?? ""),
    audio,
  };
}
