// Valid messages for every surface the fuzzer attacks: the mutation engine starts from these, so
// that most mutants get past the first checks and reach the validators and the rules behind them.
// One of each type of lib/protocol's unions, and one body per web JSON route.
import { SPACE_COMMAND_TYPES } from "../../lib/protocol/space.ts";
import type { Fixture } from "./fuzz_campaign.ts";

const someone = "u:fuzzsub0001";

const spaceCommand = (type: string): Record<string, unknown> => {
  switch (type) {
    case "acceptRequest":
    case "dismissRequest":
    case "inviteToSpeak":
    case "mute":
    case "moveToAudience":
    case "addCohost":
    case "removeCohost":
    case "remove":
      return { type, sub: someone, ref: "r1" };
    case "react":
      return { type, emoji: "👋" };
    case "comment":
      return { type, text: "hello there", ref: "c1" };
    case "pin":
      return { type, url: "https://example.com/a" };
    case "report":
      return { type, target: { sub: someone }, reason: "spam" };
    default:
      return { type };
  }
};

const rtpCapabilities = {
  codecs: [{
    kind: "audio",
    mimeType: "audio/opus",
    clockRate: 48_000,
    channels: 2,
    preferredPayloadType: 100,
    rtcpFeedback: [{ type: "transport-cc" }],
  }],
  headerExtensions: [{ kind: "audio", uri: "urn:ietf:params:rtp-hdrext:sdes:mid", preferredId: 1 }],
};

