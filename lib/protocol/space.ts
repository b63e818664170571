// The live Space protocol: every message between a browser and its Space room (party/space/room.ts).
// Both sides import this file, so it imports nothing runtime-specific (Deno, workerd, Node).
// Identity and role never travel in a command: the room derives them from the room token.
// Command objects are strict, so a command carrying an extra field such as `role` is refused.
// Longer than 300 lines on purpose: one schema per message of the Space protocol, the file both
// sides import.
import { z } from "zod";
import { hasVisibleText } from "./text.ts";
import { CaptionEventShape, CaptionsInfo } from "./captions.ts";

/** A subject: `u:<userId>` for an account, `a:<random>` for an anonymous listener. */
export const Sub = z.string().regex(/^(u|a):[A-Za-z0-9_-]{4,64}$/, "not a valid person id");
export type Sub = z.infer<typeof Sub>;
/** A subject that must be an account (stage, cohost, invites). */
export const AccountSub = z.string().regex(
  /^u:[A-Za-z0-9_-]{4,64}$/,
  "must be a signed-in person (u:...)",
);

/** Roles in a Space; `listener` is everyone not on stage. */
export const Role = z.enum(["host", "cohost", "speaker", "listener"]);
export type Role = z.infer<typeof Role>;
/** Roles that sit on stage. */
export const StageRole = z.enum(["host", "cohost", "speaker"]);
export type StageRole = z.infer<typeof StageRole>;

/** The reactions a Space accepts, shown as a brief burst. */
export const REACTIONS = ["💯", "✋", "✊", "✌️", "👋", "😂", "❤️"] as const;
export const Reaction = z.enum(REACTIONS);
export type Reaction = z.infer<typeof Reaction>;

/** Limits every side agrees on. */
export const SPACE_LIMITS = {
  titleMax: 70,
  commentMax: 280,
  cohostsMax: 2,
  /** Speakers besides the host and co-hosts. */
  speakersMax: 10,
  /** Host + 2 co-hosts + 10 speakers. */
  stageMax: 13,
  /** Comments kept for the snapshot a new listener receives. */
  recentComments: 30,
  reportReasonMax: 500,
} as const;

/** Lifecycle of a Space. */
export const SpaceStatus = z.enum(["scheduled", "live", "ended"]);
export type SpaceStatus = z.infer<typeof SpaceStatus>;

/** A person as shown to others. */
export const Person = z.object({
  sub: Sub,
  handle: z.string().max(15).optional(),
  name: z.string().max(50).optional(),
});
export type Person = z.infer<typeof Person>;

/** Somebody on stage with their role and microphone state (as the room enforces it). */
export const StageMember = Person.extend({
  role: StageRole,
  muted: z.boolean(),
  /** Whether they have a connection open to the room right now. */
  present: z.boolean(),
});
export type StageMember = z.infer<typeof StageMember>;

/** A raised hand waiting for a host or co-host. */
export const Hand = Person.extend({ at: z.number() });
export type Hand = z.infer<typeof Hand>;

/** A comment in the Space. */
export const Comment = Person.extend({
  id: z.string(),
  text: z.string().max(SPACE_LIMITS.commentMax),
  at: z.number(),
});
export type Comment = z.infer<typeof Comment>;

/** What a host or co-host pinned for everybody: a comment or a link. */
export const Pin = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("comment"), comment: Comment, by: Sub }),
  z.object({ kind: z.literal("url"), url: z.string().url(), by: Sub }),
]);
export type Pin = z.infer<typeof Pin>;

/**
 * Text people write for others to read, trimmed, 1 to `max` characters, of which at least one
 * shows: a run of zero-width spaces or Hangul fillers is refused like an empty text.
 */
export const visibleText = (max: number, what: string) =>
  z.string().trim().min(1, `${what} is empty`).max(max).refine(
    hasVisibleText,
    `${what} has no visible characters`,
  );

/** Optional correlation id a client puts on a command; echoed in the error it causes. */
const ref = z.string().max(64).optional();
const cmd = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ref, ...shape }).strict();
const target = { sub: Sub };
const httpUrl = z.string().max(2048).url().refine(
  (u) => /^https?:\/\//i.test(u),
  "only http(s) links can be pinned",
);

