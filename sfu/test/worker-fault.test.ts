// A worker killed with SIGKILL: the SFU rebuilds the room on a fresh worker, tells the peers to
// reconnect, and the listener hears the speaker again within 10 s with nobody's role changed.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { FakeParty } from "./support/fake-party.ts";
import { MediaPeer } from "./support/media-peer.ts";
import { SignalClient } from "./support/signal-client.ts";
import { eventually, type RunningSfu, sfuToken, sleep, startSfu } from "./support/sfu-process.ts";

let sfu: RunningSfu;
let party: FakeParty;
const peers: MediaPeer[] = [];

before(async () => {
  party = await FakeParty.start();
  sfu = await startSfu({ SPAZIO_SFU_WORKERS: "1", SPAZIO_PARTY_URL: party.url });
});

after(async () => {
  for (const p of peers) p.close();
  await sfu?.stop();
  await party?.close();
});

test("after the worker is SIGKILLed, audio comes back within 10 s", async () => {
  const room = "s_fault";
  const res = await sfu.control("/control/grant", {
    room,
    sub: "u:speaker9",
    canSpeak: true,
    muted: false,
    admitted: true,
    video: false,
    seq: 1,
  });
  assert.equal(res.status, 200);
  const speaker = await MediaPeer.join(sfu.wsUrl(await sfuToken(room, "u:speaker9")));
  const listener = await MediaPeer.join(sfu.wsUrl(await sfuToken(room, "a:listener9")));
  peers.push(speaker, listener);
  await listener.listen();
  await speaker.speak();
  // A receiving client that is slow to rebuild: the room is not whole until it has.
  const slow = await SignalClient.connect(sfu.wsUrl(await sfuToken(room, "a:slowpoke")));
  const rtpCapabilities = listener.device.rtpCapabilities as never;
  await slow.request("createTransport", { direction: "recv" });
  await slow.request("consume", { rtpCapabilities });
  await eventually(async () => (await listener.inboundBytes()) > 1000, 8000, "audio before the fault");
  const healthy = await sfu.health();
  assert.deepEqual(healthy.rooms.map((r) => [r.name, r.peers, r.whole]), [[room, 3, true]]);
  assert.deepEqual(healthy.workers, { expected: 1, alive: 1, replacing: 0 });

  const [workerPid] = await sfu.workerPids();
  assert.ok(workerPid, "the SFU runs a worker process");
  assert.deepEqual(healthy.workerList.map((w) => [w.pid, w.alive, w.routers]), [[workerPid, true, 1]]);
  process.kill(workerPid, "SIGKILL");
  const killedAt = Date.now();

  await listener.signal.waitFor("reconnect", () => true, 5000);
  await listener.rebuilt();
  // Fresh transports and consumers: count only what arrives on them.
  await eventually(
    async () => (await listener.inboundBytes()) > 1000,
    10_000 - (Date.now() - killedAt),
    "audio after the fault",
  );
  assert.ok(Date.now() - killedAt < 10_000);
  const pids = await sfu.workerPids();
  assert.ok(pids.length === 1 && pids[0] !== workerPid, "a replacement worker runs");
  // The speaker kept the stage: the grant survived the worker.
  await sleep(500);
  assert.ok(speaker.producer && !speaker.producer.closed);

  // The pool is whole again, the room is not: one peer asked to reconnect has not rebuilt.
  const after = await sfu.health();
  assert.equal(after.ok, true);
  assert.deepEqual(after.workerList.map((w) => [w.pid, w.alive]), [[pids[0], true]]);
  assert.deepEqual(after.rooms.map((r) => [r.peers, r.whole]), [[3, false]]);
  await slow.waitFor("reconnect");
  await slow.request("createTransport", { direction: "recv" });
  await slow.request("consume", { rtpCapabilities });
  assert.deepEqual((await sfu.health()).rooms.map((r) => r.whole), [true]);
  slow.close();
});
