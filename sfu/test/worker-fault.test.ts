// A worker killed with SIGKILL: the SFU rebuilds the room on a fresh worker, tells the peers to
// reconnect, and the listener hears the speaker again within 10 s with nobody's role changed.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { MediaPeer } from "./support/media-peer.ts";
import { eventually, type RunningSfu, sfuToken, sleep, startSfu } from "./support/sfu-process.ts";

let sfu: RunningSfu;
const peers: MediaPeer[] = [];

before(async () => {
  sfu = await startSfu({ SPAZIO_SFU_WORKERS: "1" });
});

after(async () => {
  for (const p of peers) p.close();
  await sfu?.stop();
});

test("after the worker is SIGKILLed, audio comes back within 10 s", async () => {
  const room = "s_fault";
  const res = await sfu.control("/control/grant", { room, sub: "u:speaker9", canSpeak: true, muted: false, seq: 1 });
  assert.equal(res.status, 200);
  const speaker = await MediaPeer.join(sfu.wsUrl(await sfuToken(room, "u:speaker9")));
  const listener = await MediaPeer.join(sfu.wsUrl(await sfuToken(room, "a:listener9")));
  peers.push(speaker, listener);
  await listener.listen();
  await speaker.speak();
  await eventually(async () => (await listener.inboundBytes()) > 1000, 8000, "audio before the fault");

  const [workerPid] = await sfu.workerPids();
  assert.ok(workerPid, "the SFU runs a worker process");
  process.kill(workerPid, "SIGKILL");
  const killedAt = Date.now();

  await listener.signal.waitFor("reconnect", () => true, 5000);
  await listener.rebuilt();
  // Fresh transports and consumers: count only what arrives on them.
  await eventually(async () => (await listener.inboundBytes()) > 1000, 10_000 - (Date.now() - killedAt), "audio after the fault");
  assert.ok(Date.now() - killedAt < 10_000);
  const pids = await sfu.workerPids();
  assert.ok(pids.length === 1 && pids[0] !== workerPid, "a replacement worker runs");
  // The speaker kept the stage: the grant survived the worker.
  await sleep(500);
  assert.ok(speaker.producer && !speaker.producer.closed);
});
