// Every internal (server-to-server) endpoint of Spazio as a contract (contract.ts): web -> Space
// room, call room and inbox; room -> web; room -> SFU control; SFU -> room; SFU <-> SFU; Space
// room <-> its audience shards. Every request is signed with the server secret
// (signed_client.ts sends, signed_reader.ts reads). The schemas are the ones of space_http.ts,
// sfu.ts, sfu_edge.ts, call.ts, dm.ts and space_audience.ts; this file only says which goes where.
// Imports nothing runtime-specific: Deno, workerd and Node all load it.
// Longer than 300 lines on purpose: one file lists every contract, so one look shows what crosses
// which boundary (and INTERNAL_CONTRACTS below needs them all).
import { z } from "zod";
import { CaptionLineRequest, CaptionsRequest, CaptionsStatusRequest } from "./captions.ts";
import { CallReport, CallRoomRequest, CallView } from "./call.ts";
import { Ack, contract, type MessagesOf, NoBody, seg } from "./contract.ts";
import { InboxDelivered, InboxRequest } from "./dm.ts";
import { CloseRoomRequest, GetGrantRequest, GetGrantResponse, GrantRequest, RecordingRequest } from "./sfu.ts";
import { SfuHealth } from "./sfu_health.ts";
import {
  PipeEvent,
  PipeLinkRequest,
  PipeOpenRequest,
  PipeOpenResponse,
  RelayedClose,
  RelayedGrant,
} from "./sfu_edge.ts";
import { SpaceErrorCode } from "./space.ts";
import { audienceRoomId, JoinPlan, RoomToShard, ShardToRoom, ShardWelcome } from "./space_audience.ts";
import {
  RoomTimeline,
  SpacePublicSnapshot,
  SpaceReport,
  SpaceRoomOk,
  SpaceRoomRequest,
  SpaceStatePush,
} from "./space_http.ts";

type SpaceParams = { spaceId: string };
const spacePath = (p: SpaceParams) => `/parties/space/${seg(p.spaceId)}`;

// ---- web -> Space room (and SFU -> Space room, shard -> Space room): POST /parties/space/<id> ----

/** The web creates, starts, edits, re-blocks or ends a Space; the answer is the snapshot after. */
export const spaceRoomChange = contract({
  name: "spaceRoomChange",
  method: "POST",
  path: spacePath,
  // getGrant has a contract of its own (spaceGetGrant): its answer is not a snapshot.
  request: SpaceRoomRequest.refine((r) => r.type !== "getGrant", "getGrant goes by spaceGetGrant"),
  answer: SpaceRoomOk,
});

/** The Space room's answer to getGrant: the person's rights, and where their connection goes. */
export const SpaceGrantAnswer = GetGrantResponse.extend(JoinPlan.shape);
export type SpaceGrantAnswer = z.infer<typeof SpaceGrantAnswer>;

/** The SFU (before admitting a socket) and the web (before a join) ask for one person's grant. */
export const spaceGetGrant = contract({
  name: "spaceGetGrant",
  method: "POST",
  path: spacePath,
  request: GetGrantRequest,
  answer: SpaceGrantAnswer,
});

/** The SFU: a line of live captions, or whether the Space's language can be captioned (captions.ts). */
export const spaceCaption = contract({
  name: "spaceCaption",
  method: "POST",
  path: spacePath,
  request: z.discriminatedUnion("type", [CaptionLineRequest, CaptionsStatusRequest]),
  answer: Ack,
});

/**
 * Signed GET: the public snapshot the Space page server-renders (404 `not_found` for a Space the
 * room does not know). Signed like every internal call: the rooms are reachable from anywhere
 * (`/parties/*`), and an unsigned GET to a made-up id would wake a room and leave its storage.
 */
export const spaceSnapshot = contract({
  name: "spaceSnapshot",
  method: "GET",
  path: spacePath,
  request: NoBody,
  answer: SpacePublicSnapshot,
});

/** Signed GET `?reports`: the reports the room stored, for moderators. */
export const spaceReports = contract({
  name: "spaceReports",
  method: "GET",
  path: (p: SpaceParams) => `${spacePath(p)}?reports`,
  request: NoBody,
  answer: z.object({ ok: z.literal(true), reports: z.array(SpaceReport) }),
});

/** Signed GET `?timeline`: what the room kept while the Space was recorded (404 `not_recorded`). */
export const spaceTimeline = contract({
  name: "spaceTimeline",
  method: "GET",
  path: (p: SpaceParams) => `${spacePath(p)}?timeline`,
  request: NoBody,
  answer: RoomTimeline,
});

const ShardHello = ShardToRoom.options[0];
const ShardCommand = ShardToRoom.options[1];
const ShardReport = ShardToRoom.options[2];

/** A shard's first word; the room answers the Space as a listener sees it. */
export const shardHello = contract({
  name: "shardHello",
  method: "POST",
  path: spacePath,
  request: ShardHello,
  answer: ShardWelcome,
});

/** The reducer's refusal of a listener's command, answered with 200 (the request itself was fine). */
export const CommandRefused = z.object({
  ok: z.literal(false),
  code: SpaceErrorCode,
  message: z.string().max(2_000),
});

/** A listener's command, decided by the room as that listener. */
export const shardCommand = contract({
  name: "shardCommand",
  method: "POST",
  path: spacePath,
  request: ShardCommand,
  answer: z.union([Ack, CommandRefused]),
});

/** A shard's listener count, some faces and summed reactions. */
export const shardReport = contract({
  name: "shardReport",
  method: "POST",
  path: spacePath,
  request: ShardReport,
  answer: Ack,
});

/**
 * What the Space room's POST reads: every request kind above in one union (the receiver's side of
 * spaceRoomChange, spaceGetGrant, shardHello, shardCommand and shardReport).
 */
