// Refusals of the recording and clip services, and the id check every key goes through.
import type { MessageKey } from "../../i18n/mod.ts";
import { RECORDING_ID } from "../../protocol/recording_timeline.ts";

/** A refusal a route turns into a status and a message. */
export class RecordingError extends Error {
  /**
   * `code` names the message people read (lib/i18n/recordings.ts), filled with `params`;
   * `retryAfterS`: when a limit lets this person try again (the Retry-After header).
   */
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 429,
    readonly code: MessageKey,
    message: string,
    readonly params?: Record<string, number>,
    readonly retryAfterS?: number,
  ) {
    super(message);
  }
}

/** Space and clip ids as the app makes them; anything else never reaches KV or the store. */
export function checkId(id: string, what = "id"): string {
  if (!RECORDING_ID.test(id)) throw new RecordingError(400, "rec.err.bad_id", `That is not a ${what}.`);
  return id;
}
