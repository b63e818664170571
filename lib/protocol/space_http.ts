// Server-to-server messages around a Space room: web -> room, SFU -> room, room -> web and SFU.
// Every POST in both directions is signed with the server secret (signed_client.ts and
// signed_reader.ts, by the contracts of internal_api.ts); the room answers an unsigned or forged
// request with 401.
// Imports nothing runtime-specific, so Deno, workerd and Node all load it.
import { z } from "zod";
import { CAPTION_TEXT_MAX, CaptionLineRequest, CaptionsStatusRequest } from "./captions.ts";
import {
  AccountSub,
  Person,
  Pin,
  Reaction,
  SPACE_LIMITS,
  SpaceInfo,
  SpaceStatus,
  StageRole,
  Sub,
  visibleText,
} from "./space.ts";

/** A person named by the web: must be an account, with the handle and name to show. */
export const NamedPerson = Person.extend({ sub: AccountSub });
export type NamedPerson = z.infer<typeof NamedPerson>;

/** The most blocked accounts the web may pass for one host. */
export const MAX_BLOCKED_SUBS = 2000;
const BlockedSubs = z.array(AccountSub).max(MAX_BLOCKED_SUBS);

/** Requests the web (and the SFU, for getGrant) POST to `/parties/space/<spaceId>`. */
export const SpaceRoomRequest = z.discriminatedUnion("type", [
  /** Creates the Space in its room; idempotent (a second init changes nothing). */
  z.object({
    type: z.literal("init"),
    spaceId: z.string().min(1).max(64),
    title: visibleText(SPACE_LIMITS.titleMax, "title"),
    host: NamedPerson,
    /** Co-hosts named in advance, placed on stage when the Space is live and they connect. */
    cohosts: z.array(NamedPerson).max(SPACE_LIMITS.cohostsMax).default([]),
    /** Speakers named in advance, placed on stage when the Space is live and they connect. */
    speakers: z.array(NamedPerson).max(SPACE_LIMITS.speakersMax).default([]),
    /** The host's account blocks: these people cannot join. */
    blockedSubs: BlockedSubs.default([]),
    /** When set (ms since epoch), the Space starts as `scheduled`; otherwise it is live at once. */
    scheduledFor: z.number().int().optional(),
    /** People on stage may turn their cameras on (the host can change it while live). */
    allowVideo: z.boolean().default(false),
    /** Recorded from its start (the host can turn it off and on while live). */
    record: z.boolean().default(false),
    /** The Space's language (the directory's), which picks the caption model. */
    lang: z.string().max(10).optional(),
  }),
  /** Moves a scheduled Space to live (the host pressed start on the web). */
  z.object({ type: z.literal("start") }),
  /**
   * Edits a Space: the title at any time before it ends; the time and the pre-named co-hosts and
   * speakers only while it is scheduled (409 otherwise). Omitted fields stay as they are.
   */
  z.object({
    type: z.literal("update"),
    title: visibleText(SPACE_LIMITS.titleMax, "title").optional(),
    scheduledFor: z.number().int().optional(),
    cohosts: z.array(NamedPerson).max(SPACE_LIMITS.cohostsMax).optional(),
    speakers: z.array(NamedPerson).max(SPACE_LIMITS.speakersMax).optional(),
    allowVideo: z.boolean().optional(),
  }),
  /** Replaces the host's block list; blocked people present are put out. */
  z.object({ type: z.literal("updateBlocks"), blockedSubs: BlockedSubs }),
  /** Ends the Space (the host ended it on the web, or cancelled a scheduled one). */
  z.object({ type: z.literal("end") }),
  /** The SFU asks whether a person may send audio now. */
  z.object({ type: z.literal("getGrant"), sub: Sub }),
  /** The SFU: a speaker's words, and whether the Space's language can be captioned. */
  CaptionLineRequest,
  CaptionsStatusRequest,
]);
export type SpaceRoomRequest = z.infer<typeof SpaceRoomRequest>;
/** What a sender may write (defaulted lists such as `cohosts` can be left out). */
export type SpaceRoomRequestInput = z.input<typeof SpaceRoomRequest>;

/** A stage entry as seen from outside the room (no presence). */
export const PublicStageMember = Person.extend({ role: StageRole, muted: z.boolean() });
export type PublicStageMember = z.infer<typeof PublicStageMember>;

