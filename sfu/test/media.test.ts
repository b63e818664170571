// Live audio through the real SFU with real WebRTC peers: a listener hears the speaker, and the
// Space room's grants decide who is heard (refused produce, revoke, server mute).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { FakeParty } from "./support/fake-party.ts";
import type { MediaPeer } from "./support/media-peer.ts";
import { SfuClients } from "./support/sfu-clients.ts";
import { SfuRequestError, SignalClient } from "./support/signal-client.ts";
import { eventually, type RunningSfu, sfuToken, sleep, startSfu } from "./support/sfu-process.ts";

let sfu: RunningSfu;
let party: FakeParty;
const clients = new SfuClients(() => sfu);

const join = (room: string, sub: string) => clients.join(room, sub);
const OPUS_CAPABILITY = {
  kind: "audio" as const,
  mimeType: "audio/opus",
  preferredPayloadType: 100,
  clockRate: 48000,
  channels: 2,
  rtcpFeedback: [],
};

const grant = (room: string, sub: string, canSpeak: boolean, muted = false) =>
  clients.grant(room, sub, { canSpeak, muted });

/** Bytes the listener received during `ms`. */
async function bytesDuring(peer: MediaPeer, ms: number): Promise<number> {
  const before = await peer.inboundBytes();
  await sleep(ms);
  return (await peer.inboundBytes()) - before;
}

before(async () => {
  // The rooms admit everyone as a listener; who speaks is pushed by each test.
  party = await FakeParty.start();
  sfu = await startSfu({ SPAZIO_PARTY_URL: party.url });
});

after(async () => {
  clients.close();
  await sfu?.stop();
  await party?.close();
});

