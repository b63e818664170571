// Token buckets, the rate limiter every party uses. Pure: the caller passes the clock and keeps the
// bucket (in a connection's attachment, or per person for limits that hold across connections).
// Each party names its own rules: party/space/limits.ts, and the call and inbox rooms' own.

export interface Bucket {
  tokens: number;
  /** When `tokens` was last computed, in ms. */
  at: number;
}

export interface Rule {
  /** Tokens regained per second. */
  rate: number;
  /** Most tokens a bucket holds: how big a burst is allowed. */
  burst: number;
}

/** Takes one token if there is one; returns the bucket to keep either way. */
export function take(
  bucket: Bucket | undefined,
  rule: Rule,
  now: number,
): { ok: boolean; bucket: Bucket } {
  const b = bucket ?? { tokens: rule.burst, at: now };
  const tokens = Math.min(rule.burst, b.tokens + ((now - b.at) / 1000) * rule.rate);
  if (tokens < 1) return { ok: false, bucket: { tokens, at: now } };
  return { ok: true, bucket: { tokens: tokens - 1, at: now } };
}