/** Signed GET `/parties/space/<spaceId>` (spaceSnapshot): what the Space page server-renders. */
export const SpacePublicSnapshot = z.object({
  space: SpaceInfo,
  stage: z.array(PublicStageMember),
  listenerCount: z.number().int(),
  pinned: Pin.nullable(),
});
export type SpacePublicSnapshot = z.infer<typeof SpacePublicSnapshot>;

/** Answer to init/start/update/updateBlocks/end: the snapshot after the change. */
export const SpaceRoomOk = z.object({ ok: z.literal(true), snapshot: SpacePublicSnapshot });
/** Any refused HTTP request: 400 bad input, 401 unsigned, 404 no such Space, 409 wrong state. */
export const SpaceRoomError = z.object({
  ok: z.literal(false),
  code: z.string(),
  message: z.string(),
});

/** The SFU room name for a Space. */
export const sfuRoomName = (spaceId: string) => `s_${spaceId}`;

// Room -> SFU (grants, recording, close) is in sfu.ts (GrantRequest, RecordingRequest,
// CloseRoomRequest); every endpoint's contract is in internal_api.ts.

/** Room -> web, signed POST `${SPAZIO_WEB_URL}/api/internal/spaces/<id>/state` (coalesced). */
export const SpaceStatePush = z.object({
  status: SpaceStatus,
  title: z.string(),
  listenerCount: z.number().int().nonnegative(),
  stage: z.array(PublicStageMember).max(SPACE_LIMITS.stageMax),
  /** The host records the Space now: the web opens its recording (RecordingService.start). */
  recording: z.boolean().optional(),
  /** When the recording first turned on (room clock, ms): the zero of its timeline and tracks. */
  recordingStartedAt: z.number().int().optional(),
});
export type SpaceStatePush = z.infer<typeof SpaceStatePush>;

/** A report as the room stores it and POSTs (signed) to `${SPAZIO_WEB_URL}/api/internal/reports`. */
export const SpaceReport = z.object({
  id: z.string().min(1).max(64),
  spaceId: z.string().min(1).max(64),
  by: Person,
  target: z.union([z.object({ sub: Sub }), z.object({ space: z.literal(true) })]),
  reason: z.string().max(SPACE_LIMITS.reportReasonMax),
  at: z.number(),
});
export type SpaceReport = z.infer<typeof SpaceReport>;

/** Most entries of each kind the room keeps of one recording (the oldest go first). */
export const TIMELINE_LIMITS = {
  stage: 2_000,
  comments: 5_000,
  reactions: 20_000,
  pins: 1_000,
  captions: 10_000,
} as const;

/**
 * Signed GET `/parties/space/<id>?timeline`: what the room kept while the Space was recorded, in
 * wall-clock ms (room clock). The web joins it with the SFU's speaking intervals into a Timeline
 * (lib/protocol/recording_timeline.ts) when the Space ends.
 */
export const RoomTimeline = z.object({
  /** When recording first turned on. */
  startedAt: z.number(),
  /** Everyone named below, as they were shown. */
  people: z.array(Person),
  stage: z.array(z.object({ sub: Sub, role: StageRole, from: z.number(), to: z.number().optional() })).max(
    TIMELINE_LIMITS.stage + SPACE_LIMITS.stageMax,
  ),
  comments: z.array(z.object({ id: z.string(), sub: Sub, text: z.string(), at: z.number() })).max(
    TIMELINE_LIMITS.comments,
  ),
  reactions: z.array(z.object({ emoji: Reaction, count: z.number().int().positive(), at: z.number() })).max(
    TIMELINE_LIMITS.reactions,
  ),
  pins: z.array(z.object({ at: z.number(), pin: Pin.nullable() })).max(TIMELINE_LIMITS.pins),
  /** Final caption lines: what each speaker said from `from` to `to` (rooms before captions kept none). */
  captions: z.array(z.object({ sub: Sub, text: z.string().max(CAPTION_TEXT_MAX), from: z.number(), to: z.number() }))
    .max(TIMELINE_LIMITS.captions).default([]),
});
export type RoomTimeline = z.infer<typeof RoomTimeline>;
