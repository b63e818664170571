// The signalling socket between a browser (or any client) and the SFU, re-exported by sfu.ts.
// The browser opens `ws(s)://<sfu>/ws?token=<room token, aud "sfu">`; the token's `room` is the SFU
// room (`s_<spaceId>` or `c_<callId>`) and its `sub` the peer. Every frame is one JSON object.
// Client -> SFU: requests with a numeric `id`; the SFU answers `{type:"response", id, data}` or
// `{type:"error", id, code, message}` (and an error changes nothing).
// SFU -> client: notifications without `id`.
// Each request is one entry of `SfuMethods` (mediasoup-demo's request map): its schema and the
// schema of its answer's `data`, so that an answer's type follows from the request's name and
// both ends check the same shapes (the SFU each request, the browser each answer and notification).
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
// Fewer round trips: a socket opened with `&welcome=recv` (or `=caps`) gets, unasked and before any
// answer, a `welcome` notification with the router's capabilities (1.) and a receive transport
// (2.), so the client's first request can be `consume`. `&welcome=listen` brings the same and then,
// without waiting for `consume`, a `newConsumer` for every audio producer (3., for audio), made for
// the capabilities every WebRTC browser has for Opus (the router's own); the client's `consume`
// then adds what needs its real capabilities (video) and everything produced after it. A page may
// open that socket before its scripts load (lib/server/spaces/early_media.ts) and hand it to the
// media code when it starts. `&welcome=talk` (a call: both people send) brings what `listen` does
// and a send transport too (4.'s createTransport), so the microphone goes on air a round trip
// sooner; producing still needs the right to (a grant in a Space, a call's two people). A call's
// pages connect and send while it rings; the SFU holds it all (producers paused) until the call
// room says answered, which a page's `callAnswered` (or `consume`, or `produce`) makes it ask.
// Longer than 300 lines on purpose: one request map, each request beside its answer schema.
import { z } from "zod";

const Id = z.string().min(1).max(64);
const Json = z.record(z.unknown());
const Str = z.string().max(256);

/** Builds an object schema: requests drop fields they do not name; the SFU's answers keep them. */
type ObjectSchema = <S extends z.ZodRawShape>(shape: S) => z.ZodObject<S>;

/**
 * mediasoup's parameter objects. What the browser receives from the SFU it hands to
 * mediasoup-client as it came, so there fields these schemas do not name (a newer mediasoup's)
 * are kept, not dropped: the same shapes, built with `obj`.
 */
function mediaSchemas(obj: ObjectSchema) {
  const RtcpFeedback = obj({ type: Str, parameter: Str.optional() });
  const CodecCapability = obj({
    kind: z.enum(["audio", "video"]),
    mimeType: Str,
    preferredPayloadType: z.number().int().optional(),
    clockRate: z.number().int(),
    channels: z.number().int().optional(),
    parameters: Json.optional(),
    rtcpFeedback: z.array(RtcpFeedback).max(16).optional(),
  });
  const HeaderExtensionCapability = obj({
    kind: z.enum(["audio", "video"]),
    uri: Str,
    preferredId: z.number().int(),
    preferredEncrypt: z.boolean().optional(),
    direction: Str.optional(),
  });
  const RtpCapabilities = obj({
    codecs: z.array(CodecCapability).max(64).optional(),
    headerExtensions: z.array(HeaderExtensionCapability).max(32).optional(),
  });
  const CodecParameters = obj({
    mimeType: Str,
    payloadType: z.number().int(),
    clockRate: z.number().int(),
    channels: z.number().int().optional(),
    parameters: Json.optional(),
    rtcpFeedback: z.array(RtcpFeedback).max(16).optional(),
  });
  const Encoding = obj({
    ssrc: z.number().int().optional(),
    rid: Str.optional(),
    codecPayloadType: z.number().int().optional(),
    rtx: obj({ ssrc: z.number().int() }).optional(),
    dtx: z.boolean().optional(),
    scalabilityMode: Str.optional(),
    scaleResolutionDownBy: z.number().optional(),
    maxBitrate: z.number().optional(),
    maxFramerate: z.number().optional(),
    adaptivePtime: z.boolean().optional(),
    priority: Str.optional(),
    networkPriority: Str.optional(),
  });
  const RtpParameters = obj({
    mid: Str.optional(),
    codecs: z.array(CodecParameters).min(1).max(16),
    headerExtensions: z
      .array(obj({ uri: Str, id: z.number().int(), encrypt: z.boolean().optional(), parameters: Json.optional() }))
      .max(32)
      .optional(),
    encodings: z.array(Encoding).max(8).optional(),
    rtcp: obj({ cname: Str.optional(), reducedSize: z.boolean().optional(), mux: z.boolean().optional() }).optional(),
  });
  const DtlsParameters = obj({
    role: z.enum(["auto", "client", "server"]).optional(),
    fingerprints: z.array(obj({ algorithm: Str, value: z.string().max(256) })).min(1).max(8),
  });
  return { RtpCapabilities, RtpParameters, DtlsParameters };
}

