// Audience shards over a real `partykit dev`: listeners on two shards of one Space see stage
// changes, react (the host sees the summed burst), raise a hand, and a removed one is closed and
// kept out; tokens for the Space room or another Space's shard are refused; shards that cannot
// exist, forged shard-to-room requests and a flood of reactions from a crowd change nothing.
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { DEV_ROOM_SECRET } from "../lib/protocol/defaults.ts";
import { SPACE_CLOSE } from "../lib/protocol/space.ts";
import { audienceRoomId } from "../lib/protocol/space_audience.ts";
import { mintRoomToken } from "../lib/protocol/token.ts";
import {
  initSpace,
  newSpaceId,
  PartyDev,
  partyTest,
  roomGet,
  roomPost,
  type TestPerson,
  waitFor,
} from "./support/party.ts";
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

partyTest(
  "listeners on two shards see the stage, react, raise a hand; a removed one is closed and kept out",
  async () => {
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
      return h.events.slice(hm).filter((e) => e.type === "reactionBurst").reduce(
        (n, e) => n + (e as { count: number }).count,
        0,
      );
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
  },
);

partyTest(
  "the host sees how many people's audio is reconnecting: each says it of themself only, on a shard or the room, rate-limited",
  async () => {
    const id = newSpaceId();
    await initSpace(dev, id, host);
    const h = await RoomClient.join(dev, id, host);
    const a = await onShard(id, 0, l0);
    await a.waitFor("sync");
    const b = await RoomClient.join(dev, id, l1);
    a.send({ type: "mediaState", reconnecting: true });
    await h.waitFor("listenerCount", (e) => e.reconnecting === 1);
    b.send({ type: "mediaState", reconnecting: true });
    await h.waitFor("listenerCount", (e) => e.reconnecting === 2);
    // Nobody can report anyone else: the command names no one, and one that tries is refused.
    const refused = await b.request({ type: "mediaState", reconnecting: true, sub: l0.sub }, "error");
    assertEquals(refused.code, "bad_message");
    // A host who comes back reads the count in the sync.
    const h2 = await RoomClient.join(dev, id, host);
    assertEquals((h2.events.find((e) => e.type === "sync") as { reconnecting?: number }).reconnecting, 2);
    // Gone is no longer reconnecting; back is back.
    const hm = h.mark();
    await b.close();
    await h.waitFor("listenerCount", (e) => e.reconnecting === 1, hm);
    a.send({ type: "mediaState", reconnecting: false });
    await h.waitFor("listenerCount", (e) => e.reconnecting === 0, hm);
    // A flapping client is held back (6 at once, then one every 2 s), and says so.
    const c = await RoomClient.join(dev, id, { sub: "u:flapper1", handle: "flap", name: "Flap" });
    const cm = c.mark();
    for (let i = 0; i < 12; i++) c.send({ type: "mediaState", reconnecting: i % 2 === 0 });
    await c.waitFor("error", (e) => e.code === "rate_limited", cm);
    await Promise.all([h.close(), h2.close(), a.close(), c.close()]);
  },
);

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

partyTest("a shard that cannot exist is refused before the upgrade; one of a Space never made says so", async () => {
  const id = newSpaceId();
  await initSpace(dev, id, host);
  for (const room of [`${id}.100`, `${id}.x`, `${id}`, "..0"]) {
    const res = await fetch(
      `${dev.http}/parties/audience/${encodeURIComponent(room)}?token=${await shardToken(room, l0)}`,
      {
        headers: {
          upgrade: "websocket",
          connection: "Upgrade",
          "sec-websocket-version": "13",
          "sec-websocket-key": btoa("0123456789abcdef"),
        },
      },
    );
    const body = await res.json();
    assertEquals([room, res.status, body.code], [room, 404, "not_found"]);
  }
  // Well formed, but no Space by that id: the shard asks the room, hears no, and closes 4004.
  const nowhere = await onShard(newSpaceId(), 0, l0);
  assertEquals((await nowhere.closed).code, SPACE_CLOSE.notFound);
});