const SpaceCommandUnion = z.discriminatedUnion("type", [
  /** A signed-in listener raises a hand to ask to speak. */
  cmd("requestToSpeak", {}),
  /** Lowers one's own raised hand. */
  cmd("cancelRequest", {}),
  /** Host/co-host brings a person with a raised hand on stage (muted). */
  cmd("acceptRequest", target),
  /** Host/co-host lowers someone's raised hand without bringing them up. */
  cmd("dismissRequest", target),
  /** Host/co-host invites a signed-in listener to speak; they must accept. */
  cmd("inviteToSpeak", target),
  /** The invited person accepts and comes on stage (muted). */
  cmd("acceptInvite", {}),
  /** The invited person declines. */
  cmd("declineInvite", {}),
  /** A stage member mutes their own microphone. */
  cmd("muteSelf", {}),
  /** A stage member unmutes their own microphone; nobody can unmute someone else. */
  cmd("unmuteSelf", {}),
  /** Host/co-host mutes a stage member. */
  cmd("mute", target),
  /** Host/co-host mutes every other stage member. */
  cmd("muteAll", {}),
  /** A speaker or co-host goes back to the audience. */
  cmd("leaveStage", {}),
  /** Host/co-host moves a speaker back to the audience (only the host moves a co-host). */
  cmd("moveToAudience", target),
  /** Host makes a speaker a co-host (at most 2). */
  cmd("addCohost", target),
  /** Host makes a co-host a plain speaker again. */
  cmd("removeCohost", target),
  /** Host/co-host removes a person from the Space for good (a ban by person). */
  cmd("remove", target),
  /** Anyone, signed in or not, sends a reaction. */
  cmd("react", { emoji: Reaction }),
  /**
   * Anyone says whether their own audio is reconnecting (lost path) or back; the room counts
   * them for the host. Only ever about the sender's own connection: it names nobody.
   */
  cmd("mediaState", { reconnecting: z.boolean() }),
  /** A signed-in person comments (1-280 characters). */
  cmd("comment", {
    text: visibleText(SPACE_LIMITS.commentMax, "comment"),
  }),
  /** Host/co-host pins a recent comment (by id) or a link for everybody. */
  cmd("pin", { commentId: z.string().max(64).optional(), url: httpUrl.optional() }),
  /** Host/co-host removes the pin. */
  cmd("unpin", {}),
  /** A signed-in person reports a person or the Space for review. */
  cmd("report", {
    target: z.union([
      z.object({ sub: Sub }).strict(),
      z.object({ space: z.literal(true) }).strict(),
    ]),
    reason: z.string().trim().min(1, "say what is wrong").max(SPACE_LIMITS.reportReasonMax).refine(
      hasVisibleText,
      "say what is wrong (the reason has no visible characters)",
    ),
  }),
  /**
   * Host/co-host allows or stops video in the Space: off closes every camera on the SFU and
   * everyone's tiles go back to avatars.
   */
  cmd("setVideo", { allowed: z.boolean() }),
  /**
   * Host only: records the Space from now on (people on stage, never listeners) or stops; on
   * again continues the same recording. Everybody sees the REC mark while it is on.
   */
  cmd("setRecording", { on: z.boolean() }),
  /** Host only: live captions on or off for everyone (the room stops sending them when off). */
  cmd("setCaptions", { on: z.boolean() }),
  /** Host moves a scheduled Space to live. */
  cmd("start", {}),
  /** Host ends the Space for everyone. */
  cmd("end", {}),
]);
/** Everything a browser may send to its Space room. */
export const SpaceCommand = SpaceCommandUnion.superRefine((c, ctx) => {
  if (c.type === "pin" && (c.commentId === undefined) === (c.url === undefined)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: "pin needs exactly one of commentId or url",
    });
  }
});
export type SpaceCommand = z.infer<typeof SpaceCommandUnion>;
export type SpaceCommandType = SpaceCommand["type"];
/** Every command type, for tables and exhaustive tests. */
export const SPACE_COMMAND_TYPES = SpaceCommandUnion.options.map((o) => o.shape.type.value) as SpaceCommandType[];

/** Why a command was refused; the message says what to do. */
export const SpaceErrorCode = z.enum([
  "bad_message", // not valid protocol: nothing changed
  "forbidden", // your role does not allow this
  "sign_in_required", // anonymous listeners can only react
  "not_live", // the Space is scheduled, not started
  "ended", // the Space has ended
  "stage_full", // 13 on stage already
  "cohosts_full", // 2 co-hosts already
  "not_found", // no such person, hand, invite or comment here
  "conflict", // already in that state
  "rate_limited", // too many messages: slow down
  "removed", // you were removed from this Space
]);
export type SpaceErrorCode = z.infer<typeof SpaceErrorCode>;

/** Who is looking at the snapshot, as the room sees them. */
export const You = Person.extend({
  role: Role,
  anonymous: z.boolean(),
  handRaised: z.boolean(),
  invited: z.boolean(),
});
export type You = z.infer<typeof You>;

/** The public part of a Space, shared by the sync event and the HTTP snapshot. */
export const SpaceInfo = z.object({
  id: z.string(),
  title: z.string(),
  status: SpaceStatus,
  host: Person,
  scheduledFor: z.number().optional(),
  startedAt: z.number().optional(),
  endedAt: z.number().optional(),
  /** People on stage may turn their cameras on (the host and co-hosts decide; off by default). */
  videoAllowed: z.boolean(),
  /** The Space is being recorded right now (the REC mark everybody sees; the host switches it). */
  recording: z.boolean(),
  /** Live captions: on, turned off by the host, or not offered for the Space's language. */
  captions: CaptionsInfo.optional(),
});
export type SpaceInfo = z.infer<typeof SpaceInfo>;