describe("a Space's audio", () => {
  test("a listener receives the speaker's audio over ICE + DTLS + SRTP", async () => {
    const room = "s_hear1";
    await grant(room, "u:speaker1", true);
    const speaker = await join(room, "u:speaker1");
    const listener = await join(room, "a:listener1");
    await listener.listen();
    await speaker.speak();
    const heard = await listener.signal.waitFor("newConsumer", (n) => n.sub === "u:speaker1");
    assert.equal(heard.kind, "audio");
    assert.equal(heard.source, "mic");
    // A lost packet can be asked for again: NACK on the listener's Opus (issue 18 item 4).
    const opus = (heard.rtpParameters as { codecs: { mimeType: string; rtcpFeedback?: { type: string }[] }[] })
      .codecs.find((c) => c.mimeType.toLowerCase() === "audio/opus");
    assert.ok(opus?.rtcpFeedback?.some((f) => f.type === "nack"), "nack in the listener's Opus feedback");
    await eventually(async () => (await listener.inboundBytes()) > 2000, 8000, "inbound RTP bytes at the listener");
    assert.ok((await bytesDuring(listener, 1000)) > 1000, "audio keeps flowing");
    await eventually(
      () => listener.signal.notifications.some((n) => n.type === "speaking" && n.subs.includes("u:speaker1")),
      5000,
      "the speaker shown as speaking",
    );
  });

  test("welcome=listen brings the speakers' audio consumers before `consume`, and `consume` adds no second one", async () => {
    const room = "s_listenwelcome";
    await grant(room, "u:speakerw", true);
    const speaker = await join(room, "u:speakerw");
    await speaker.speak();
    const c = await SignalClient.connect(`${sfu.wsUrl(await sfuToken(room, "a:welcomelistener"))}&welcome=listen`);
    try {
      const heard = await c.waitFor("newConsumer", (n) => n.sub === "u:speakerw");
      assert.equal(c.notifications[0].type, "welcome", "the welcome comes first, its transport with it");
      assert.equal(heard.kind, "audio");
      const opus = (heard.rtpParameters as { codecs: { mimeType: string; rtcpFeedback?: { type: string }[] }[] })
        .codecs.find((codec) => codec.mimeType.toLowerCase() === "audio/opus");
      assert.ok(opus?.rtcpFeedback?.some((f) => f.type === "nack"), "nack in the welcome consumer's Opus feedback");
      await c.request("consume", { rtpCapabilities: { codecs: [OPUS_CAPABILITY] } });
      await c.request("consumerReady", { consumerId: heard.consumerId });
      await sleep(300);
      assert.equal(c.notifications.filter((n) => n.type === "newConsumer").length, 1, "one consumer per producer");
    } finally {
      c.close();
    }
  });

  test("a listener without a grant is refused and nobody receives anything from them", async () => {
    const room = "s_forged";
    const listener = await join(room, "a:eaves1");
    await listener.listen();
    const forger = await join(room, "a:forger1");
    // The room let them in as a listener: not on stage.
    await assert.rejects(forger.speak(), (err: Error) => /forbidden/.test(err.message));
    // An explicit "not on stage" grant is refused the same way.
    await grant(room, "a:forger1", false);
    await assert.rejects(forger.speak(), (err: Error) => /forbidden/.test(err.message));
    await sleep(500);
    assert.equal(listener.signal.notifications.filter((n) => n.type === "newConsumer").length, 0);
    assert.equal(await listener.inboundBytes(), 0);
    // A forged frame naming another peer's transport is just as empty-handed.
    const err = await forger.signal
      .request("produce", {
        transportId: "not-a-transport",
        kind: "audio",
        rtpParameters: { codecs: [{ mimeType: "audio/opus", payloadType: 100, clockRate: 48000, channels: 2 }] },
        appData: { source: "mic" },
      })
      .catch((e) => e);
    assert.ok(err instanceof SfuRequestError && err.code === "not_found");
  });

  test("a speaker whose grant is still on its way is not refused: the SFU asks the room first", async () => {
    const room = "s_latepush";
    // What the SFU holds: a listener. What the room has decided since: on stage (its push to
    // this SFU is late, e.g. sent first to an SFU of the list that is down).
    await grant(room, "u:late1", false);
    const speaker = await join(room, "u:late1");
    party.grant("latepush", "u:late1", { canSpeak: true, muted: false, seq: 1_000_000 });
    const listener = await join(room, "a:latelistener");
    await listener.listen();
    await speaker.speak();
    await eventually(async () => (await listener.inboundBytes()) > 1000, 8000, "the late speaker's audio");
    // Asked, and the room still says no: refused, as before.
    party.grant("latepush", "u:late2", { canSpeak: false, seq: 1_000_000 });
    await grant(room, "u:late2", false);
    const other = await join(room, "u:late2");
    await assert.rejects(other.speak(), /forbidden/);
  });

  test("moving a speaker to the audience closes their producer within 1 s", async () => {
    const room = "s_revoke";
    await grant(room, "u:speaker2", true);
    const speaker = await join(room, "u:speaker2");
    const listener = await join(room, "a:listener2");
    await listener.listen();
    const producer = await speaker.speak();
    await eventually(async () => (await listener.inboundBytes()) > 1000, 8000, "audio before the revoke");
    const start = Date.now();
    await grant(room, "u:speaker2", false);
    await listener.signal.waitFor("producerClosed", (n) => n.producerId === producer.id, 1000);
    assert.ok(Date.now() - start <= 1000);
    await sleep(300);
    assert.equal(await bytesDuring(listener, 1000), 0, "no audio after the revoke");
    // Without a new grant the former speaker cannot come back on air.
    await assert.rejects(speaker.speak(), /forbidden/);
  });

  test("a host mute silences a speaker whose client keeps sending, and only they can unmute", async () => {
    const room = "s_mute";
    await grant(room, "u:speaker3", true);
    const speaker = await join(room, "u:speaker3");
    const listener = await join(room, "a:listener3");
    await listener.listen();
    const producer = await speaker.speak();
    await eventually(async () => (await listener.inboundBytes()) > 1000, 8000, "audio before the mute");
    await grant(room, "u:speaker3", true, true);
    const paused = await listener.signal.waitFor("producerPaused", (n) => n.producerId === producer.id);
    assert.equal(paused.by, "server");
    await sleep(300);
    const sentBefore = await speaker.outboundBytes();
    assert.equal(await bytesDuring(listener, 1000), 0, "listener hears nothing while muted");
    assert.ok((await speaker.outboundBytes()) > sentBefore, "the speaker's client is still sending");
    // The modified client tries to unmute itself: refused.
    await assert.rejects(speaker.signal.request("resumeProducer", { producerId: producer.id }), /forbidden/);
    // The room unmutes; the speaker resumes and is heard again.
    await grant(room, "u:speaker3", true, false);
    await speaker.signal.waitFor("grantChanged", (n) => !n.muted);
    await speaker.signal.request("resumeProducer", { producerId: producer.id });
    await eventually(async () => (await bytesDuring(listener, 500)) > 0, 5000, "audio after the unmute");
  });
});
