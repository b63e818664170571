// Passkey ceremonies counted per client address (the sign-in's and the sign-up's), so that one
// machine can neither hammer the ceremonies nor make accounts by the dozen. The count is the
// sessions store's one-minute window in KV, shared by every web instance; a refusal is 429 with
// Retry-After, the seconds until that window ends.
import type { Context } from "hono";
import type { MessageKey } from "../../i18n/mod.ts";
import type { AppEnv } from "../http/env.ts";
import { HttpError } from "../http/errors.ts";
import { clientIp } from "../http/session.ts";
import { THROTTLE_WINDOW_MS } from "../kv/sessions.ts";

/** What is counted, how many per minute and address, and what a refused person reads. */
export interface CeremonyRule {
  scope: string;
  perMinute: number;
  code: MessageKey;
}

/** Sign-in: the challenge and the answer each count. */
export const SIGN_IN: CeremonyRule = { scope: "login", perMinute: 10, code: "err.throttled" };
/**
 * Sign-up: the challenge and the answer each count, so one address makes at most five accounts a
 * minute, and a person who tries a few taken handles first still gets through.
 */
export const SIGN_UP: CeremonyRule = { scope: "signup", perMinute: 10, code: "err.signup_throttled" };

/** Counts one attempt from this client, or refuses it with 429 and Retry-After past the limit. */
export async function countAttempt(c: Context<AppEnv>, rule: CeremonyRule): Promise<void> {
  if (await c.get("deps").sessions.allow(rule.scope, clientIp(c), rule.perMinute)) return;
  c.header(
    "retry-after",
    String(Math.max(1, Math.ceil((THROTTLE_WINDOW_MS - Date.now() % THROTTLE_WINDOW_MS) / 1000))),
  );
  throw new HttpError(429, rule.code);
}
