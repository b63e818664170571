// A socket the room refuses as it connects is closed then and there, with its code and reason, as
// it was found left open: a removed person coming back with their old token (4003, after the
// `removed` event) and a sixth socket of one person (4029), on the Space room and on an audience
// shard; and the same refusal on a call (not one of its two people) and an inbox (too many tabs).
// A refused socket that stays open is a client that hangs, showing nothing, until the close
// finally comes: each refusal must have arrived within DEADLINE_MS or it counts as left open.
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { DEV_ROOM_SECRET, DEV_SERVER_SECRET } from "../lib/protocol/defaults.ts";
import { CALL_CLOSE } from "../lib/protocol/call.ts";
import { INBOX_CLOSE } from "../lib/protocol/dm.ts";
import { SPACE_CLOSE } from "../lib/protocol/space.ts";
import { audienceRoomId } from "../lib/protocol/space_audience.ts";
import { mintRoomToken, signRequest } from "../lib/protocol/token.ts";
import { initSpace, newSpaceId, PartyDev, partyTest, spaceToken, type TestPerson, waitFor } from "./support/party.ts";
import { CaptureServer, RoomClient } from "./support/party_client.ts";

/** A refusal still open after this is left open (the bug was 13-17 s). */
const DEADLINE_MS = 3_000;

const host = { sub: "u:rhost001", handle: "rhost", name: "R Host" };
const fan = { sub: "u:rfan0001", handle: "rfan", name: "R Fan" };

const web = new CaptureServer();
const dev = await PartyDev.start({ vars: { SPAZIO_SFU_URL: web.url, SPAZIO_WEB_URL: web.url } });

/** The close a refused client sees, or "left open" when none came by the deadline. */
async function closeOf(c: RoomClient): Promise<{ code: number; reason: string } | "left open"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"left open">((r) => timer = setTimeout(() => r("left open"), DEADLINE_MS));
  try {
    return await Promise.race([c.closed, late]);
  } finally {
    clearTimeout(timer);
  }
}

const shardToken = (room: string, who: TestPerson) => mintRoomToken(DEV_ROOM_SECRET, { aud: "audience", room, ...who });

/** Where a listener connects: the Space room itself, or its first audience shard. */
const places = {
  "the Space room": async (spaceId: string, who: TestPerson) =>
    RoomClient.open(dev, spaceId, await spaceToken(spaceId, who)),
  "an audience shard": async (spaceId: string, who: TestPerson) => {
    const room = audienceRoomId(spaceId, 0);
    return RoomClient.openParty(dev, "audience", room, await shardToken(room, who));
  },
};

for (const [where, open] of Object.entries(places)) {
  partyTest(`${where}: a removed person's old token is refused with 4003 at once, not left open`, async () => {
    const id = newSpaceId("rm");
    await initSpace(dev, id, host);
    const h = await RoomClient.join(dev, id, host);
    const before = await open(id, fan);
    await before.waitFor("sync");
    h.send({ type: "remove", sub: fan.sub });
    assertEquals((await closeOf(before) as { code: number }).code, SPACE_CLOSE.removed);

    const again = await open(id, fan);
    const closed = await closeOf(again);
    assertEquals(closed, { code: SPACE_CLOSE.removed, reason: "You were removed from this Space." });
    assertEquals(again.events.map((e) => e.type), ["removed"], "told why, and nothing of the Space");
    await h.close();
  });

  partyTest(`${where}: a sixth socket of one person is refused with 4029 at once, not left open`, async () => {
    const id = newSpaceId("six");
    await initSpace(dev, id, host);
    const five: RoomClient[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await open(id, fan);
      await c.waitFor("sync");
      five.push(c);
    }
    const sixth = await open(id, fan);
    const closed = await closeOf(sixth);
    assert(closed !== "left open", "the sixth socket was left open");
    assertEquals(closed.code, SPACE_CLOSE.tooManyConnections);
    assert(closed.reason.includes("Too many open connections"), closed.reason);
    assertEquals(sixth.events, [], "a refused socket hears nothing of the Space");
    await Promise.all(five.map((c) => c.close()));
  });
}

partyTest("a call: a third person's socket is refused at once, not left open", async () => {
  const callId = `c${newSpaceId("call")}`;
  const body = JSON.stringify({
    type: "init",
    callId,
    caller: { sub: "u:caller01", handle: "caller", name: "Caller" },
    callee: { sub: "u:callee01", handle: "callee", name: "Callee" },
    video: false,
  });
  const init = await fetch(`${dev.http}/parties/call/${callId}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(await signRequest(DEV_SERVER_SECRET, body)) },
    body,
  });
  assertEquals(init.status, 200, await init.text());
  const token = await mintRoomToken(DEV_ROOM_SECRET, { aud: "call", room: callId, sub: "u:stranger", handle: "x" });
  const stranger = RoomClient.openParty(dev, "call", callId, token);
  const closed = await closeOf(stranger);
  assert(closed !== "left open", "the stranger's socket was left open");
  assertEquals(closed.code, CALL_CLOSE.notParty);
});

partyTest("an inbox: a tab over the limit is refused at once, not left open", async () => {
  const userId = `in${newSpaceId()}`;
  const token = () => mintRoomToken(DEV_ROOM_SECRET, { aud: "user", room: userId, sub: `u:${userId}`, handle: "in" });
  // An inbox holds twenty tabs (party/user/room.ts); each says hello when it is let in.
  const tabs: RoomClient[] = [];
  for (let i = 0; i < 20; i++) {
    const tab = RoomClient.openParty(dev, "user", userId, await token());
    await waitFor(`tab ${i + 1}'s hello`, () => tab.events.some((e) => (e.type as string) === "hello") || undefined);
    tabs.push(tab);
  }
  const extra = RoomClient.openParty(dev, "user", userId, await token());
  const closed = await closeOf(extra);
  assert(closed !== "left open", "the tab over the limit was left open");
  assertEquals(closed.code, INBOX_CLOSE.tooManyConnections);
  await Promise.all(tabs.map((t) => t.close()));
});

Deno.test({
  name: "refusals: stop the servers",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await dev.dispose();
    await web.close();
  },
});
