// The signalling map: each request's answer is parsed by its own schema, notifications by theirs,
// and what the SFU's mediasoup adds to its parameter objects reaches mediasoup-client unchanged.
import assert from "node:assert/strict";
import {
  parseSfuAnswer,
  SfuMethods,
  SfuNotification,
  SfuReply,
  SfuRequest,
  type SfuRequestType,
} from "./sfu_signalling.ts";

const dtls = { role: "auto", fingerprints: [{ algorithm: "sha-256", value: "AB:CD" }] };
const ice = { usernameFragment: "u", password: "p", iceLite: true };
const candidate = {
  foundation: "udpcandidate",
  priority: 1076302079,
  ip: "127.0.0.1",
  protocol: "udp",
  port: 40000,
  type: "host",
};
const opus = {
  mimeType: "audio/opus",
  payloadType: 100,
  clockRate: 48000,
  channels: 2,
  parameters: { useinbandfec: 1 },
  rtcpFeedback: [],
};

/** [request, a good answer, a bad answer] for every request the map knows. */
const answers: { [K in SfuRequestType]: [unknown, unknown] } = {
  getRouterRtpCapabilities: [
    {
      rtpCapabilities: {
        codecs: [{ kind: "audio", mimeType: "audio/opus", clockRate: 48000, channels: 2 }],
        headerExtensions: [],
      },
    },
    { rtpCapabilities: { codecs: "opus" } },
  ],
  createTransport: [
    { transportId: "t1", iceParameters: ice, iceCandidates: [candidate], dtlsParameters: dtls },
    { transportId: "t1", iceParameters: ice, iceCandidates: [{ ...candidate, port: "40000" }], dtlsParameters: dtls },
  ],
  connectTransport: [{}, null],
  restartIce: [{ iceParameters: ice }, { iceParameters: { usernameFragment: 1 } }],
  produce: [{ producerId: "p1", paused: false }, { producerId: "p1" }],
  closeProducer: [{}, "done"],
  pauseProducer: [{}, 1],
  resumeProducer: [{}, []],
  consume: [{}, null],
  callAnswered: [{}, "yes"],
  consumerReady: [{}, null],
  pauseConsumer: [{}, null],
  resumeConsumer: [{}, null],
  setConsumerLayers: [{}, null],
};

for (const type of Object.keys(SfuMethods) as SfuRequestType[]) {
  const [good, bad] = answers[type];
  Deno.test(`sfu answer to ${type}: a good one parses, a bad one is refused`, () => {
    assert.equal(parseSfuAnswer(type, good).success, true);
    assert.equal(parseSfuAnswer(type, bad).success, false);
  });
  Deno.test(`sfu request ${type}: its schema is the union's member for its name`, () => {
    assert.equal(SfuMethods[type].request.shape.type.value, type);
  });
}

Deno.test("sfu answer: fields a newer mediasoup adds are kept for mediasoup-client", () => {
  const info = {
    transportId: "t1",
    iceParameters: ice,
    iceCandidates: [{ ...candidate, address: "127.0.0.1" }],
    dtlsParameters: dtls,
  };
  const parsed = parseSfuAnswer("createTransport", info);
  assert.ok(parsed.success);
  assert.deepEqual(parsed.data, info);
  const newer = { ...info, iceCandidates: [{ ...candidate, ip: undefined, address: "127.0.0.1" }] };
  assert.equal(parseSfuAnswer("createTransport", newer).success, true, "mediasoup 3.13+ names it address");
  const none = { ...info, iceCandidates: [{ ...candidate, ip: undefined }] };
  assert.equal(parseSfuAnswer("createTransport", none).success, false, "a candidate needs an address");
});

Deno.test("sfu request: a client's request still drops what it does not name", () => {
  const parsed = SfuRequest.parse({ type: "restartIce", id: 3, transportId: "t1", extra: true });
  assert.deepEqual(parsed, { type: "restartIce", id: 3, transportId: "t1" });
});

const consumer = {
  type: "newConsumer",
  consumerId: "c1",
  producerId: "p1",
  sub: "u:abcd",
  kind: "audio",
  source: "mic",
  rtpParameters: { mid: "0", codecs: [opus], msid: "stream track", encodings: [{ ssrc: 1 }], rtcp: { cname: "x" } },
  producerPaused: false,
};
const notifications: [string, unknown, boolean][] = [
  ["newConsumer", consumer, true],
  ["newConsumer without rtpParameters", { ...consumer, rtpParameters: undefined }, false],
  ["newConsumer of an unknown source", { ...consumer, source: "screen" }, false],
  ["producerClosed", { type: "producerClosed", producerId: "p1", sub: "u:abcd" }, true],
  ["producerPaused by the server", { type: "producerPaused", producerId: "p1", sub: "u:abcd", by: "server" }, true],
  ["producerPaused by nobody known", { type: "producerPaused", producerId: "p1", sub: "u:abcd", by: "god" }, false],
  ["producerResumed", { type: "producerResumed", producerId: "p1", sub: "u:abcd" }, true],
  ["grantChanged", { type: "grantChanged", canSpeak: true, muted: false, video: false }, true],
  ["grantChanged without video", { type: "grantChanged", canSpeak: true, muted: false }, false],
  ["speaking", { type: "speaking", subs: ["u:abcd"], levels: [-30] }, true],
  ["speaking with a level that is not a number", { type: "speaking", subs: ["u:abcd"], levels: ["loud"] }, false],
  ["reconnect", { type: "reconnect", reason: "worker died" }, true],
  ["an unknown type", { type: "hello" }, false],
];
for (const [name, msg, ok] of notifications) {
  Deno.test(`sfu notification: ${name} ${ok ? "parses" : "is refused"}`, () => {
    assert.equal(SfuNotification.safeParse(msg).success, ok);
  });
}

Deno.test("sfu notification: a consumer's rtpParameters reach mediasoup-client whole (msid included)", () => {
  const parsed = SfuNotification.parse(consumer);
  assert.ok(parsed.type === "newConsumer");
  assert.deepEqual(parsed.rtpParameters, consumer.rtpParameters);
});

const replies: [string, unknown, boolean][] = [
  ["a response", { type: "response", id: 1, data: {} }, true],
  ["an error", { type: "error", id: 1, code: "forbidden", message: "no grant" }, true],
  ["an error to no request", { type: "error", id: null, code: "bad_request", message: "not JSON" }, true],
  ["an error with an unknown code", { type: "error", id: 1, code: "teapot", message: "" }, false],
  ["a response without an id", { type: "response", data: {} }, false],
];
for (const [name, msg, ok] of replies) {
  Deno.test(`sfu reply: ${name} ${ok ? "parses" : "is refused"}`, () => {
    assert.equal(SfuReply.safeParse(msg).success, ok);
  });
}