const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...shape });
const LeaveReason = z.enum(["disconnected", "removed", "blocked"]);

/** How many listeners' faces the room sends with the count: a phone's first screenful and some. */
export const LISTENER_SAMPLE = 24;

/** Everything a Space room sends to a browser: one `sync` on connect, deltas after. */
export const SpaceEvent = z.discriminatedUnion("type", [
  /** The full state as this connection may see it; replaces whatever the client had. */
  ev("sync", {
    you: You,
    space: SpaceInfo,
    stage: z.array(StageMember),
    hands: z.array(Hand),
    invited: z.array(Sub),
    listenerCount: z.number().int(),
    /** People whose audio is reconnecting now (they said so: mediaState), here and on the shards. */
    reconnecting: z.number().int().nonnegative().optional(),
    /** Some of the signed-in listeners, to show as faces (at most LISTENER_SAMPLE). */
    listeners: z.array(Person).max(LISTENER_SAMPLE).optional(),
    pinned: Pin.nullable(),
    comments: z.array(Comment),
  }),
  /** A stage member connected (listeners are only counted, see listenerCount). */
  ev("participantJoined", { participant: StageMember }),
  /**
   * A stage member disconnected (stays on stage, absent), or someone was removed or blocked
   * (gone from the stage, the hands and the invitations).
   */
  ev("participantLeft", { sub: Sub, reason: LeaveReason }),
  /** Someone's role changed; `listener` means they left the stage. */
  ev("roleChanged", { person: Person, role: Role, muted: z.boolean(), by: Sub }),
  /** A stage member was muted (by themself or a host/co-host). */
  ev("muted", { sub: Sub, by: Sub }),
  /** A stage member unmuted themself. */
  ev("unmuted", { sub: Sub }),
  /** A hand went up. */
  ev("handRaised", { hand: Hand }),
  /** A hand went down. */
  ev("handLowered", { sub: Sub, reason: z.enum(["cancelled", "accepted", "dismissed"]) }),
  /** A host/co-host invited someone to speak. */
  ev("invited", { sub: Sub, by: Sub }),
  /** The invited person answered (accepting also produces roleChanged). */
  ev("inviteAnswered", { sub: Sub, accepted: z.boolean() }),
  /** A reaction, to show as a burst. */
  ev("reaction", { sub: Sub, emoji: Reaction }),
  /** Listeners' reactions of one kind, summed by their audience shard (at most every 250 ms). */
  ev("reactionBurst", { emoji: Reaction, count: z.number().int().positive() }),
  /** A new comment. */
  ev("comment", { comment: Comment }),
  /** A line of live captions: a partial is replaced by the next line with its `id`, then the final. */
  ev("caption", CaptionEventShape),
  /** A pin was set or replaced. */
  ev("pinned", { pin: Pin }),
  /** The pin was removed. */
  ev("unpinned", { by: Sub }),
  /** How many people listen (not on stage); coalesced, at most about twice a second. */
  ev("listenerCount", {
    count: z.number().int(),
    listeners: z.array(Person).max(LISTENER_SAMPLE).optional(),
    /** People whose audio is reconnecting now (the host's "who can't hear" row). */
    reconnecting: z.number().int().nonnegative().optional(),
  }),
  /** The host edited the Space (title, video allowed, recording, or time while scheduled). */
  ev("spaceUpdated", { space: SpaceInfo }),
  /** The Space went live. */
  ev("started", { startedAt: z.number() }),
  /** The Space ended; the room closes the connection after this. */
  ev("ended", { endedAt: z.number() }),
  /** Sent only to a removed person before the room closes their connection. */
  ev("removed", { message: z.string() }),
  /** The room stored your report. */
  ev("reported", { reportId: z.string(), ref }),
  /** Your command was refused; nothing changed. */
  ev("error", { code: SpaceErrorCode, message: z.string(), ref }),
]);
export type SpaceEvent = z.infer<typeof SpaceEvent>;
export type SpaceEventOf<T extends SpaceEvent["type"]> = Extract<SpaceEvent, { type: T }>;

/** WebSocket close codes the Space room uses, with the reason string it sends. */
export const SPACE_CLOSE = {
  /** Over MAX_MESSAGE_BYTES (standard "message too big"). */
  tooBig: 1009,
  /** Kept flooding after being told to slow down (standard "policy violation"). */
  flood: 1008,
  /** The Space ended. */
  ended: 4000,
  /** The token was refused in the room (normally refused before the upgrade, with HTTP 401). */
  badToken: 4001,
  /** No Space with this id exists in the room (never created). */
  notFound: 4004,
  /** Removed from this Space, or kept out by the host's blocks. */
  removed: 4003,
  /** Too many connections for one person. */
  tooManyConnections: 4029,
} as const;
