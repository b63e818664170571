// Video in Spaces through the real SFU with real WebRTC peers (libwebrtc VP8 simulcast): who may
// send a camera is the Space room's word (the video grant), a listener picks layers and pauses
// what it does not show, and every forged or flooding request is refused with nothing created.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { SfuNotification } from "../../lib/protocol/sfu.ts";
import { FakeParty } from "./support/fake-party.ts";
import type { MediaPeer } from "./support/media-peer.ts";
import { SfuClients } from "./support/sfu-clients.ts";
import { SfuRequestError } from "./support/signal-client.ts";
import { eventually, type RunningSfu, sleep, startSfu } from "./support/sfu-process.ts";

let sfu: RunningSfu;
let party: FakeParty;
const clients = new SfuClients(() => sfu);

type NewConsumer = Extract<SfuNotification, { type: "newConsumer" }>;

const join = (room: string, sub: string) => clients.join(room, sub);

const grant = (room: string, sub: string, g: { canSpeak: boolean; video: boolean; muted?: boolean }) =>
  clients.grant(room, sub, g);

/** Video bytes the peer received during `ms`. */
async function videoBytesDuring(peer: MediaPeer, ms: number): Promise<number> {
  const before = await peer.inboundBytes("video");
  await sleep(ms);
  return (await peer.inboundBytes("video")) - before;
}

const media = async (room: string) => (await sfu.health()).rooms.find((r) => r.name === room)?.media;
const refusedWith = (code: string) => (e: unknown) => e instanceof SfuRequestError && e.code === code;
const cameraConsumer = (peer: MediaPeer, sub: string) =>
  peer.signal.waitFor("newConsumer", (n) => n.sub === sub && n.kind === "video", 8000);

/** A speaker on stage with audio and a camera, and a listener receiving both. */
async function stage(
  room: string,
  n: string,
): Promise<{ speaker: MediaPeer; listener: MediaPeer; video: NewConsumer }> {
  await grant(room, `u:speaker${n}`, { canSpeak: true, video: true });
  const speaker = await join(room, `u:speaker${n}`);
  const listener = await join(room, `a:listener${n}`);
  await listener.listen();
  await speaker.speak();
  await speaker.camera();
  const video = await cameraConsumer(listener, `u:speaker${n}`);
  await eventually(async () => (await listener.inboundBytes("video")) > 5000, 10_000, "video bytes at the listener");
  return { speaker, listener, video };
}

before(async () => {
  // The rooms admit everyone as a listener without a camera; tests push who may do more.
  party = await FakeParty.start();
  party.call("vcall1-abcdef", "u:callera1", "u:calleeb1", "accepted");
  sfu = await startSfu({ SPAZIO_PARTY_URL: party.url });
});

after(async () => {
  clients.close();
  await sfu?.stop();
  await party?.close();
});

