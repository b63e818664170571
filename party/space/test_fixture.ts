// A Space in full swing for reducer tests: one person of every role, a raised hand, a comment.
import type { SpaceCommand, SpaceErrorCode } from "../../lib/protocol/space.ts";
import { createSpace } from "./lifecycle.ts";
import type { Actor, ApplyContext, SpaceState } from "./state.ts";

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
    {
      type: "init",
      spaceId: "sp1",
      title: "Morning talk",
      host: P.host,
      cohosts: [],
      speakers: [],
      blockedSubs: [],
    },
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

type Cell = "ok" | SpaceErrorCode;
type Row = [
  host: Cell,
  cohost: Cell,
  speaker: Cell,
  listener: Cell,
  anonymous: Cell,
  removed: Cell,
];
const SIR = "sign_in_required";
const RM = "removed";

/** Sets up what a command needs of its sender (a raised hand to cancel, an invitation to accept...). */
type Prepare = (s: SpaceState, me: string) => SpaceState;
const offStage = (s: SpaceState, me: string) => !s.stage.some((m) => m.sub === me);
const raiseMyHand: Prepare = (s, me) => offStage(s, me) ? { ...s, hands: [...s.hands, { sub: me, at: 1 }] } : s;
const inviteMe: Prepare = (s, me) => offStage(s, me) ? { ...s, invited: [...s.invited, me] } : s;
const muteMe: Prepare = (s, me) => ({
  ...s,
  stage: s.stage.map((m) => m.sub === me ? { ...m, muted: true } : m),
});

/** Every command, what it needs set up, and what each role gets: "ok" or the error code. */
export const TABLE: Record<
  SpaceCommand["type"],
  { cmd: SpaceCommand; prepare?: Prepare; row: Row }
> = {
  requestToSpeak: {
    cmd: { type: "requestToSpeak" },
    row: ["conflict", "conflict", "conflict", "ok", SIR, RM],
  },
  cancelRequest: {
    cmd: { type: "cancelRequest" },
    prepare: raiseMyHand,
    row: ["not_found", "not_found", "not_found", "ok", SIR, RM],
  },
  acceptRequest: {
    cmd: { type: "acceptRequest", sub: P.handUp.sub },
    row: ["ok", "ok", "forbidden", "forbidden", SIR, RM],
  },
  dismissRequest: {
    cmd: { type: "dismissRequest", sub: P.handUp.sub },
    row: ["ok", "ok", "forbidden", "forbidden", SIR, RM],
  },
  inviteToSpeak: {
    cmd: { type: "inviteToSpeak", sub: P.guest.sub },
    row: ["ok", "ok", "forbidden", "forbidden", SIR, RM],
  },
  acceptInvite: {
    cmd: { type: "acceptInvite" },
    prepare: inviteMe,
    row: ["not_found", "not_found", "not_found", "ok", SIR, RM],
  },
  declineInvite: {
    cmd: { type: "declineInvite" },
    prepare: inviteMe,
    row: ["not_found", "not_found", "not_found", "ok", SIR, RM],
  },
  muteSelf: { cmd: { type: "muteSelf" }, row: ["ok", "ok", "ok", "forbidden", SIR, RM] },
  unmuteSelf: {
    cmd: { type: "unmuteSelf" },
    prepare: muteMe,
    row: ["ok", "ok", "ok", "forbidden", SIR, RM],
  },
  mute: {
    cmd: { type: "mute", sub: P.speaker2.sub },
    row: ["ok", "ok", "forbidden", "forbidden", SIR, RM],
  },
  muteAll: { cmd: { type: "muteAll" }, row: ["ok", "ok", "forbidden", "forbidden", SIR, RM] },
  setVideo: {
    cmd: { type: "setVideo", allowed: true },
    row: ["ok", "ok", "forbidden", "forbidden", SIR, RM],
  },
  setRecording: {
    cmd: { type: "setRecording", on: true },
    row: ["ok", "forbidden", "forbidden", "forbidden", SIR, RM],
  },
  setCaptions: {
    cmd: { type: "setCaptions", on: false },
    row: ["ok", "forbidden", "forbidden", "forbidden", SIR, RM],
  },
  leaveStage: { cmd: { type: "leaveStage" }, row: ["forbidden", "ok", "ok", "forbidden", SIR, RM] },
  moveToAudience: {
    cmd: { type: "moveToAudience", sub: P.speaker2.sub },
    row: ["ok", "ok", "forbidden", "forbidden", SIR, RM],
  },
  addCohost: {
    cmd: { type: "addCohost", sub: P.speaker2.sub },
    row: ["ok", "forbidden", "forbidden", "forbidden", SIR, RM],
  },
  removeCohost: {
    cmd: { type: "removeCohost", sub: P.cohost.sub },
    row: ["ok", "forbidden", "forbidden", "forbidden", SIR, RM],
  },
  remove: {
    cmd: { type: "remove", sub: P.guest.sub },
    row: ["ok", "ok", "forbidden", "forbidden", SIR, RM],
  },
  react: { cmd: { type: "react", emoji: "💯" }, row: ["ok", "ok", "ok", "ok", "ok", RM] },
  // Never the reducer's: the room and the shards keep it on the sender's connection.
  mediaState: {
    cmd: { type: "mediaState", reconnecting: true },
    row: ["bad_message", "bad_message", "bad_message", "bad_message", SIR, RM],
  },
  comment: { cmd: { type: "comment", text: "nice" }, row: ["ok", "ok", "ok", "ok", SIR, RM] },
  pin: {
    cmd: { type: "pin", commentId: "c1" },
    row: ["ok", "ok", "forbidden", "forbidden", SIR, RM],
  },
  unpin: {
    cmd: { type: "unpin" },
    prepare: (s) => ({
      ...s,
      pinned: { kind: "url", url: "https://example.org/", by: P.host.sub },
    }),
    row: ["ok", "ok", "forbidden", "forbidden", SIR, RM],
  },
  report: {
    cmd: { type: "report", target: { sub: P.speaker2.sub }, reason: "spam" },
    row: ["ok", "ok", "ok", "ok", SIR, RM],
  },
  start: {
    cmd: { type: "start" },
    prepare: (s) => ({ ...s, status: "scheduled", startedAt: undefined, scheduledFor: 5_000 }),
    row: ["ok", "forbidden", "forbidden", "forbidden", SIR, RM],
  },
  end: { cmd: { type: "end" }, row: ["ok", "forbidden", "forbidden", "forbidden", SIR, RM] },
};