export const SEEDS = {
  /** Types a mutant may switch to: not `end`, or the host's mutants would end the Space every few seconds. */
  spaceTypes: SPACE_COMMAND_TYPES.filter((t) => t !== "end") as string[],
  spaceCommands: SPACE_COMMAND_TYPES.map(spaceCommand),
  callTypes: ["accept", "decline", "busy", "cancel", "hangup"],
  callCommands: ["accept", "decline", "busy", "cancel", "hangup"].map((type) => ({ type, ref: "x" })),
  sfuTypes: [
    "getRouterRtpCapabilities",
    "createTransport",
    "connectTransport",
    "restartIce",
    "produce",
    "closeProducer",
    "pauseProducer",
    "resumeProducer",
    "consume",
    "consumerReady",
  ],
  sfuRequests: [
    { type: "getRouterRtpCapabilities", id: 1 },
    { type: "createTransport", id: 2, direction: "recv" },
    { type: "createTransport", id: 3, direction: "send" },
    {
      type: "connectTransport",
      id: 4,
      transportId: "t1",
      dtlsParameters: { role: "client", fingerprints: [{ algorithm: "sha-256", value: "AB:CD:EF" }] },
    },
    { type: "restartIce", id: 5, transportId: "t1" },
    {
      type: "produce",
      id: 6,
      transportId: "t1",
      kind: "audio",
      rtpParameters: {
        mid: "0",
        codecs: [{
          mimeType: "audio/opus",
          payloadType: 100,
          clockRate: 48_000,
          channels: 2,
          parameters: { useinbandfec: 1 },
        }],
        encodings: [{ ssrc: 11_111_111, dtx: true }],
        rtcp: { cname: "x" },
      },
      appData: { source: "mic" },
    },
    { type: "closeProducer", id: 7, producerId: "p1" },
    { type: "pauseProducer", id: 8, producerId: "p1" },
    { type: "resumeProducer", id: 9, producerId: "p1" },
    { type: "consume", id: 10, rtpCapabilities },
    { type: "consumerReady", id: 11, consumerId: "c1" },
  ],
  spaceRoomTypes: ["init", "start", "update", "updateBlocks", "getGrant"],
  spaceRoomRequests: (spaceId: string) => [
    {
      type: "init",
      spaceId,
      title: "A fuzzed Space",
      host: { sub: "u:fuzzhost01", handle: "fuzz", name: "Fuzz" },
      cohosts: [],
      speakers: [],
      blockedSubs: [],
    },
    { type: "start" },
    { type: "update", title: "Renamed", cohosts: [{ sub: someone, handle: "x", name: "X" }] },
    { type: "updateBlocks", blockedSubs: [someone] },
    { type: "getGrant", sub: someone },
    { type: "getGrant", sub: "a:anonymous01" },
  ],
  callRoomRequests: (fx: Fixture) => [
    {
      type: "init",
      callId: fx.callId,
      caller: { sub: `u:${fx.host.user.id}`, handle: fx.host.user.handle, name: "A" },
      callee: { sub: `u:${fx.callee.user.id}`, handle: fx.callee.user.handle, name: "B" },
      video: false,
      ringMs: 30_000,
    },
    { type: "state" },
  ],
  inboxRequests: [
    { type: "deliver", events: [{ type: "pong" }] },
    { type: "deliver", events: [{ type: "read", peerId: "abcd1234" }] },
    {
      type: "deliver",
      events: [{
        type: "dm",
        peer: { id: "abcd1234", handle: "peer", name: "Peer", verified: false },
        entry: { kind: "text", id: "e1", from: "abcd1234", to: "efgh5678", text: "hi", at: 1 },
        unread: 1,
      }],
    },
    { type: "deliver", events: [{ type: "callEnded", callId: "abcdefghij", status: "missed" }] },
  ],
  sfuControl: (spaceId: string) => [
    { room: `s_${spaceId}`, sub: someone, canSpeak: false, muted: true, admitted: true, seq: 1 },
    { room: `s_${spaceId}`, sub: someone, canSpeak: true, muted: false, admitted: false, seq: 2 },
    { room: "s_somewhereelse" },
  ],
  /** Every JSON route of the web, with a body that would succeed for somebody. */
  webRoutes: (fx: Fixture): { method: string; path: string; seed?: unknown }[] => {
    const s = fx.spaceId;
    const h = fx.callee.user.handle;
    return [
      {
        method: "POST",
        path: "/api/spaces",
        seed: { title: "Made by the fuzzer", topics: ["music"], lang: "en", cohosts: [], speakers: [] },
      },
      { method: "PATCH", path: `/api/spaces/${s}`, seed: { title: "Edited" } },
      { method: "POST", path: `/api/spaces/${s}/start` },
      { method: "POST", path: `/api/spaces/${s}/join`, seed: {} },
      { method: "PUT", path: `/api/spaces/${s}/reminder` },
      { method: "DELETE", path: `/api/spaces/${s}/reminder` },
      { method: "POST", path: `/api/messages/${h}`, seed: { text: "hello" } },
      { method: "POST", path: `/api/messages/${h}/read`, seed: {} },
      { method: "POST", path: "/api/calls", seed: { to: h, video: false } },
      { method: "POST", path: `/api/calls/${fx.callId}/join` },
      { method: "POST", path: `/api/calls/${fx.callId}/media` },
      {
        method: "PUT",
        path: "/api/settings/calls",
        seed: { who: "contacts" },
      },
      { method: "PATCH", path: `/api/users/${fx.listener.user.handle}`, seed: { displayName: "Listener", bio: "hi" } },
      { method: "PUT", path: `/api/users/${h}/follow` },
      { method: "DELETE", path: `/api/users/${h}/follow` },
      { method: "PUT", path: `/api/contacts/${h}` },
      { method: "DELETE", path: `/api/contacts/${h}` },
      { method: "POST", path: "/api/auth/register/options", seed: { handle: "fuzz_new", displayName: "New" } },
      {
        method: "POST",
        path: "/api/auth/register/verify",
        seed: {
          response: {
            id: "x",
            rawId: "x",
            type: "public-key",
            response: { clientDataJSON: "e30", attestationObject: "AA" },
          },
        },
      },
      { method: "POST", path: "/api/auth/login/options", seed: {} },
      {
        method: "POST",
        path: "/api/auth/login/verify",
        seed: {
          response: {
            id: "x",
            rawId: "x",
            type: "public-key",
            response: { clientDataJSON: "e30", authenticatorData: "AA", signature: "AA" },
          },
        },
      },
      {
        method: "POST",
        path: "/api/push/subscriptions",
        seed: { endpoint: "http://127.0.0.1:1/push", keys: { p256dh: "AAAA", auth: "BBBB" } },
      },
      { method: "POST", path: "/api/inbox/token", seed: {} },
      {
        method: "POST",
        path: `/api/internal/spaces/${s}/state`,
        seed: { status: "live", title: "T", listenerCount: 3, stage: [] },
      },
      {
        method: "POST",
        path: "/api/internal/reports",
        seed: { id: "r1", spaceId: s, by: { sub: someone }, target: { space: true }, reason: "x", at: 1 },
      },
      {
        method: "POST",
        path: `/api/internal/calls/${fx.callId}`,
        seed: {
          type: "callChanged",
          call: {
            callId: fx.callId,
            caller: { sub: someone, handle: "a", name: "A" },
            callee: { sub: someone, handle: "b", name: "B" },
            video: false,
            status: "ringing",
            createdAt: 1,
            ringUntil: 2,
            acceptedAt: null,
            endedAt: null,
            endedBy: null,
          },
        },
      },
    ];
  },
};