describe("video in a Space", () => {
  test("the router offers VP8 and H264 with NACK, PLI, FIR, REMB and transport-cc", async () => {
    const peer = await join("s_caps", "a:capsviewer");
    const { rtpCapabilities } = await peer.signal.request("getRouterRtpCapabilities", {});
    for (const mime of ["video/VP8", "video/H264"]) {
      const codec = rtpCapabilities.codecs?.find((c) => c.mimeType === mime);
      assert.ok(codec, `${mime} offered`);
      const feedback = (codec.rtcpFeedback ?? []).map((f) => `${f.type}${f.parameter ? ` ${f.parameter}` : ""}`);
      for (const f of ["nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"]) {
        assert.ok(feedback.includes(f), `${mime} has ${f}`);
      }
    }
  });

  test("a speaker with a video grant sends a three-layer simulcast camera and a listener receives it", async () => {
    const room = "s_cam1";
    const { listener, video } = await stage(room, "v1");
    assert.equal(video.source, "camera");
    assert.equal(video.layers?.spatial, 3, "three simulcast layers announced");
    assert.ok((video.layers?.temporal ?? 0) >= 1);
    const audio = await listener.signal.waitFor("newConsumer", (n) => n.sub === "u:speakerv1" && n.kind === "audio");
    assert.equal(audio.layers, undefined, "audio has no layers");
    assert.ok((await videoBytesDuring(listener, 1000)) > 2000, "video keeps flowing");
    assert.deepEqual(await media(room), { transports: 2, producers: 2, consumers: 2 });
  });

  test("a camera without the video grant, from a listener, or under source mic is refused and nothing is created", async () => {
    const room = "s_nocam";
    const watcher = await join(room, "a:watcher2");
    await watcher.listen();
    // On stage in an audio-only Space: the voice goes on air, the camera does not.
    await grant(room, "u:speakerv2", { canSpeak: true, video: false });
    const speaker = await join(room, "u:speakerv2");
    await speaker.speak();
    await assert.rejects(speaker.camera(), (e: Error) => /forbidden/.test(e.message) && /video/.test(e.message));
    // A listener (the room's fallback: no stage, no video) and a forged grant-less camera.
    const listener = await join(room, "a:forger2");
    await assert.rejects(listener.camera(), /forbidden/);
    // With the video grant, a camera claiming to be the microphone is still refused.
    await grant(room, "u:speakerv2b", { canSpeak: true, video: true });
    const forger = await join(room, "u:speakerv2b");
    await assert.rejects(forger.camera("mic"), /forbidden/);
    // And video without the stage is no camera, whatever the room's video flag says.
    await grant(room, "u:speakerv2c", { canSpeak: false, video: true });
    const offstage = await join(room, "u:speakerv2c");
    await assert.rejects(offstage.camera(), /forbidden/);
    await sleep(500);
    const kinds = watcher.signal.notifications.filter((n): n is NewConsumer => n.type === "newConsumer").map((n) =>
      n.kind
    );
    assert.deepEqual(kinds, ["audio"], "the watcher only ever got the speaker's audio");
    assert.equal((await media(room))?.producers, 1);
    assert.equal(await watcher.inboundBytes("video"), 0);
  });

  test("the hosts turning video off closes the camera within 1 s and the voice stays", async () => {
    const room = "s_camoff";
    const { speaker, listener } = await stage(room, "v3");
    const cameraId = speaker.cameraProducer!.id;
    const start = Date.now();
    await grant(room, "u:speakerv3", { canSpeak: true, video: false });
    await listener.signal.waitFor("producerClosed", (n) => n.producerId === cameraId, 1000);
    assert.ok(Date.now() - start <= 1000);
    const told = await speaker.signal.waitFor("grantChanged", (n) => !n.video);
    assert.equal(told.canSpeak, true);
    assert.deepEqual(await media(room), { transports: 2, producers: 1, consumers: 1 });
    await sleep(300);
    assert.equal(await videoBytesDuring(listener, 1000), 0, "no video after the switch went off");
    const audioBefore = await listener.inboundBytes("audio");
    await eventually(async () => (await listener.inboundBytes("audio")) > audioBefore, 3000, "the voice goes on");
    // The modified client turns the camera on again: refused.
    await assert.rejects(speaker.camera(), /forbidden/);
    assert.equal((await media(room))?.producers, 1);
  });

  test("a listener picks a layer that exists; one that does not, or layers on audio, are refused", async () => {
    const room = "s_layers";
    const { listener, video } = await stage(room, "v4");
    const set = (spatialLayer: number, temporalLayer?: number, consumerId = video.consumerId) =>
      listener.signal.request("setConsumerLayers", {
        consumerId,
        spatialLayer,
        ...(temporalLayer === undefined ? {} : { temporalLayer }),
      });
    await set(0);
    await set(2);
    await set(0, 0);
    await assert.rejects(
      set(3),
      (e: unknown) => refusedWith("bad_request")(e) && /spatialLayer 3 does not exist/.test((e as Error).message),
    );
    await assert.rejects(set(0, video.layers!.temporal), refusedWith("bad_request"));
    const audio = await listener.signal.waitFor("newConsumer", (n) => n.sub === "u:speakerv4" && n.kind === "audio");
    await assert.rejects(set(0, undefined, audio.consumerId), refusedWith("bad_request"));
    // Out of the protocol's range entirely: refused by the schema.
    await assert.rejects(set(9), refusedWith("bad_request"));
    await eventually(async () => (await videoBytesDuring(listener, 500)) > 0, 5000, "video still flows at layer 0");
  });

  test("a flood of layer changes is rate-limited, and changes work again once it stops", async () => {
    const room = "s_flood";
    const { listener, video } = await stage(room, "v5");
    const results = await Promise.allSettled(
      Array.from(
        { length: 55 },
        (_, i) => listener.signal.request("setConsumerLayers", { consumerId: video.consumerId, spatialLayer: i % 3 }),
      ),
    );
    const limited = results.filter((r) => r.status === "rejected" && refusedWith("rate_limited")(r.reason));
    const done = results.filter((r) => r.status === "fulfilled");
    assert.ok(limited.length >= 10, `${limited.length} of 55 rate-limited`);
    assert.ok(done.length >= 30 && done.length <= 45, `${done.length} of 55 applied (burst 40)`);
    assert.ok(
      limited.some((r) => r.status === "rejected" && /consumer changes/.test(String(r.reason.message))),
      "refused by the per-peer consumer limit",
    );
    await sleep(1500);
    await listener.signal.request("setConsumerLayers", { consumerId: video.consumerId, spatialLayer: 0 });
    await eventually(async () => (await videoBytesDuring(listener, 500)) > 0, 5000, "video after the flood");
  });

  test("pauseConsumer stops the video, resumeConsumer brings it back; ready-but-paused stays paused", async () => {
    const room = "s_pause";
    const { listener, video } = await stage(room, "v6");
    await listener.signal.request("pauseConsumer", { consumerId: video.consumerId });
    await sleep(400);
    assert.equal(await videoBytesDuring(listener, 1000), 0, "no video while paused");
    await listener.signal.request("resumeConsumer", { consumerId: video.consumerId });
    await eventually(async () => (await videoBytesDuring(listener, 500)) > 1000, 5000, "video after resume");
    // A page that joins with the tile hidden (or "audio only"): audio plays, no video arrives.
    const hidden = await join(room, "a:hiddenv6");
    hidden.videoReadyPaused = true;
    await hidden.listen();
    const hv = await cameraConsumer(hidden, "u:speakerv6");
    await eventually(async () => (await hidden.inboundBytes("audio")) > 1000, 8000, "audio at the hidden page");
    assert.equal(await hidden.inboundBytes("video"), 0, "no video while the tile is hidden");
    await hidden.signal.request("resumeConsumer", { consumerId: hv.consumerId });
    await eventually(async () => (await hidden.inboundBytes("video")) > 1000, 8000, "video once the tile shows");
  });

  test("another peer's consumer id is not found, and their video is untouched", async () => {
    const room = "s_other";
    const { listener, video } = await stage(room, "v7");
    const intruder = await join(room, "a:intruderv7");
    await intruder.listen();
    const id = video.consumerId;
    await assert.rejects(intruder.signal.request("pauseConsumer", { consumerId: id }), refusedWith("not_found"));
    await assert.rejects(intruder.signal.request("resumeConsumer", { consumerId: id }), refusedWith("not_found"));
    await assert.rejects(
      intruder.signal.request("setConsumerLayers", { consumerId: id, spatialLayer: 0 }),
      refusedWith("not_found"),
    );
    await assert.rejects(
      intruder.signal.request("consumerReady", { consumerId: id, paused: true }),
      refusedWith("not_found"),
    );
    assert.ok((await videoBytesDuring(listener, 1000)) > 1000, "the owner's video still flows");
  });

  test("a host mute silences the voice but leaves the camera on", async () => {
    const room = "s_mutecam";
    const { speaker, listener } = await stage(room, "v8");
    await grant(room, "u:speakerv8", { canSpeak: true, video: true, muted: true });
    const paused = await listener.signal.waitFor("producerPaused", (n) => n.producerId === speaker.producer!.id);
    assert.equal(paused.by, "server");
    assert.ok(
      !listener.signal.notifications.some((n) =>
        n.type === "producerPaused" && n.producerId === speaker.cameraProducer!.id
      ),
    );
    assert.ok((await videoBytesDuring(listener, 1000)) > 1000, "video goes on while muted");
  });
});

describe("video in a call", () => {
  test("both people in an answered call may send a camera without any Space grant", async () => {
    const room = "c_vcall1-abcdef";
    const a = await join(room, "u:callera1");
    const b = await join(room, "u:calleeb1");
    await b.listen();
    await a.camera();
    const v = await cameraConsumer(b, "u:callera1");
    assert.equal(v.layers?.spatial, 3);
    await eventually(async () => (await b.inboundBytes("video")) > 5000, 10_000, "video in the call");
  });
});
