// Sliding-window limits kept in KV, so that every web instance counts the same attempts:
// at most `limit` attempts in any `windowMs`. An attempt over the limit is not recorded.
import { retryAtomic } from "../kv/db.ts";

export interface WindowRule {
  limit: number;
  windowMs: number;
}

/** At most 5 call attempts a minute per caller (issue: ringing floods). */
export const CALL_ATTEMPTS: WindowRule = { limit: 5, windowMs: 60_000 };
/** DMs per sender: far above a person typing, low enough to stop a script. */
export const DM_SENDS: WindowRule = { limit: 30, windowMs: 60_000 };

/**
 * Records an attempt under `key` when the window has room. Returns 0 when allowed, otherwise how
 * many ms until the oldest attempt leaves the window.
 */
export async function takeAttempt(kv: Deno.Kv, key: Deno.KvKey, rule: WindowRule, now = Date.now()): Promise<number> {
  return await retryAtomic(async () => {
    const cur = await kv.get<number[]>(key);
    const recent = (cur.value ?? []).filter((t) => now - t < rule.windowMs);
    if (recent.length >= rule.limit) return rule.windowMs - (now - recent[0]);
    const ok = (await kv.atomic().check(cur).set(key, [...recent, now], { expireIn: rule.windowMs }).commit()).ok;
    return ok ? 0 : null;
  });
}
