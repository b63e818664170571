// The web's side of recordings: who is asking (a signed-in person, or the anonymous listener's
// cookie identity), whether the room or the host put them out (also after the Space ended), and
// refusals as JSON people can read, with Retry-After when a limit says when to try again.
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../http/env.ts";
import { type MessageKey, t } from "../../i18n/mod.ts";
import { SpaceStore } from "../kv/spaces.ts";
import { SpaceRoomLink } from "../spaces/room_link.ts";
import { recordingService } from "./deps.ts";
import { RecordingError, type RecordingService } from "./service.ts";
import { BadKeyError } from "./store.ts";

/** The person asking, as the Space room names them. */
export function askingSub(c: Context<AppEnv>): string {
  const user = c.get("user");
  if (user) return `u:${user.id}`;
  const anon = getCookie(c, "spazio_anon");
  return anon && /^[A-Za-z0-9_-]{16}$/.test(anon) ? `a:${anon}` : "a:anonymous";
}

/**
 * Whether the host's blocks (in KV) or the Space's room (its authority on removals and bans, which
 * keeps them after the end) put this person out.
 */
export async function isPutOut(c: Context<AppEnv>, spaceId: string, sub: string): Promise<boolean> {
  const { config, kv, social } = c.get("deps");
  const space = await new SpaceStore(kv).get(spaceId);
  const user = c.get("user");
  if (space && user && (await social.blocks(space.hostId, user.id))) return true;
  try {
    const grant = await new SpaceRoomLink(config.partyUrl, config.serverSecret).grant(spaceId, sub);
    return grant.ended ? grant.removed === true : !grant.admitted;
  } catch (err) {
    // A room that cannot be reached cannot say; the host's blocks above still hold.
    console.warn(`web: the room of ${spaceId} did not say whether ${sub} was removed:`, (err as Error).message);
    return false;
  }
}

/** Runs `fn` with the service, answering a refusal with its status and a readable message. */
export async function withRecordings(
  c: Context<AppEnv>,
  fn: (svc: RecordingService) => Promise<Response>,
): Promise<Response> {
  try {
    return await fn(recordingService(c.get("deps")));
  } catch (err) {
    const lang = c.get("lang") ?? "en";
    if (err instanceof RecordingError) {
      if (err.retryAfterS !== undefined) c.header("retry-after", String(err.retryAfterS));
      return c.json({ error: { code: err.code, message: t(lang, err.code, err.params) } }, err.status);
    }
    if (err instanceof BadKeyError) {
      return c.json({ error: { code: "rec.err.bad_id", message: t(lang, "rec.err.bad_id") } }, 400);
    }
    throw err;
  }
}

/** Why a recording or clip is gone, as people read it (the 410 page and answer). */
export function goneCode(why: "deleted" | "expired" | undefined, clip = false): MessageKey {
  if (clip) return why === "deleted" ? "rec.err.clip_deleted" : "rec.err.clip_gone";
  return why === "expired" ? "rec.err.recording_expired" : "rec.err.recording_gone";
}

/** The answer for a recording or clip that is gone: 410, and why. */
export function goneAnswer(c: Context<AppEnv>, why: "deleted" | "expired" | undefined, clip = false): Response {
  const code = goneCode(why, clip);
  return c.json({ error: { code, message: t(c.get("lang") ?? "en", code) } }, 410);
}
