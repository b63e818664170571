// A Space in full swing for reducer tests: one person of every role, a raised hand, a comment.
import { createSpace } from "../../party/space/lifecycle.ts";
import type { Actor, ApplyContext, SpaceState } from "../../party/space/state.ts";

export const P = {
  host: { sub: "u:host0001", handle: "host", name: "Hosta" },
  cohost: { sub: "u:cohost01", handle: "cohost", name: "Coho" },
  speaker: { sub: "u:speaker1", handle: "speaker", name: "Spea" },
  speaker2: { sub: "u:speaker2", handle: "speaker2", name: "Spea Two" },
  listener: { sub: "u:listen01", handle: "listener", name: "Lis" },
  handUp: { sub: "u:handup01", handle: "handup", name: "Hand" },
  guest: { sub: "u:guest001", handle: "guest", name: "Guest" },
  anonymous: { sub: "a:anon0001" },
  removed: { sub: "u:banned01", handle: "banned", name: "Gone" },
} satisfies Record<string, Actor>;

/** The six kinds of actor every command is tried by. */
export const ROLES = ["host", "cohost", "speaker", "listener", "anonymous", "removed"] as const;
export type RoleName = typeof ROLES[number];

export function liveSpace(): SpaceState {
  const s = createSpace(
    { type: "init", spaceId: "sp1", title: "Morning talk", host: P.host, cohosts: [], speakers: [], blockedSubs: [] },
    1_000,
  );
  return {
    ...s,
    stage: [
      { ...P.host, role: "host", muted: false },
      { ...P.cohost, role: "cohost", muted: false },
      { ...P.speaker, role: "speaker", muted: false },
      { ...P.speaker2, role: "speaker", muted: false },
    ],
    hands: [{ ...P.handUp, at: 1_500 }],
    banned: { [P.removed.sub]: { at: 1_200, by: P.host.sub } },
    comments: [{ ...P.listener, id: "c1", text: "hello", at: 1_600 }],
  };
}

export function context(present: string[] = []): ApplyContext {
  let n = 0;
  return { now: 2_000, newId: () => `id${++n}`, isPresent: (sub) => present.includes(sub) };
}