export const spaceRoomInbound = contract({
  name: "spaceRoomInbound",
  method: "POST",
  path: spacePath,
  request: z.discriminatedUnion("type", [...SpaceRoomRequest.options, ...ShardToRoom.options]),
  answer: z.unknown(),
});

// ---- Space room -> audience shard ----

/** Deltas in order, to one shard `<spaceId>.<n>`. */
export const roomToShard = contract({
  name: "roomToShard",
  method: "POST",
  path: (p: { spaceId: string; shard: number }) => `/parties/audience/${seg(audienceRoomId(p.spaceId, p.shard))}`,
  request: RoomToShard,
  answer: Ack,
});

// ---- web (and SFU) -> call room, web -> inbox ----

/** The call room's answer to init, end and state: the call as it is now. */
export const CallRoomAnswer = z.object({ ok: z.literal(true), call: CallView });

/** The web creates or ends a call, or asks its state; the SFU asks its state at every upgrade. */
export const callRoom = contract({
  name: "callRoom",
  method: "POST",
  path: (p: { callId: string }) => `/parties/call/${seg(p.callId)}`,
  request: CallRoomRequest,
  answer: CallRoomAnswer,
});

/** Events for every open tab of a person. */
export const inboxDeliver = contract({
  name: "inboxDeliver",
  method: "POST",
  path: (p: { userId: string }) => `/parties/user/${seg(p.userId)}`,
  request: InboxRequest,
  answer: InboxDelivered,
});

// ---- rooms -> web ----

/** The Space room keeps the web's directory copy current (coalesced). */
export const spaceStatePush = contract({
  name: "spaceStatePush",
  method: "POST",
  path: (p: SpaceParams) => `/api/internal/spaces/${seg(p.spaceId)}/state`,
  request: SpaceStatePush,
  answer: Ack,
});

/** A stored report, for review on the web. */
export const spaceReport = contract({
  name: "spaceReport",
  method: "POST",
  path: () => "/api/internal/reports",
  request: SpaceReport,
  answer: Ack,
});

/** The call room reports every status change. */
export const callReport = contract({
  name: "callReport",
  method: "POST",
  path: (p: { callId: string }) => `/api/internal/calls/${seg(p.callId)}`,
  request: CallReport,
  answer: Ack,
});

// ---- rooms -> SFU control ----

/** A grant as the SFU applies it; `applied`: newer than the one held. */
export const GrantApplied = z.object({ ok: z.literal(true), applied: z.boolean().optional() });

/** What the Space room decided about one peer. */
export const sfuGrant = contract({
  name: "sfuGrant",
  method: "POST",
  path: () => "/control/grant",
  request: GrantRequest,
  answer: GrantApplied,
});

/** The host turned recording on or off (only Spaces are recorded). */
export const sfuRecording = contract({
  name: "sfuRecording",
  method: "POST",
  path: () => "/control/recording",
  request: RecordingRequest,
  answer: Ack,
});

/** Caption a Space's speakers in a language, or stop (lib/protocol/captions.ts). */
export const sfuCaptions = contract({
  name: "sfuCaptions",
  method: "POST",
  path: () => "/control/captions",
  request: CaptionsRequest,
  answer: Ack,
});

/** The Space or the call ended: its media room closes. */
export const sfuClose = contract({
  name: "sfuClose",
  method: "POST",
  path: () => "/control/close",
  request: CloseRoomRequest,
  answer: Ack,
});

/** Every room and worker of an SFU (its public `/healthz` says only whether it is whole and how loaded). */
export const sfuHealth = contract({
  name: "sfuHealth",
  method: "GET",
  path: () => "/control/health",
  request: NoBody,
  answer: SfuHealth,
});

// ---- SFU <-> SFU (sfu_edge.ts) ----

export const pipeOpen = contract({
  name: "pipeOpen",
  method: "POST",
  path: () => "/internal/pipe/open",
  request: PipeOpenRequest,
  answer: PipeOpenResponse,
});
export const pipeRenew = contract({
  name: "pipeRenew",
  method: "POST",
  path: () => "/internal/pipe/renew",
  request: PipeLinkRequest,
  answer: Ack,
});
export const pipeClose = contract({
  name: "pipeClose",
  method: "POST",
  path: () => "/internal/pipe/close",
  request: PipeLinkRequest,
  answer: Ack,
});
export const pipeEvent = contract({
  name: "pipeEvent",
  method: "POST",
  path: () => "/internal/pipe/event",
  request: PipeEvent,
  answer: Ack,
});
export const relayGrant = contract({
  name: "relayGrant",
  method: "POST",
  path: () => "/internal/grant",
  request: RelayedGrant,
  answer: GrantApplied,
});
export const relayClose = contract({
  name: "relayClose",
  method: "POST",
  path: () => "/internal/close",
  request: RelayedClose,
  answer: Ack,
});

/** Every contract, for tests and for the message map below. */
export const INTERNAL_CONTRACTS = [
  sfuHealth,
  sfuCaptions,
  spaceCaption,
  spaceRoomChange,
  spaceGetGrant,
  spaceSnapshot,
  spaceReports,
  spaceTimeline,
  shardHello,
  shardCommand,
  shardReport,
  spaceRoomInbound,
  roomToShard,
  callRoom,
  inboxDeliver,
  spaceStatePush,
  spaceReport,
  callReport,
  sfuGrant,
  sfuRecording,
  sfuClose,
  pipeOpen,
  pipeRenew,
  pipeClose,
  pipeEvent,
  relayGrant,
  relayClose,
] as const;

/** Per contract name: `{ name, data, responseData }` (mediasoup-demo's protooMessages). */
export type InternalMessages = MessagesOf<(typeof INTERNAL_CONTRACTS)[number]>;
