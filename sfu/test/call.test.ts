// A 1:1 call through the SFU: both people hear each other, and neither learns the other's
// address, because the only ICE candidates either side ever has are the SFU's own; a call's socket
// gets both its transports with the welcome; while the call rings its two people connect and send
// ahead, and nothing reaches either until it is answered.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { FakeParty } from "./support/fake-party.ts";
import { MediaPeer } from "./support/media-peer.ts";
import { eventually, type RunningSfu, sfuToken, sleep, startSfu } from "./support/sfu-process.ts";
import { OPUS, SignalClient } from "./support/signal-client.ts";

let sfu: RunningSfu;
let party: FakeParty;
const peers: MediaPeer[] = [];

before(async () => {
  party = await FakeParty.start();
  party.call("call42-abcdef", "u:alice42", "u:bob4242", "accepted");
  sfu = await startSfu({ SPAZIO_PARTY_URL: party.url });
});

after(async () => {
  for (const p of peers) p.close();
  await sfu?.stop();
  await party?.close();
});

test("two people in a call hear each other and see only the SFU's addresses", async () => {
  const room = "c_call42-abcdef";
  const alice = await MediaPeer.join(sfu.wsUrl(await sfuToken(room, "u:alice42")));
  const bob = await MediaPeer.join(sfu.wsUrl(await sfuToken(room, "u:bob4242")));
  peers.push(alice, bob);
  for (const p of [alice, bob]) {
    await p.listen();
    // No Space grant is involved: the call room said the call is answered, between these two.
    await p.speak();
  }
  for (const p of [alice, bob]) {
    await eventually(async () => (await p.inboundBytes()) > 1000, 8000, "audio from the other side");
  }
  for (const p of [alice, bob]) {
    const remote = await p.remoteCandidatePorts();
    assert.ok(remote.length > 0, "ICE found remote candidates");
    for (const port of remote) {
      assert.ok(p.sfuPorts.includes(port), `remote candidate port ${port} is one the SFU offered`);
    }
  }
  assert.deepEqual(
    alice.signal.notifications.filter((n) => n.type === "newConsumer").map((n) => n.type === "newConsumer" && n.sub),
    ["u:bob4242"],
  );
});

test("a call's welcome=talk brings a send transport too; producing on it still needs the right to", async () => {
  party.call("talk42-abcdef", "u:carol42", "u:dave4242", "accepted");
  const a = await SignalClient.connect(`${sfu.wsUrl(await sfuToken("c_talk42-abcdef", "u:carol42"))}&welcome=talk`);
  const welcome = await a.waitFor("welcome");
  assert.ok(welcome.recv?.transportId && welcome.send?.transportId, "both transports came with it");
  assert.notEqual(welcome.recv!.transportId, welcome.send!.transportId);
  const produceOn = (c: SignalClient, transportId: string) =>
    c.request("produce", { transportId, kind: "audio", rtpParameters: OPUS, appData: { source: "mic" } });
  // One of the call's two people: on air on the welcome's send transport, nothing asked before.
  assert.ok((await produceOn(a, welcome.send!.transportId)).producerId);
  // A receive transport cannot send.
  await assert.rejects(produceOn(a, welcome.recv!.transportId), /send transport/);
  a.close();
  // A listener in a Space gets the transport too, and no more right to speak than before.
  const l = await SignalClient.connect(`${sfu.wsUrl(await sfuToken("s_talkwelcome", "a:talker"))}&welcome=talk`);
  const lw = await l.waitFor("welcome");
  await assert.rejects(produceOn(l, lw.send!.transportId), /forbidden|speak/);
  l.close();
});

test("while a call rings both connect and send, and nothing reaches either; the answer lets both hear", async () => {
  party.call("ring42-abcdef", "u:erin4242", "u:finn4242", "ringing");
  const room = "c_ring42-abcdef";
  const erin = await MediaPeer.join(sfu.wsUrl(await sfuToken(room, "u:erin4242")));
  const finn = await MediaPeer.join(sfu.wsUrl(await sfuToken(room, "u:finn4242")));
  peers.push(erin, finn);
  // Both pages go on air while it rings (the answer then finds their transports up)...
  for (const p of [erin, finn]) {
    await p.listen();
    await p.speak();
  }
  for (const p of [erin, finn]) {
    await eventually(async () => (await p.outboundBytes()) > 2000, 8000, "audio reaching the SFU while it rings");
    await eventually(
      () => p.signal.notifications.some((n) => n.type === "newConsumer"),
      8000,
      "the other side's consumer, made ahead",
    );
  }
  // ...and the SFU holds it all: not a byte reaches the other side, which is told it is paused.
  await sleep(500);
  for (const p of [erin, finn]) {
    assert.equal(await p.inboundBytes("audio"), 0, "audio reached the other side before the answer");
    assert.ok(p.signal.notifications.some((n) => n.type === "newConsumer" && n.producerPaused), "held as paused");
  }
  // A page that says it was answered before the call room did changes nothing.
  assert.deepEqual(await finn.signal.request("callAnswered", {}), {});
  await sleep(300);
  assert.equal(await erin.inboundBytes("audio"), 0, "callAnswered let audio through before the answer");
  // The answer: the call room says accepted, a page says so, and both hear at once.
  party.call("ring42-abcdef", "u:erin4242", "u:finn4242", "accepted");
  await finn.signal.request("callAnswered", {});
  for (const p of [erin, finn]) {
    await eventually(async () => (await p.inboundBytes("audio")) > 1000, 8000, "audio from the other side");
  }
  // In a Space the request means nothing and is refused.
  const l = await SignalClient.connect(sfu.wsUrl(await sfuToken("s_notacall", "a:listener")));
  await assert.rejects(l.request("callAnswered", {}), /not a call/);
  l.close();
});
