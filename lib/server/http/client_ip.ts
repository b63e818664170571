// The client's address behind reverse proxies. X-Forwarded-For is a list each proxy appends the
// address it saw to, so only its last `hops` entries were written by proxies the operator runs:
// anything left of them is whatever the client sent, and trusting the first entry would let a
// client choose the address its rate limits count against.

/** SPAZIO_TRUST_PROXY: how many proxies of the operator's sit in front (unset or 0: none). */
export function trustedHops(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return 0;
  const v = value.trim().toLowerCase();
  if (v === "true" || v === "yes") return 1;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 10) {
    throw new Error(`SPAZIO_TRUST_PROXY must be the number of proxies in front (0-10), got "${value}"`);
  }
  return n;
}

/**
 * The address the nearest untrusted party used, from X-Forwarded-For with `hops` trusted proxies;
 * undefined when the header has fewer entries than that (the request did not come through them).
 */
export function forwardedClient(header: string | undefined | null, hops: number): string | undefined {
  if (hops <= 0 || !header) return undefined;
  const list = header.split(",").map((s) => s.trim()).filter(Boolean);
  if (list.length < hops) return undefined;
  return list[list.length - hops];
}
