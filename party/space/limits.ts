// The Space room's rate limits (its shards use them too): the rules, and the per-person buckets that
// hold across a person's connections. The token bucket itself is party/shared/limits.ts.
import { type Bucket, type Rule, take } from "../shared/limits.ts";

/** The room's limits; numbers chosen so a person using the app never meets them. */
export const LIMITS = {
  /** Any message on one connection. */
  message: { rate: 20, burst: 60 },
  /** Reactions on one connection: a burst of taps, then about three a second. */
  react: { rate: 3, burst: 10 },
  /** Raising and lowering a hand, per connection. */
  hand: { rate: 1 / 10, burst: 4 },
  /** Audio state reports (mediaState), per connection: a flapping path, not a flood. */
  media: { rate: 1 / 2, burst: 6 },
  /** Comments per person, across their connections. */
  comment: { rate: 1 / 3, burst: 5 },
  /** New connections per person. */
  connect: { rate: 1 / 2, burst: 10 },
  /** New connections per network address: a crowd behind one NAT joining at once still fits. */
  connectAddress: { rate: 20, burst: 200 },
} as const satisfies Record<string, Rule>;

/** Refused messages after which a connection that keeps flooding is closed. */
export const FLOOD_STRIKES = 100;

/** The limits that hold per person or per address rather than per connection. */
export type PersonalRule = "comment" | "connect" | "connectAddress";

/**
 * Buckets for limits that hold across connections, keyed by person (or `addr:<address>`). A key
 * whose buckets have all refilled equals a new one, so it is dropped: every minute, and at once
 * past PRUNE_ABOVE keys. The map holds the people active in the last minute or so, not everyone
 * who ever passed through the room.
 */
export class PersonalLimits {
  readonly #buckets = new Map<string, Partial<Record<PersonalRule, Bucket>>>();
  #prunedAt = 0;
  static readonly PRUNE_ABOVE = 5_000;
  static readonly PRUNE_EVERY_MS = 60_000;

  take(key: string, name: PersonalRule, now = Date.now()): boolean {
    const mine = this.#buckets.get(key) ?? {};
    const r = take(mine[name], LIMITS[name], now);
    this.#buckets.set(key, { ...mine, [name]: r.bucket });
    if (this.#buckets.size > PersonalLimits.PRUNE_ABOVE || now - this.#prunedAt >= PersonalLimits.PRUNE_EVERY_MS) {
      this.#prune(now);
    }
    return r.ok;
  }

  /** The buckets of one key, to keep beside a connection (they outlive the object there). */
  snapshot(key: string): Partial<Record<PersonalRule, Bucket>> | undefined {
    return this.#buckets.get(key);
  }

  /**
   * Takes back buckets kept beside a connection after the room woke from hibernation. One person's
   * connections may each hold an older copy: per rule, the bucket computed last wins, because
   * every take recomputes it from the one before.
   */
  restore(key: string, kept: Partial<Record<PersonalRule, Bucket>>) {
    const mine = { ...this.#buckets.get(key) };
    for (const [name, b] of Object.entries(kept) as [PersonalRule, Bucket][]) {
      if (!b || typeof b.tokens !== "number" || typeof b.at !== "number") continue;
      if (!mine[name] || b.at > mine[name]!.at) mine[name] = b;
    }
    this.#buckets.set(key, mine);
  }

  /** How many keys are held (for tests). */
  get size(): number {
    return this.#buckets.size;
  }

  #prune(now: number) {
    this.#prunedAt = now;
    const refilled = ([name, b]: [string, Bucket | undefined]) => {
      const rule = LIMITS[name as PersonalRule];
      return !b || b.tokens + ((now - b.at) / 1000) * rule.rate >= rule.burst;
    };
    for (const [key, buckets] of this.#buckets) {
      if (Object.entries(buckets).every(refilled)) this.#buckets.delete(key);
    }
  }
}
