// Messages between a browser (or any client) and the SFU, and the party -> SFU control API.
// The browser opens `ws(s)://<sfu>/ws?token=<room token, aud "sfu">`; the token's `room` is the SFU
// room (`s_<spaceId>` or `c_<callId>`) and its `sub` the peer. Every frame is one JSON object.
// Client -> SFU: requests with a numeric `id`; the SFU answers `{type:"response", id, data}` or
// `{type:"error", id, code, message}` (and an error changes nothing).
// SFU -> client: notifications without `id`.
// mediasoup's own parameter objects are checked here for shape and size only; mediasoup checks
// their meaning and a refusal comes back as a `bad_request` error.
//
// A client's flow (mediasoup-client):
//  1. getRouterRtpCapabilities -> device.load().
//  2. createTransport{recv} -> device.createRecvTransport(); its `connect` event -> connectTransport.
//  3. consume{device.rtpCapabilities}: the SFU then sends `newConsumer` for every producer, now and
//     later -> recvTransport.consume(...) -> consumerReady (consumers start paused on the SFU).
//  4. On stage: createTransport{send}; its `produce` event -> produce{appData:{source:"mic"}}.
//  5. ICE failed -> restartIce -> transport.restartIce(). `reconnect` -> close both transports and
//     redo 2-4 with the same loaded device (the router's capabilities do not change).
import { z } from "zod";
import type { CallRoomRequest } from "./call.ts";

/** SFU room name: `s_<spaceId>` for a Space, `c_<callId>` for a 1:1 call. */
export const SfuRoomName = z.string().regex(/^[sc]_[A-Za-z0-9_-]{1,62}$/);

/** What an SFU room name names: a Space or a call, and its id; undefined for any other name. */
export function parseSfuRoom(name: string): { kind: "space" | "call"; id: string } | undefined {
  if (!SfuRoomName.safeParse(name).success) return undefined;
  return { kind: name[0] === "s" ? "space" : "call", id: name.slice(2) };
}
/** Peer identity, from the token: `u:<userId>` or `a:<anonymous id>`. */
export const PeerSub = z.string().regex(/^(u|a):[A-Za-z0-9_-]{4,64}$/);

const Id = z.string().min(1).max(64);
const Json = z.record(z.unknown());
const Str = z.string().max(256);

const RtcpFeedback = z.object({ type: Str, parameter: Str.optional() });
const CodecCapability = z.object({
  kind: z.enum(["audio", "video"]),
  mimeType: Str,
  preferredPayloadType: z.number().int().optional(),
  clockRate: z.number().int(),
  channels: z.number().int().optional(),
  parameters: Json.optional(),
  rtcpFeedback: z.array(RtcpFeedback).max(16).optional(),
});
const HeaderExtensionCapability = z.object({
  kind: z.enum(["audio", "video"]),
  uri: Str,
  preferredId: z.number().int(),
  preferredEncrypt: z.boolean().optional(),
  direction: Str.optional(),
});
/** A device's receive capabilities (mediasoup-client `device.rtpCapabilities`). */
export const RtpCapabilities = z.object({
  codecs: z.array(CodecCapability).max(64).optional(),
  headerExtensions: z.array(HeaderExtensionCapability).max(32).optional(),
});

const CodecParameters = z.object({
  mimeType: Str,
  payloadType: z.number().int(),
  clockRate: z.number().int(),
  channels: z.number().int().optional(),
  parameters: Json.optional(),
  rtcpFeedback: z.array(RtcpFeedback).max(16).optional(),
});
const Encoding = z.object({
  ssrc: z.number().int().optional(),
  rid: Str.optional(),
  codecPayloadType: z.number().int().optional(),
  rtx: z.object({ ssrc: z.number().int() }).optional(),
  dtx: z.boolean().optional(),
  scalabilityMode: Str.optional(),
  scaleResolutionDownBy: z.number().optional(),
  maxBitrate: z.number().optional(),
  maxFramerate: z.number().optional(),
  adaptivePtime: z.boolean().optional(),
  priority: Str.optional(),
  networkPriority: Str.optional(),
});
/** What a producer sends (mediasoup-client passes it in the transport's `produce` event). */
export const RtpParameters = z.object({
  mid: Str.optional(),
  codecs: z.array(CodecParameters).min(1).max(16),
  headerExtensions: z
    .array(z.object({ uri: Str, id: z.number().int(), encrypt: z.boolean().optional(), parameters: Json.optional() }))
    .max(32)
    .optional(),
  encodings: z.array(Encoding).max(8).optional(),
  rtcp: z.object({ cname: Str.optional(), reducedSize: z.boolean().optional(), mux: z.boolean().optional() }).optional(),
});
/** The client's DTLS role and certificate fingerprints. */
export const DtlsParameters = z.object({
  role: z.enum(["auto", "client", "server"]).optional(),
  fingerprints: z.array(z.object({ algorithm: Str, value: z.string().max(256) })).min(1).max(8),
});

