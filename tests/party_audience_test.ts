// Audience shards over a real `partykit dev`: listeners on two shards of one Space see stage
// changes, react (the host sees the summed burst), raise a hand, and a removed one is closed and
// kept out; tokens for the Space room or another Space's shard are refused.
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { DEV_ROOM_SECRET } from "../lib/protocol/defaults.ts";
import { SPACE_CLOSE } from "../lib/protocol/space.ts";
import { audienceRoomId } from "../lib/protocol/space_audience.ts";
import { mintRoomToken } from "../lib/protocol/token.ts";
import { initSpace, newSpaceId, PartyDev, partyTest, type TestPerson } from "./support/party.ts";
import { CaptureServer, RoomClient } from "./support/party_client.ts";

const host = { sub: "u:host0001", handle: "hosta", name: "Hosta" };
const l0 = { sub: "u:listen00", handle: "l0", name: "L0" };
const l1 = { sub: "u:listen11", handle: "l1", name: "L1" };

const sfu = new CaptureServer();
const dev = await PartyDev.start({ vars: { SPAZIO_SFU_URL: sfu.url, SPAZIO_WEB_URL: sfu.url } });

const shardToken = (room: string, who: TestPerson) => mintRoomToken(DEV_ROOM_SECRET, { aud: "audience", room, ...who });

async function onShard(spaceId: string, n: number, who: TestPerson) {
  const room = audienceRoomId(spaceId, n);
  return RoomClient.openParty(dev, "audience", room, await shardToken(room, who));
}

partyTest("listeners on two shards see the stage, react, raise a hand; a removed one is closed and kept out", async () => {
  const id = newSpaceId();
  await initSpace(dev, id, host);
  const h = await RoomClient.join(dev, id, host);
  const a = await onShard(id, 0, l0);
  const b = await onShard(id, 1, l1);
  await a.waitFor("sync");
  await b.waitFor("sync");
  const from = [a.mark(), b.mark()];
  await h.request({ type: "unmuteSelf" }, "unmuted");
  await a.waitFor("unmuted", (e) => e.sub === host.sub, from[0]);
  await b.waitFor("unmuted", (e) => e.sub === host.sub, from[1]);
  const hm = h.mark();
  for (let i = 0; i < 3; i++) a.send({ type: "react", emoji: "💯" });
  b.send({ type: "react", emoji: "💯" });
  const bursts = async () => {
    await h.waitFor("reactionBurst", () => true, hm);
    await new Promise((r) => setTimeout(r, 600));
    return h.events.slice(hm).filter((e) => e.type === "reactionBurst").reduce((n, e) => n + (e as { count: number }).count, 0);
  };
  assertEquals(await bursts(), 4);
  await h.waitFor("listenerCount", (e) => e.count === 2);
  a.send({ type: "requestToSpeak" });
  await h.waitFor("handRaised", (e) => e.hand.sub === l0.sub);
  await a.waitFor("handRaised", (e) => e.hand.sub === l0.sub);
  const t0 = Date.now();
  h.send({ type: "remove", sub: l1.sub });
  const closed = await b.closed;
  assertEquals(closed.code, SPACE_CLOSE.removed);
  assert(Date.now() - t0 < 1_000, `closed after ${Date.now() - t0} ms`);
  const again = await onShard(id, 1, l1);
  assertEquals((await again.closed).code, SPACE_CLOSE.removed);
  await Promise.all([h.close(), a.close()]);
});

partyTest("a shard token on the Space room, or on another Space's shard, is refused", async () => {
  const id = newSpaceId();
  await initSpace(dev, id, host);
  const tok = await shardToken(audienceRoomId(id, 0), l0);
  const onRoom = RoomClient.open(dev, id, tok);
  assert((await onRoom.closed).code !== 1000 || !onRoom.opened);
  const other = RoomClient.openParty(dev, "audience", audienceRoomId(newSpaceId(), 0), tok);
  await other.closed;
  assert(!other.opened);
});

Deno.test({ name: "audience: stop the servers", sanitizeOps: false, sanitizeResources: false, fn: async () => {
  await dev.dispose();
  await sfu.close();
} });
