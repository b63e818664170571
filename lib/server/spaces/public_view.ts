// What any page may learn about Spaces without joining one: the home's live cards (for the page
// and for GET /api/spaces, which the home polls) and where an ended Space's replay stands.
import type { Deps } from "../http/env.ts";
import type { User } from "../kv/users.ts";
import { matches, type SpaceRecord, SpaceStore } from "../kv/spaces.ts";
import type { RecordingRecord } from "../recordings/service.ts";
import type { LiveSpaces, ReplayState, SpaceCardData } from "../../protocol/space_public.ts";

/** The home's filters: a topic chip, a Space language, a title search. */
export interface HomeFilters {
  topic?: string;
  lang?: string;
  q?: string;
}

/** The filters of a home (or /api/spaces) URL, each cut to a sane length. */
export function homeFilters(query: (k: string) => string | undefined): HomeFilters {
  return {
    topic: query("topic")?.slice(0, 24) || undefined,
    lang: query("lang")?.slice(0, 8) || undefined,
    q: query("q")?.slice(0, 70) || undefined,
  };
}

/**
 * The live Spaces the home shows for `f`, those hosted or spoken in by people `user` follows
 * first, as cards. `live`: the directory's live list when the caller has it already.
 */
export async function liveCards(
  deps: Deps,
  user: User | null,
  f: HomeFilters,
  live?: SpaceRecord[],
): Promise<SpaceCardData[]> {
  const all = live ?? await new SpaceStore(deps.kv).list("live");
  const followed = new Set(user ? (await deps.social.followingIds(user.id)).map((id) => `u:${id}`) : []);
  const byFollowed = (s: SpaceRecord) => followed.has(`u:${s.hostId}`) || s.stage.some((m) => followed.has(m.sub));
  const shown = all.filter((s) => matches(s, f)).sort((a, b) => Number(byFollowed(b)) - Number(byFollowed(a)));
  const hosts = new Map((await deps.users.getMany([...new Set(shown.map((s) => s.hostId))])).map((u) => [u.id, u]));
  return shown.map((s) => {
    const host = hosts.get(s.hostId);
    return {
      id: s.id,
      status: s.status,
      title: s.title,
      lang: s.lang,
      topics: s.topics,
      listenerCount: s.listenerCount,
      stage: s.stage,
      host: host ? { id: host.id, displayName: host.displayName } : null,
    };
  });
}

/** The body GET /api/spaces answers with, and its weak ETag (compression changes bytes, not meaning). */
export async function liveAnswer(spaces: SpaceCardData[]): Promise<{ body: string; etag: string }> {
  const body = JSON.stringify({ spaces } satisfies LiveSpaces);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)));
  return { body, etag: `W/"${btoa(String.fromCharCode(...hash.slice(0, 12))).replace(/[+/=]/g, "")}"` };
}

/**
 * The start of the error the mix records when no track has any audio (lib/server/recordings/mix.ts):
 * a recorded Space where nobody spoke. public_view_test.ts runs the mix to keep the two in step.
 */
export const NOTHING_TO_MIX = "nothing to mix";

/** Where the replay of a Space stands, from its recording (null: never recorded). */
export function replayState(rec: RecordingRecord | null): ReplayState {
  if (!rec) return "none";
  switch (rec.status) {
    case "recording":
    case "mixing":
      return "making";
    case "ready":
      return "ready";
    case "deleted":
      return "gone";
    case "failed":
      return rec.error?.startsWith(NOTHING_TO_MIX) ? "empty" : "failed";
  }
}
