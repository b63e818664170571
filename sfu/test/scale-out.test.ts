// Past the per-router threshold, new listeners go to a router on the other worker fed by
// pipeToRouter; they hear the speaker like everyone else, and the room is asked for grants it
// has not sent (the Space room's side stands in as a small signed HTTP endpoint here).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { FakeParty } from "./support/fake-party.ts";
import type { MediaPeer } from "./support/media-peer.ts";
import { SfuClients } from "./support/sfu-clients.ts";
import { eventually, type RunningSfu, startSfu } from "./support/sfu-process.ts";

let sfu: RunningSfu;
let party: FakeParty;
const clients = new SfuClients(() => sfu);
let listeners: MediaPeer[] = [];
const asked = () => party.asked.filter((a) => a.room === "pulled").map((a) => a.sub);

before(async () => {
  // The Space room's getGrant: this one person is on stage, everyone else listens.
  party = await FakeParty.start();
  party.grant("pulled", "u:onstage", { canSpeak: true, muted: false, seq: 1 });
  sfu = await startSfu({
    SPAZIO_SFU_WORKERS: "2",
    SPAZIO_SFU_LISTENERS_PER_ROUTER: "1",
    SPAZIO_PARTY_URL: party.url,
  });
});

after(async () => {
  clients.close();
  await sfu?.stop();
  await party?.close();
});

const join = (room: string, sub: string) => clients.join(room, sub);

test("listeners past the per-router threshold hear the speaker through piped routers", async () => {
  const room = "s_pulled";
  const speaker = await join(room, "u:onstage");
  listeners = [await join(room, "a:first01"), await join(room, "a:second1"), await join(room, "a:third01")];
  for (const l of listeners) await l.listen();
  // No grant was pushed: the SFU asked the room about each person as they connected, and the
  // answer about the speaker is what lets them on air.
  assert.deepEqual(asked(), ["u:onstage", "a:first01", "a:second1", "a:third01"]);
  await speaker.speak();
  assert.equal(asked().length, 4, "the produce needed no second question");
  for (const l of listeners) {
    await eventually(async () => (await l.inboundBytes()) > 1000, 8000, "audio at every listener");
  }
  const health = await sfu.health();
  // One router per worker: the third listener shares a router rather than doubling up a worker.
  assert.equal(health.routers, 2, "listeners spread over both workers' routers");
  assert.deepEqual(health.workerList.map((w) => w.routers), [1, 1]);
});

test("the room's answer also refuses: a listener it has not put on stage cannot produce", async () => {
  const intruder = await join("s_pulled", "a:notonstage");
  await assert.rejects(intruder.speak(), /forbidden/);
  assert.ok(asked().includes("a:notonstage"));
});

/** Kills one worker and waits until every listener hears the speaker again, within 10 s. */
async function killAndRecover(pid: number): Promise<void> {
  process.kill(pid, "SIGKILL");
  const killedAt = Date.now();
  for (const l of listeners) {
    await eventually(
      async () => {
        await l.rebuilt();
        const before = await l.inboundBytes();
        await new Promise((r) => setTimeout(r, 300));
        return (await l.inboundBytes()) > before;
      },
      10_000 - (Date.now() - killedAt),
      `audio flowing again at listener ${listeners.indexOf(l) + 1}`,
    );
  }
  assert.ok(Date.now() - killedAt < 10_000);
}

// Workers start in order, and the first (lowest pid) takes the room's primary router.
test("when the overflow router's worker dies, every listener hears the speaker again within 10 s", async () => {
  const pids = (await sfu.workerPids()).sort((a, b) => a - b);
  assert.equal(pids.length, 2);
  await killAndRecover(pids[1]);
});

test("when the primary router's worker dies, every listener hears the speaker again within 10 s", async () => {
  const pids = (await sfu.workerPids()).sort((a, b) => a - b);
  await killAndRecover(pids[0]);
});
