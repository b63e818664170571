// A 1:1 call through the SFU: both people hear each other, and neither learns the other's
// address, because the only ICE candidates either side ever has are the SFU's own.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { FakeParty } from "./support/fake-party.ts";
import { MediaPeer } from "./support/media-peer.ts";
import { eventually, type RunningSfu, sfuToken, startSfu } from "./support/sfu-process.ts";

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
