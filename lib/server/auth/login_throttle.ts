// Sign-in attempts are counted per client address, so that passkey ceremonies cannot be hammered.
import type { Context } from "hono";
import type { AppEnv } from "../http/env.ts";
import { countAttempt, SIGN_IN } from "./throttle.ts";

/** Counts one sign-in attempt from this client, or refuses it with 429 past the limit. */
export function countLoginAttempt(c: Context<AppEnv>): Promise<void> {
  return countAttempt(c, SIGN_IN);
}