/** An object schema that keeps the fields it does not name; its type stays the plain object's (no index signature), so that the SFU's mediasoup objects fit it. */
const Kept: ObjectSchema = (shape) => z.object(shape).passthrough() as unknown as z.ZodObject<typeof shape>;
const sent = mediaSchemas(z.object);
const kept = mediaSchemas(Kept);

/** A device's receive capabilities (mediasoup-client `device.rtpCapabilities`). */
export const RtpCapabilities = sent.RtpCapabilities;
/** What a producer sends (mediasoup-client passes it in the transport's `produce` event). */
export const RtpParameters = sent.RtpParameters;
/** The client's DTLS role and certificate fingerprints. */
export const DtlsParameters = sent.DtlsParameters;

/** Which device a producer comes from: audio is always `mic`, video always `camera`. */
export const MediaSource = z.enum(["mic", "camera"]);
export type MediaSource = z.infer<typeof MediaSource>;

const ReqId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/**
 * ICE candidates are the SFU's own addresses only: peers never learn each other's. mediasoup 3.12
 * names the address `ip`, later versions `address`: one of them is there.
 */
export const IceCandidate = Kept({
  foundation: z.string(),
  priority: z.number(),
  ip: z.string().optional(),
  address: z.string().optional(),
  protocol: z.enum(["udp", "tcp"]),
  port: z.number().int(),
  type: z.literal("host"),
  tcpType: z.literal("passive").optional(),
}).refine((c) => c.ip !== undefined || c.address !== undefined, "a candidate without its address");
export type IceCandidate = z.infer<typeof IceCandidate>;
const IceParameters = Kept({ usernameFragment: z.string(), password: z.string(), iceLite: z.boolean().optional() });
/** What `createTransport` answers: mediasoup-client's transport options, with `transportId` as `id`. */
export const TransportInfo = z.object({
  transportId: Id,
  iceParameters: IceParameters,
  iceCandidates: z.array(IceCandidate),
  dtlsParameters: kept.DtlsParameters,
});
export type TransportInfo = z.infer<typeof TransportInfo>;

/** An answer with nothing in it: the request was done. */
const Done = z.object({});
const request = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), id: ReqId, ...shape });

/** Every request a client may send, by name: its schema (`id` is echoed in the answer) and its answer's `data`. */
export const SfuMethods = {
  /** The router's codecs, to load a mediasoup-client Device. */
  getRouterRtpCapabilities: {
    request: request("getRouterRtpCapabilities", {}),
    answer: z.object({ rtpCapabilities: kept.RtpCapabilities }),
  },
  /** A WebRTC transport for sending (speakers) or receiving (everyone). */
  createTransport: {
    request: request("createTransport", { direction: z.enum(["send", "recv"]) }),
    answer: TransportInfo,
  },
  /** Completes DTLS on a transport (mediasoup-client's `connect` event). */
  connectTransport: {
    request: request("connectTransport", { transportId: Id, dtlsParameters: DtlsParameters }),
    answer: Done,
  },
  /** New ICE credentials after the client saw ICE fail. */
  restartIce: {
    request: request("restartIce", { transportId: Id }),
    answer: z.object({ iceParameters: IceParameters }),
  },
  /** Starts sending; in a Space needs a current speaking grant from the room. */
  produce: {
    request: request("produce", {
      transportId: Id,
      kind: z.enum(["audio", "video"]),
      rtpParameters: RtpParameters,
      appData: z.object({ source: MediaSource }),
    }),
    answer: z.object({ producerId: Id, paused: z.boolean() }),
  },
  closeProducer: { request: request("closeProducer", { producerId: Id }), answer: Done },
  /** Self mute. */
  pauseProducer: { request: request("pauseProducer", { producerId: Id }), answer: Done },
  /** Self unmute; refused while the room has the peer muted. */
  resumeProducer: { request: request("resumeProducer", { producerId: Id }), answer: Done },
  /**
   * A call's page saw the call answered: the SFU asks the call room and, if so, lets flow what it
   * held while the call rang (every producer is paused there until then). Refused in a Space.
   */
  callAnswered: { request: request("callAnswered", {}), answer: Done },
  /** "I can receive": the SFU then sends `newConsumer` for every producer, now and later. */
  consume: { request: request("consume", { rtpCapabilities: RtpCapabilities }), answer: Done },
  /**
   * The client has set up the consumer from `newConsumer`; the SFU resumes it, unless `paused`
   * (a video tile not on screen, a hidden page, "audio only"): then it stays paused until
   * `resumeConsumer`.
   */
  consumerReady: {
    request: request("consumerReady", { consumerId: Id, paused: z.boolean().optional() }),
    answer: Done,
  },
  /** Stop receiving this consumer (a tile scrolled away, the page hidden, "audio only"). */
  pauseConsumer: { request: request("pauseConsumer", { consumerId: Id }), answer: Done },
  /** Receive it again (the SFU asks the sender for a key frame). */
  resumeConsumer: { request: request("resumeConsumer", { consumerId: Id }), answer: Done },
  /**
   * The simulcast layer that fits the tile: spatial 0 is the smallest. A layer the producer does
   * not have is refused (`bad_request`); changes are rate-limited per peer.
   */
  setConsumerLayers: {
    request: request("setConsumerLayers", {
      consumerId: Id,
      spatialLayer: z.number().int().min(0).max(7),
      temporalLayer: z.number().int().min(0).max(7).optional(),
    }),
    answer: Done,
  },
};
const m = SfuMethods;

