// The state of one Space room, and read-only views of it (snapshots, roles, grants).
// Pure: no I/O, no clock, no randomness, so the reducer and its tests share it.
import { captionsInfo } from "./captions.ts";
import type {
  Comment,
  Hand,
  Person,
  Pin,
  Role,
  SpaceErrorCode,
  SpaceEvent,
  SpaceInfo,
  SpaceStatus,
  StageRole,
} from "../../lib/protocol/space.ts";
import type { PublicStageMember, SpacePublicSnapshot, SpaceReport } from "../../lib/protocol/space_http.ts";

/** A stage seat as stored; presence is not stored (connections do not survive a restart). */
export interface StageSeat extends Person {
  role: StageRole;
  muted: boolean;
}

/** Co-hosts and speakers named before the Space started, seated when live and connected. */
export interface PlannedSeat extends Person {
  role: "cohost" | "speaker";
}

export interface SpaceState {
  id: string;
  title: string;
  status: SpaceStatus;
  host: Person;
  scheduledFor?: number;
  startedAt?: number;
  endedAt?: number;
  /** Host first, in the order people came up. */
  stage: StageSeat[];
  planned: PlannedSeat[];
  /** Raised hands, oldest first. */
  hands: Hand[];
  /** Subs invited to speak who have not answered yet. */
  invited: string[];
  /** Removed people, by sub: a ban that every future token for them meets. */
  banned: Record<string, { at: number; by: string }>;
  /** The host's account blocks, as last sent by the web. */
  blocked: string[];
  pinned: Pin | null;
  /** The most recent comments, oldest first, for a newcomer's snapshot and for pinning by id. */
  comments: Comment[];
  /** Grant counter sent to the SFU; only ever increases. */
  seq: number;
  /** People on stage may send a camera (the host and co-hosts switch it; absent in old rooms: off). */
  videoAllowed?: boolean;
  /** The host records the Space now (absent in old rooms: off). */
  recording?: boolean;
  /** The Space's language (the directory's), which picks the caption model; absent in old rooms. */
  lang?: string;
  /** The host turned live captions off (absent: on). */
  captionsOff?: boolean;
  /** What the SFU said about captioning the language (captions.ts). */
  captionsStatus?: { lang: string; available: boolean; why?: string };
}

/** Who sends a command: always taken from the verified token, never from the message. */
export interface Actor extends Person {}

/** What an actor is in this room; `anonymous` and `removed` are refinements of listener. */
export type ActorKind = Role | "anonymous" | "removed";

/** Where an event goes: everybody, or every connection of one person. */
export type Delivery = { to: "all"; event: SpaceEvent } | {
  to: "sub";
  sub: string;
  event: SpaceEvent;
};

/** A change of someone's right to speak or to be in the media at all, for the SFU. */
export interface Grant extends MediaRights {
  sub: string;
  seq: number;
}

/** What a successful command did. */
export interface Applied {
  ok: true;
  state: SpaceState;
  out: Delivery[];
  grants: Grant[];
  /** Set when the command was a report: the server stores and forwards it. */
  report?: SpaceReport;
}

/** Why a command was refused; nothing changed. */
export interface Refused {
  ok: false;
  code: SpaceErrorCode;
  message: string;
}

export type ApplyResult = Applied | Refused;

/** Inputs the reducer must not make up itself, so that it stays pure and testable. */
export interface ApplyContext {
  now: number;
  newId(): string;
  /** Whether the person has a connection open (to seat pre-named speakers on start). */
  isPresent(sub: string): boolean;
}

/** What one command handler returns before grants are derived. */
export type Step = { state: SpaceState; out: Delivery[]; report?: SpaceReport };
export type StepResult = Step | Refused;
/**
 * What a room commits: a step, never an already committed result (whose grants and `seq` would be
 * derived twice). The room's commit derives the grants (reducer.ts#commit).
 */
export type Committable = Step & { grants?: never };

export const MODS_ONLY = "Only the host or a co-host can do that.";
/** An event for everybody in the room. */
export const all = (event: SpaceEvent): Delivery => ({ to: "all", event });

export const refuse = (code: SpaceErrorCode, message: string): Refused => ({
  ok: false,
  code,
  message,
});

export const isAnonymous = (sub: string) => sub.startsWith("a:");
export const isBanned = (s: SpaceState, sub: string) => Object.hasOwn(s.banned, sub);
export const isBlocked = (s: SpaceState, sub: string) => s.blocked.includes(sub);
export const seatOf = (s: SpaceState, sub: string) => s.stage.find((m) => m.sub === sub);
export const handOf = (s: SpaceState, sub: string) => s.hands.find((h) => h.sub === sub);

/**
 * Whether a person has a part to play, so connects to the Space room itself rather than to an
 * audience shard: the host, people on stage, raised hands, the invited, those named ahead.
 */
export function hasPart(s: SpaceState, sub: string): boolean {
  return s.host.sub === sub || !!seatOf(s, sub) || !!handOf(s, sub) || s.invited.includes(sub) ||
    s.planned.some((p) => p.sub === sub);
}

