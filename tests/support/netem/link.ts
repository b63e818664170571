// One direction of an emulated network path (browser -> servers or servers -> browser): a fixed
// delay, jitter, random loss and a rate cap, the way Linux's netem shapes an interface. Every flow
// of a lane shares its two links, as every connection of one phone shares its radio link.
// Randomness is seeded (mulberry32), one stream for loss and one for jitter, so the k-th packet
// of a link is lost or not for a given seed whatever the jitter does: a profile is reproducible.

/** One direction's settings. */
export interface LinkSettings {
  /** Fixed one-way delay, ms. */
  delayMs: number;
  /** Each packet's delay varies uniformly within +-jitterMs (datagrams may then arrive out of order). */
  jitterMs: number;
  /** Probability that a datagram is lost (0..1); a TCP segment "lost" costs a retransmission's delay. */
  loss: number;
  /** Rate cap in kbit/s; 0 = none. */
  rateKbps: number;
  /** Datagrams that would wait longer than this behind the rate cap are dropped (drop-tail), ms. */
  queueMs: number;
}

/** A path: both directions. `up` is browser -> servers, `down` servers -> browser. */
export interface Profile {
  name: string;
  up: LinkSettings;
  down: LinkSettings;
}

/** A path whose round trip, jitter, loss (each direction) and rate cap (each direction) are given. */
export function symmetric(
  name: string,
  p: { rttMs?: number; jitterMs?: number; loss?: number; rateKbps?: number; queueMs?: number } = {},
): Profile {
  const one: LinkSettings = {
    delayMs: (p.rttMs ?? 0) / 2,
    jitterMs: p.jitterMs ?? 0,
    loss: p.loss ?? 0,
    rateKbps: p.rateKbps ?? 0,
    queueMs: p.queueMs ?? 1000,
  };
  return { name, up: { ...one }, down: { ...one } };
}

/** The profiles of issue 18's figures. */
export const PROFILES = {
  loopback: symmetric("loopback"),
  rtt100: symmetric("100ms", { rttMs: 100 }),
  rtt100Lossy: symmetric("100ms-3%-20ms", { rttMs: 100, loss: 0.03, jitterMs: 20 }),
  rtt300Slow: symmetric("300ms-5%-1mbit", { rttMs: 300, loss: 0.05, rateKbps: 1000 }),
} as const;

/** A seeded PRNG in [0, 1) (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Counters of one link. */
export interface LinkStats {
  packets: number;
  bytes: number;
  /** Datagrams lost at random. */
  lost: number;
  /** Datagrams dropped behind the rate cap (queue full). */
  queueDrops: number;
  /** Datagrams dropped by an outage. */
  outageDrops: number;
  /** TCP chunks delayed by an emulated retransmission. */
  tcpRetransmits: number;
}

const TCP_SEGMENT = 1448;

export class Link {
  #s: LinkSettings;
  #loss: () => number;
  #jitter: () => number;
  #busyUntil = 0;
  readonly stats: LinkStats = { packets: 0, bytes: 0, lost: 0, queueDrops: 0, outageDrops: 0, tcpRetransmits: 0 };

  constructor(settings: LinkSettings, seed: number) {
    this.#s = { ...settings };
    this.#loss = mulberry32(seed);
    this.#jitter = mulberry32(seed ^ 0x5bd1e995);
  }

  get settings(): LinkSettings {
    return { ...this.#s };
  }

  set(settings: LinkSettings) {
    this.#s = { ...settings };
  }

  /** When (ms, performance.now()) the rate cap lets `bytes` entering at `now` out, or null when the queue is full. */
  #serialise(bytes: number, now: number, canDrop: boolean): number | null {
    if (this.#s.rateKbps <= 0) return now;
    const start = Math.max(now, this.#busyUntil);
    if (canDrop && start - now > this.#s.queueMs) return null;
    this.#busyUntil = start + (bytes * 8) / this.#s.rateKbps;
    return this.#busyUntil;
  }

  #delay(): number {
    const j = this.#s.jitterMs > 0 ? (this.#jitter() * 2 - 1) * this.#s.jitterMs : 0;
    return Math.max(0, this.#s.delayMs + j);
  }

  /** When a datagram of `bytes` entering at `now` arrives, or null when it is lost. */
  datagram(bytes: number, now: number): number | null {
    this.stats.packets++;
    this.stats.bytes += bytes;
    if (this.#s.loss > 0 && this.#loss() < this.#s.loss) {
      this.stats.lost++;
      return null;
    }
    const out = this.#serialise(bytes, now, true);
    if (out === null) {
      this.stats.queueDrops++;
      return null;
    }
    return out + this.#delay();
  }

  /**
   * When a TCP chunk of `bytes` entering at `now` arrives, never before `notBefore` (a stream keeps
   * its order). A chunk is never lost: each of its segments is lost with the link's probability,
   * and a loss costs what TCP's retransmission would (an RTO floor of 200 ms, or a round trip).
   */
  stream(bytes: number, now: number, notBefore: number): number {
    this.stats.packets++;
    this.stats.bytes += bytes;
    let at = this.#serialise(bytes, now, false)! + this.#delay();
    if (this.#s.loss > 0) {
      const segments = Math.ceil(bytes / TCP_SEGMENT);
      if (this.#loss() < 1 - (1 - this.#s.loss) ** segments) {
        this.stats.tcpRetransmits++;
        at += Math.max(200, 4 * this.#s.delayMs);
      }
    }
    return Math.max(at, notBefore);
  }
}