/** Every request a client may send; `id` is echoed in the answer. */
export const SfuRequest = z.discriminatedUnion("type", [
  m.getRouterRtpCapabilities.request,
  m.createTransport.request,
  m.connectTransport.request,
  m.restartIce.request,
  m.produce.request,
  m.closeProducer.request,
  m.pauseProducer.request,
  m.resumeProducer.request,
  m.consume.request,
  m.callAnswered.request,
  m.consumerReady.request,
  m.pauseConsumer.request,
  m.resumeConsumer.request,
  m.setConsumerLayers.request,
]);
export type SfuRequest = z.infer<typeof SfuRequest>;
/** The name of each request, e.g. `"produce"`. */
export type SfuRequestType = keyof typeof SfuMethods;

/** The `data` of a successful response, per request type. */
export type SfuResponseData = { [K in SfuRequestType]: z.infer<(typeof SfuMethods)[K]["answer"]> };

/** Each request's answer schema, indexed so that a request name `T` gives `T`'s own answer type. */
const answers: {
  readonly [K in SfuRequestType]: { readonly answer: z.ZodType<SfuResponseData[K], z.ZodTypeDef, unknown> };
} = SfuMethods;
/** Parses the `data` of the SFU's answer to a `type` request. */
export function parseSfuAnswer<T extends SfuRequestType>(
  type: T,
  data: unknown,
): z.SafeParseReturnType<unknown, SfuResponseData[T]> {
  return answers[type].answer.safeParse(data);
}

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

/** The SFU's answer to a request, before its `data` is parsed by the request's own schema. */
export const SfuReply = z.discriminatedUnion("type", [
  z.object({ type: z.literal("response"), id: z.number(), data: z.unknown() }),
  /** `id` is null when the frame was not a request at all. */
  z.object({ type: z.literal("error"), id: z.number().nullable(), code: SfuErrorCode, message: z.string() }),
]);
export type SfuReply = z.infer<typeof SfuReply>;

/** A peer as the SFU names it (`u:<userId>`, `a:<anonymous id>`). */
const Sub = z.string();

/** Notifications (no `id`). */
export const SfuNotification = z.discriminatedUnion("type", [
  /** A producer to receive; create the consumer paused, then send `consumerReady`. */
  z.object({
    type: z.literal("newConsumer"),
    consumerId: Id,
    producerId: Id,
    sub: Sub,
    kind: z.enum(["audio", "video"]),
    source: MediaSource,
    rtpParameters: kept.RtpParameters,
    producerPaused: z.boolean(),
    /** Video: how many spatial and temporal layers the producer sends (simulcast or SVC). */
    layers: z.object({ spatial: z.number().int(), temporal: z.number().int() }).optional(),
  }),
  /** A producer is gone (speaker left the stage, closed it, or was removed). */
  z.object({ type: z.literal("producerClosed"), producerId: Id, sub: Sub }),
  /** A producer went silent: `by: "server"` when the room muted its peer, `"self"` for a self mute. */
  z.object({ type: z.literal("producerPaused"), producerId: Id, sub: Sub, by: z.enum(["server", "self"]) }),
  z.object({ type: z.literal("producerResumed"), producerId: Id, sub: Sub }),
  /** This peer's own rights changed (Spaces only). */
  z.object({ type: z.literal("grantChanged"), canSpeak: z.boolean(), muted: z.boolean(), video: z.boolean() }),
  /** Who is speaking now (loudest first), with levels in dBov; sent when it changes. */
  z.object({ type: z.literal("speaking"), subs: z.array(Sub), levels: z.array(z.number()) }),
  /**
   * First on a socket opened with `welcome`: the router's capabilities and, for `welcome=recv`, a
   * receive transport made for this socket (steps 1 and 2 of the flow above, unasked); for
   * `welcome=talk` a send transport too.
   */
  z.object({
    type: z.literal("welcome"),
    rtpCapabilities: kept.RtpCapabilities,
    recv: TransportInfo.optional(),
    send: TransportInfo.optional(),
  }),
  /** The SFU lost this peer's media (a worker died): build fresh transports, produce and consume again. */
  z.object({ type: z.literal("reconnect"), reason: z.string() }),
]);
export type SfuNotification = z.infer<typeof SfuNotification>;

export { SFU_WELCOME_MODES, sfuSocketUrl, type SfuWelcomeMode } from "./sfu_url.ts";

/** Everything the SFU sends on the socket. */
export type SfuServerMessage =
  | { [K in SfuRequestType]: { type: "response"; id: number; data: SfuResponseData[K] } }[SfuRequestType]
  | { type: "error"; id: number | null; code: SfuErrorCode; message: string }
  | SfuNotification;
