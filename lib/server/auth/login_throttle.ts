// Sign-in attempts are counted per client address, so that passkey ceremonies cannot be hammered.
import type { Context } from "hono";
import type { AppEnv } from "../http/env.ts";
import { HttpError } from "../http/errors.ts";
import { clientIp } from "../http/session.ts";

const LOGIN_ATTEMPTS_PER_MINUTE = 10;

/** Counts one sign-in attempt from this client, or refuses it with 429 past the limit. */
export async function countLoginAttempt(c: Context<AppEnv>): Promise<void> {
  if (!(await c.get("deps").sessions.allow("login", clientIp(c), LOGIN_ATTEMPTS_PER_MINUTE))) {
    throw new HttpError(429, "err.throttled");
  }
}