/** Which device a producer comes from: audio is always `mic`, video always `camera`. */
export const MediaSource = z.enum(["mic", "camera"]);
export type MediaSource = z.infer<typeof MediaSource>;

const ReqId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** Every request a client may send; `id` is echoed in the answer. */
export const SfuRequest = z.discriminatedUnion("type", [
  /** The router's codecs, to load a mediasoup-client Device. */
  z.object({ type: z.literal("getRouterRtpCapabilities"), id: ReqId }),
  /** A WebRTC transport for sending (speakers) or receiving (everyone). */
  z.object({ type: z.literal("createTransport"), id: ReqId, direction: z.enum(["send", "recv"]) }),
  /** Completes DTLS on a transport (mediasoup-client's `connect` event). */
  z.object({ type: z.literal("connectTransport"), id: ReqId, transportId: Id, dtlsParameters: DtlsParameters }),
  /** New ICE credentials after the client saw ICE fail. */
  z.object({ type: z.literal("restartIce"), id: ReqId, transportId: Id }),
  /** Starts sending; in a Space needs a current speaking grant from the room. */
  z.object({
    type: z.literal("produce"),
    id: ReqId,
    transportId: Id,
    kind: z.enum(["audio", "video"]),
    rtpParameters: RtpParameters,
    appData: z.object({ source: MediaSource }),
  }),
  z.object({ type: z.literal("closeProducer"), id: ReqId, producerId: Id }),
  /** Self mute. */
  z.object({ type: z.literal("pauseProducer"), id: ReqId, producerId: Id }),
  /** Self unmute; refused while the room has the peer muted. */
  z.object({ type: z.literal("resumeProducer"), id: ReqId, producerId: Id }),
  /** "I can receive": the SFU then sends `newConsumer` for every producer, now and later. */
  z.object({ type: z.literal("consume"), id: ReqId, rtpCapabilities: RtpCapabilities }),
  /**
   * The client has set up the consumer from `newConsumer`; the SFU resumes it, unless `paused`
   * (a video tile not on screen, a hidden page, "audio only"): then it stays paused until
   * `resumeConsumer`.
   */
  z.object({ type: z.literal("consumerReady"), id: ReqId, consumerId: Id, paused: z.boolean().optional() }),
  /** Stop receiving this consumer (a tile scrolled away, the page hidden, "audio only"). */
  z.object({ type: z.literal("pauseConsumer"), id: ReqId, consumerId: Id }),
  /** Receive it again (the SFU asks the sender for a key frame). */
  z.object({ type: z.literal("resumeConsumer"), id: ReqId, consumerId: Id }),
  /**
   * The simulcast layer that fits the tile: spatial 0 is the smallest. A layer the producer does
   * not have is refused (`bad_request`); changes are rate-limited per peer.
   */
  z.object({
    type: z.literal("setConsumerLayers"),
    id: ReqId,
    consumerId: Id,
    spatialLayer: z.number().int().min(0).max(7),
    temporalLayer: z.number().int().min(0).max(7).optional(),
  }),
]);
export type SfuRequest = z.infer<typeof SfuRequest>;
/** The name of each request, e.g. `"produce"`. */
export type SfuRequestType = SfuRequest["type"];

/** ICE candidates are the SFU's own addresses only: peers never learn each other's. */
export type IceCandidate = {
  foundation: string;
  priority: number;
  ip: string;
  protocol: "udp" | "tcp";
  port: number;
  type: "host";
  tcpType?: "passive";
};
/** What `createTransport` answers: mediasoup-client's transport options, with `transportId` as `id`. */
export type TransportInfo = {
  transportId: string;
  iceParameters: { usernameFragment: string; password: string; iceLite?: boolean };
  iceCandidates: IceCandidate[];
  dtlsParameters: z.infer<typeof DtlsParameters>;
};

/** The `data` of a successful response, per request type. */
export type SfuResponseData = {
  getRouterRtpCapabilities: { rtpCapabilities: z.infer<typeof RtpCapabilities> };
  createTransport: TransportInfo;
  connectTransport: Record<string, never>;
  restartIce: { iceParameters: TransportInfo["iceParameters"] };
  produce: { producerId: string; paused: boolean };
  closeProducer: Record<string, never>;
  pauseProducer: Record<string, never>;
  resumeProducer: Record<string, never>;
  consume: Record<string, never>;
  consumerReady: Record<string, never>;
  pauseConsumer: Record<string, never>;
  resumeConsumer: Record<string, never>;
  setConsumerLayers: Record<string, never>;
};

/** Why a request was refused. */
export const SfuErrorCode = z.enum([
  "bad_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "rate_limited",
  "room_full",
  "unavailable",
  "internal",
]);
export type SfuErrorCode = z.infer<typeof SfuErrorCode>;

/** Everything the SFU sends on the socket. */
export type SfuServerMessage =
  | { [K in SfuRequestType]: { type: "response"; id: number; data: SfuResponseData[K] } }[SfuRequestType]
  | { type: "error"; id: number | null; code: SfuErrorCode; message: string }
  | SfuNotification;

