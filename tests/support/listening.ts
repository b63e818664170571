// What a page hears, from its own WebRTC stats (the page must record its peer connections:
// RECORD_PEER_CONNECTIONS in tests/support/sfu.ts): inbound audio level, loss, repairs and the
// round trip of the selected ICE pair. "Audible" is an inbound audio level above silence, the
// definition issue 18's figures use, shared by the network bench and the tests through the
// network emulator.
import { waitFor } from "./party.ts";

/** Inbound audio level (0..1) above which a page hears something: above silence and comfort noise. */
export const AUDIBLE_LEVEL = 0.01;

export interface InboundAudio {
  /** The loudest inbound audio track now. */
  level: number;
  packetsReceived: number;
  packetsLost: number;
  nackCount: number;
  retransmittedPacketsReceived: number;
  concealedSamples: number;
  totalSamplesReceived: number;
  bytesReceived: number;
  /** The selected ICE pairs' current round trip, seconds (the largest; 0 when none yet). */
  rttS: number;
  /** The selected pairs' transport protocols ("udp", "tcp"). */
  protocols: string[];
}

/** Runs in the page: sums every open peer connection's inbound audio. */
export const READ_INBOUND_AUDIO = async (): Promise<InboundAudio> => {
  const out: InboundAudio = {
    level: 0,
    packetsReceived: 0,
    packetsLost: 0,
    nackCount: 0,
    retransmittedPacketsReceived: 0,
    concealedSamples: 0,
    totalSamplesReceived: 0,
    bytesReceived: 0,
    rttS: 0,
    protocols: [],
  };
  // deno-lint-ignore no-explicit-any
  for (const pc of ((window as any).__pcs ?? []) as RTCPeerConnection[]) {
    if (pc.connectionState === "closed") continue;
    const stats = await pc.getStats();
    const selected = new Set<string>();
    stats.forEach((s) => {
      if (s.type === "transport" && s.selectedCandidatePairId) selected.add(s.selectedCandidatePairId);
    });
    stats.forEach((s) => {
      if (s.type === "inbound-rtp" && s.kind === "audio") {
        out.level = Math.max(out.level, s.audioLevel ?? 0);
        out.packetsReceived += s.packetsReceived ?? 0;
        out.packetsLost += s.packetsLost ?? 0;
        out.nackCount += s.nackCount ?? 0;
        out.retransmittedPacketsReceived += s.retransmittedPacketsReceived ?? 0;
        out.concealedSamples += s.concealedSamples ?? 0;
        out.totalSamplesReceived += s.totalSamplesReceived ?? 0;
        out.bytesReceived += s.bytesReceived ?? 0;
      }
      if (s.type === "candidate-pair" && selected.has(s.id)) {
        out.rttS = Math.max(out.rttS, s.currentRoundTripTime ?? 0);
        const local = stats.get(s.localCandidateId);
        if (local?.protocol) out.protocols.push(local.protocol);
      }
    });
  }
  return out;
};

type StatsPage = { evaluate<T, A>(fn: (arg: A) => Promise<T>, arg: A): Promise<T> } & {
  evaluate<T>(fn: () => Promise<T>): Promise<T>;
};

export const inboundAudio = (page: StatsPage): Promise<InboundAudio> => page.evaluate(READ_INBOUND_AUDIO);

/** Waits until the page hears audio (level above silence) and returns what it reads then. */
export async function audible(page: StatsPage, what: string, timeoutMs = 15_000): Promise<InboundAudio> {
  return await waitFor(what, async () => {
    const a = await inboundAudio(page);
    return a.level > AUDIBLE_LEVEL ? a : undefined;
  }, timeoutMs);
}

/**
 * Runs in the page: polls its stats every `everyMs` until inbound audio is above silence and new
 * packets keep arriving; returns Date.now() then, or -1 after `timeoutMs`. Timed in the page, so
 * a figure is not stretched by the test's round trips to the browser.
 */
export const WAIT_AUDIBLE_IN_PAGE = async (
  { timeoutMs, everyMs, level }: { timeoutMs: number; everyMs: number; level: number },
): Promise<number> => {
  const deadline = Date.now() + timeoutMs;
  let lastPackets = -1;
  while (Date.now() < deadline) {
    let loud = 0;
    let packets = 0;
    // deno-lint-ignore no-explicit-any
    for (const pc of ((window as any).__pcs ?? []) as RTCPeerConnection[]) {
      if (pc.connectionState === "closed") continue;
      (await pc.getStats()).forEach((s) => {
        if (s.type === "inbound-rtp" && s.kind === "audio") {
          loud = Math.max(loud, s.audioLevel ?? 0);
          packets += s.packetsReceived ?? 0;
        }
      });
    }
    if (loud > level && lastPackets >= 0 && packets > lastPackets) return Date.now();
    lastPackets = packets;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return -1;
};

/** Date.now() in the page when it next hears audio (see WAIT_AUDIBLE_IN_PAGE), or -1. */
export function whenAudible(page: StatsPage, timeoutMs = 15_000, everyMs = 10): Promise<number> {
  return page.evaluate(WAIT_AUDIBLE_IN_PAGE, { timeoutMs, everyMs, level: AUDIBLE_LEVEL });
}