export function kindOf(s: SpaceState, sub: string): ActorKind {
  if (isBanned(s, sub) || isBlocked(s, sub)) return "removed";
  const seat = seatOf(s, sub);
  if (seat) return seat.role;
  return isAnonymous(sub) ? "anonymous" : "listener";
}

export const isModerator = (k: ActorKind) => k === "host" || k === "cohost";
export const person = (p: Person): Person => ({
  sub: p.sub,
  ...(p.handle !== undefined && { handle: p.handle }),
  ...(p.name !== undefined && { name: p.name }),
});

/** What the SFU enforces for one person: speak, server mute, and whether they may be there at all. */
export interface MediaRights {
  canSpeak: boolean;
  muted: boolean;
  /** False for removed and blocked people: the SFU closes their media and refuses them. */
  admitted: boolean;
  /** May send a camera: on stage while live, and the Space allows video. */
  video: boolean;
}

/** Anyone the room has no particular word about: may listen, may not speak. */
const LISTENER: MediaRights = { canSpeak: false, muted: true, admitted: true, video: false };
const REMOVED: MediaRights = { canSpeak: false, muted: true, admitted: false, video: false };

/** One person's rights, from the stage, the bans and the blocks, so the SFU and the room cannot drift. */
export function rightsOf(s: SpaceState, sub: string): MediaRights {
  if (isBanned(s, sub) || isBlocked(s, sub)) return REMOVED;
  const seat = seatOf(s, sub);
  if (!seat) return LISTENER;
  const live = s.status === "live";
  return { canSpeak: live, muted: seat.muted, admitted: true, video: live && s.videoAllowed === true };
}

/**
 * The rights of everyone the room has a word about (the stage, the removed, the blocked); anyone
 * else has the listener's. An ended Space's people stay admitted here: its media is closed as a
 * whole (close code roomClosed), not person by person as if each had been removed.
 */
export function speakRights(s: SpaceState): Map<string, MediaRights> {
  const rights = new Map<string, MediaRights>();
  for (const sub of [...s.stage.map((m) => m.sub), ...Object.keys(s.banned), ...s.blocked]) {
    rights.set(sub, rightsOf(s, sub));
  }
  return rights;
}

/** Grants for everyone whose rights differ between two states; bumps `seq`. */
export function diffGrants(
  before: SpaceState,
  after: SpaceState,
): { state: SpaceState; grants: Grant[] } {
  const was = speakRights(before);
  const now = speakRights(after);
  const grants: Grant[] = [];
  let seq = after.seq;
  for (const sub of new Set([...was.keys(), ...now.keys()])) {
    const a = was.get(sub) ?? LISTENER;
    const b = now.get(sub) ?? LISTENER;
    if (a.canSpeak !== b.canSpeak || a.muted !== b.muted || a.admitted !== b.admitted || a.video !== b.video) {
      grants.push({ sub, ...b, seq: ++seq });
    }
  }
  return { state: grants.length ? { ...after, seq } : after, grants };
}

/** What the SFU should enforce for one person right now (its `getGrant` pull); nobody is admitted once ended. */
export function grantFor(s: SpaceState, sub: string): MediaRights & { seq: number; ended: boolean } {
  const r = rightsOf(s, sub);
  const ended = s.status === "ended";
  return { ...r, admitted: r.admitted && !ended, seq: s.seq, ended };
}

export function spaceInfo(s: SpaceState): SpaceInfo {
  return {
    id: s.id,
    title: s.title,
    status: s.status,
    host: s.host,
    ...(s.scheduledFor !== undefined && { scheduledFor: s.scheduledFor }),
    ...(s.startedAt !== undefined && { startedAt: s.startedAt }),
    ...(s.endedAt !== undefined && { endedAt: s.endedAt }),
    videoAllowed: s.videoAllowed === true,
    recording: s.recording === true,
    captions: captionsInfo(s),
  };
}

export const publicStage = (s: SpaceState): PublicStageMember[] =>
  s.stage.map((m) => ({ ...person(m), role: m.role, muted: m.muted }));

export function publicSnapshot(s: SpaceState, listenerCount: number): SpacePublicSnapshot {
  return { space: spaceInfo(s), stage: publicStage(s), listenerCount, pinned: s.pinned };
}

/** The `sync` event for one connection. */
export function syncFor(
  s: SpaceState,
  viewer: Actor,
  listenerCount: number,
  isPresent: (sub: string) => boolean,
  listeners?: Person[],
): SpaceEvent {
  const k = kindOf(s, viewer.sub);
  return {
    type: "sync",
    you: {
      ...person(viewer),
      role: k === "anonymous" || k === "removed" ? "listener" : k,
      anonymous: isAnonymous(viewer.sub),
      handRaised: !!handOf(s, viewer.sub),
      invited: s.invited.includes(viewer.sub),
    },
    space: spaceInfo(s),
    stage: s.stage.map((m) => ({ ...m, present: isPresent(m.sub) })),
    hands: s.hands,
    invited: s.invited,
    listenerCount,
    ...(listeners && { listeners }),
    pinned: s.pinned,
    comments: s.comments,
  };
}