partyTest("forged shard-to-room requests are refused and change nothing", async () => {
  const id = newSpaceId();
  await initSpace(dev, id, host);
  const h = await RoomClient.join(dev, id, host);
  const a = await onShard(id, 0, l0);
  await a.waitFor("sync");
  const hm = h.mark();
  // As a shard would send them, but unsigned, or signed with another secret.
  const forged = [
    { type: "shardCommand", shard: 0, actor: host, command: { type: "end" } },
    { type: "shardReport", shard: 0, count: 1_000_000, listeners: [], reactions: { "💯": 5_000 } },
    { type: "shardHello", shard: 7 },
  ];
  for (const body of forged) {
    const unsigned = await fetch(`${dev.http}/parties/space/${id}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    assertEquals([body.type, unsigned.status], [body.type, 401]);
    await unsigned.body?.cancel();
    const wrong = await roomPost(dev, id, body, "not-the-server-secret-at-all-000000");
    assertEquals([body.type, wrong.status], [body.type, 401]);
  }
  // A signed report from a shard that never said hello counts nothing either.
  assertEquals(
    (await roomPost(dev, id, { type: "shardReport", shard: 9, count: 50, listeners: [], reactions: {} })).status,
    409,
  );
  await new Promise((r) => setTimeout(r, 700));
  const snap = (await roomGet(dev, id)).body;
  assertEquals([snap.space.status, snap.listenerCount], ["live", 1]);
  assert(
    !h.events.slice(hm).some((e) => e.type === "ended" || e.type === "reactionBurst"),
    "a forged request reached the host",
  );
  // The real listener is still served.
  a.send({ type: "react", emoji: "💯" });
  await h.waitFor("reactionBurst", (e) => e.count === 1, hm);
  await Promise.all([h.close(), a.close()]);
});

partyTest("a crowd's reaction flood reaches the host summed and capped, and the shard keeps answering", async () => {
  const id = newSpaceId();
  await initSpace(dev, id, host);
  const h = await RoomClient.join(dev, id, host);
  const crowd = await Promise.all(
    Array.from({ length: 60 }, (_, i) => onShard(id, 0, { sub: `a:crowd${String(i).padStart(4, "0")}` })),
  );
  await Promise.all(crowd.map((c) => c.waitFor("sync")));
  await h.waitFor("listenerCount", (e) => e.count === 60);
  const hm = h.mark();
  // Every one of them taps 40 times at once: each connection's limit lets a burst of 10 through.
  for (const c of crowd) for (let i = 0; i < 40; i++) c.send({ type: "react", emoji: "❤️" });
  const seen = () => {
    const bursts = h.events.slice(hm).filter((e) => e.type === "reactionBurst") as { count: number }[];
    return { bursts, total: bursts.reduce((n, e) => n + e.count, 0) };
  };
  // Every listener's first taps arrive (at least one each), however slow the machine; then a
  // moment for the last summed burst, so that the cap is checked on all of it.
  await waitFor("the crowd's reactions at the host", () => (seen().total >= 60 ? true : undefined), 15_000)
    .catch(() => {});
  await new Promise((r) => setTimeout(r, 1_000));
  const { bursts, total } = seen();
  assert(total >= 60 && total <= 60 * 11, `the host saw ${total} reactions in ${bursts.length} bursts`);
  // Summed: a handful of messages, not one per tap.
  assert(bursts.length <= 10, `${bursts.length} bursts for one flood`);
  // A listener who only now does something is still answered.
  const late = await onShard(id, 0, l1);
  await late.waitFor("sync");
  const lm = late.mark();
  late.send({ type: "requestToSpeak" });
  await late.waitFor("handRaised", (e) => e.hand.sub === l1.sub, lm);
  await Promise.all([h.close(), late.close(), ...crowd.map((c) => c.close())]);
});

Deno.test({
  name: "audience: stop the servers",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await dev.dispose();
    await sfu.close();
  },
});