/** Notifications (no `id`). */
export type SfuNotification =
  /** A producer to receive; create the consumer paused, then send `consumerReady`. */
  | {
    type: "newConsumer";
    consumerId: string;
    producerId: string;
    sub: string;
    kind: "audio" | "video";
    source: MediaSource;
    rtpParameters: z.infer<typeof RtpParameters>;
    producerPaused: boolean;
    /** Video: how many spatial and temporal layers the producer sends (simulcast or SVC). */
    layers?: { spatial: number; temporal: number };
  }
  /** A producer is gone (speaker left the stage, closed it, or was removed). */
  | { type: "producerClosed"; producerId: string; sub: string }
  /** A producer went silent: `by: "server"` when the room muted its peer, `"self"` for a self mute. */
  | { type: "producerPaused"; producerId: string; sub: string; by: "server" | "self" }
  | { type: "producerResumed"; producerId: string; sub: string }
  /** This peer's own rights changed (Spaces only). */
  | { type: "grantChanged"; canSpeak: boolean; muted: boolean; video: boolean }
  /** Who is speaking now (loudest first), with levels in dBov; sent when it changes. */
  | { type: "speaking"; subs: string[]; levels: number[] }
  /** The SFU lost this peer's media (a worker died): build fresh transports, produce and consume again. */
  | { type: "reconnect"; reason: string };

// ---- Control API (party -> SFU), signed: contracts in internal_api.ts ----

/** `POST /control/grant`: what the Space room decided about one peer. Stale `seq` is ignored. */
export const GrantRequest = z.object({
  room: SfuRoomName.refine((r) => r.startsWith("s_"), "grants apply to Space rooms (s_...)"),
  sub: PeerSub,
  canSpeak: z.boolean(),
  muted: z.boolean(),
  /** May this person be in the Space's media at all; false closes the peer (code `removed`). */
  admitted: z.boolean(),
  /**
   * May this person send a camera: on stage and the Space allows video. False closes their video
   * producers at once (the audio stays).
   */
  video: z.boolean(),
  /** The room's grant counter: increases per room, so a lower one than last applied is stale. */
  seq: z.number().int(),
});
export type GrantRequest = z.infer<typeof GrantRequest>;

/**
 * `POST /control/recording`: the host turned recording on or off. The origin SFU taps the
 * microphone of everyone the room granted audio into the Space's recording folder
 * (recording_files.ts); it also reads `recording` in each getGrant answer, so it heals after its
 * own restart.
 */
export const RecordingRequest = z.object({
  room: SfuRoomName.refine((r) => r.startsWith("s_"), "only Spaces (s_...) are recorded"),
  on: z.boolean(),
});
export type RecordingRequest = z.infer<typeof RecordingRequest>;

/** `POST /control/close`: ends a room's media at once (all peers disconnected). */
export const CloseRoomRequest = z.object({ room: SfuRoomName });
export type CloseRoomRequest = z.infer<typeof CloseRoomRequest>;

/**
 * SFU -> party pull, `POST <party>/parties/space/<spaceId>`, signed: asked before a socket to a
 * Space room is accepted unless a grant was pushed or pulled in the last 5 minutes.
 */
export const GetGrantRequest = z.object({ type: z.literal("getGrant"), sub: PeerSub });
export type GetGrantRequest = z.infer<typeof GetGrantRequest>;
/** The party's answer to `getGrant`; `admitted` is false for removed or blocked people and once the Space ended. */
export const GetGrantResponse = z.object({
  canSpeak: z.boolean(),
  muted: z.boolean(),
  admitted: z.boolean(),
  video: z.boolean(),
  seq: z.number().int(),
  /** The Space has ended (then nobody is admitted): lets the web say "ended", not "removed". */
  ended: z.boolean().optional(),
  /** The Space is being recorded now (an SFU that restarted resumes its taps from this). */
  recording: z.boolean().optional(),
});
export type GetGrantResponse = z.infer<typeof GetGrantResponse>;

/**
 * SFU -> party pull for a call room `c_<callId>`: `POST <party>/parties/call/<callId>` with the
 * signed body `{type:"state"}` (lib/protocol/call.ts#CallRoomRequest), at every upgrade. The SFU
 * admits only the caller and the callee, only while the call's status is `accepted`.
 */
export type CallStateRequest = Extract<CallRoomRequest, { type: "state" }>;

/** WebSocket close codes the SFU uses (besides 1009, message too big, and 1011, the SFU failed). */
export const SfuCloseCode = {
  /** The same peer connected again; the older socket is closed. */
  replaced: 4000,
  /** The room was closed by the control API (the Space or the call ended). */
  roomClosed: 4001,
  /** The room removed or blocked this person: their media is gone and they may not come back. */
  removed: 4003,
  /** Too many requests for too long. */
  rateLimited: 4008,
  /** A call room already has its two peers. */
  roomFull: 4009,
  /** Standard code: the SFU is stopping (SIGTERM/SIGINT); the Space goes on, connect again. */
  serviceRestart: 1012,
} as const;
