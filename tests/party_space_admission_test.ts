// Who gets into a Space room, over a real `partykit dev`: tokens, Origin, bans, blocks, restarts.
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { SPACE_CLOSE } from "../lib/protocol/space.ts";
import {
  type Answer,
  initSpace,
  newSpaceId,
  PartyDev,
  partyTest,
  roomGet,
  roomPost,
  spaceToken,
} from "./support/party.ts";
import { RoomClient, upgradeAnswer } from "./support/party_client.ts";

const host = { sub: "u:host0001", handle: "hosta", name: "Hosta" };
const lis = { sub: "u:listen01", handle: "lis", name: "Lis" };
const anon = { sub: "a:anon0001" };

const dev = await PartyDev.start();

partyTest(
  "sync on connect: a listener sees the title, the stage with the host, and their own role",
  async () => {
    const id = newSpaceId();
    await initSpace(dev, id, host);
    const h = await RoomClient.join(dev, id, host);
    const l = await RoomClient.join(dev, id, lis);
    const sync = await l.waitFor("sync");
    assertEquals(sync.space.title, `Space ${id}`);
    assertEquals(sync.space.status, "live");
    assertEquals(sync.stage.map((m) => [m.sub, m.role, m.muted, m.present]), [[
      host.sub,
      "host",
      true,
      true,
    ]]);
    assertEquals(sync.you.role, "listener");
    assertEquals(sync.you.anonymous, false);
    // The host sees the listener counted (coalesced, so it arrives a little later).
    await h.waitFor("listenerCount", (e) => e.count === 1);
    const a = await RoomClient.join(dev, id, anon);
    assertEquals((await a.waitFor("sync")).you.anonymous, true);
    await Promise.all([h.close(), l.close(), a.close()]);
  },
);

partyTest("a token minted for another Space is refused before the upgrade", async () => {
  const id = newSpaceId();
  await initSpace(dev, id, host);
  const other = await spaceToken("someOtherSpace", lis);
  const answer = await upgradeAnswer(dev, id, other);
  assertEquals(answer.status, 401);
  assertEquals(answer.body.code, "wrong_room");
  const c = RoomClient.open(dev, id, other);
  await c.closed;
  assert(!c.opened, "the socket never opened");
  assertEquals(c.events, []);
});

partyTest("an expired token and a forged token are refused", async () => {
  const id = newSpaceId();
  await initSpace(dev, id, host);
  const expired = await spaceToken(id, lis, { ttlSeconds: 60 }, Date.now() - 10 * 60_000);
  assertEquals((await upgradeAnswer(dev, id, expired)).body.code, "expired");
  const [payload] = (await spaceToken(id, lis)).split(".");
  assertEquals((await upgradeAnswer(dev, id, `${payload}.AAAA`)).body.code, "bad_signature");
  assertEquals((await upgradeAnswer(dev, id, "")).status, 401);
  const c = RoomClient.open(dev, id, expired);
  await c.closed;
  assert(!c.opened);
});

partyTest("a foreign Origin is refused; the app's own origins are let in", async () => {
  const id = newSpaceId();
  await initSpace(dev, id, host);
  const token = await spaceToken(id, lis);
  const answer = await upgradeAnswer(dev, id, token, "https://evil.example");
  assertEquals(answer.status, 403);
  assertEquals(answer.body.code, "forbidden_origin");
  const evil = RoomClient.open(dev, id, token, { origin: "https://evil.example" });
  await evil.closed;
  assert(!evil.opened);
  const good = await RoomClient.join(dev, id, lis, { origin: "http://localhost:8000" });
  assertEquals((await good.waitFor("sync")).you.sub, lis.sub);
  await good.close();
});

partyTest(
  "an anonymous listener can react, and is asked to sign in for anything else",
  async () => {
    const id = newSpaceId();
    await initSpace(dev, id, host);
    const h = await RoomClient.join(dev, id, host);
    const a = await RoomClient.join(dev, id, { sub: "a:anon0001" });
    await a.request({ type: "react", emoji: "😂" }, "reaction", (e) => e.sub === "a:anon0001");
    for (
      const cmd of [{ type: "comment", text: "hi" }, { type: "requestToSpeak" }, {
        type: "report",
        target: { space: true },
        reason: "x",
      }]
    ) {
      const err = await a.request(cmd, "error");
      assertEquals(err.code, "sign_in_required");
      assert(err.message.startsWith("Sign in"), err.message);
    }
    assert(!h.events.some((e) => e.type === "handRaised" || e.type === "comment"));
    await Promise.all([a.close(), h.close()]);
  },
);

partyTest("a Space that was never created closes the connection with a reason", async () => {
  const id = newSpaceId("none");
  const c = RoomClient.open(dev, id, await spaceToken(id, lis));
  assertEquals(await c.closed, { code: 4004, reason: "This Space does not exist." });
});

partyTest("one person cannot hold more than five connections to a Space", async () => {
  const id = newSpaceId();
  await initSpace(dev, id, host);
  const five = await Promise.all([1, 2, 3, 4, 5].map(() => RoomClient.join(dev, id, lis)));
  const sixth = RoomClient.open(dev, id, await spaceToken(id, lis));
  const closed = await sixth.closed;
  assertEquals(closed.code, SPACE_CLOSE.tooManyConnections);
  assert(closed.reason.includes("Too many open connections"));
  await Promise.all(five.map((c) => c.close()));
});

partyTest("reconnecting in a tight loop is refused after a burst, with a reason", async () => {
  const id = newSpaceId();
  await initSpace(dev, id, host);
  const looper = { sub: "u:looper01" };
  let refused: { code: number; reason: string } | undefined;
  for (let i = 0; i < 20 && !refused; i++) {
    const c = RoomClient.open(dev, id, await spaceToken(id, looper));
    const outcome = await Promise.race([
      c.waitFor("sync").then(() => "open", () => "closed"),
      c.closed.then(() => "closed"),
    ]);
    if (outcome === "closed") refused = await c.closed;
    else await c.close();
  }
  assertEquals(refused?.code, SPACE_CLOSE.tooManyConnections);
  assert(refused.reason.includes("Connecting too often"), refused.reason);
  // Somebody else is not affected.
  const other = await RoomClient.join(dev, id, lis);
  await other.close();
});

partyTest("one network address cannot swamp a room; other addresses still get in", async () => {
  const id = newSpaceId();
  await initSpace(dev, id, host);
  // The address header is the one Cloudflare sets; here the test plays the platform.
  const net = { headers: { "cf-connecting-ip": "203.0.113.9" } };
  const crowd = await Promise.all(
    Array.from(
      { length: 200 },
      (_, i) => RoomClient.join(dev, id, { sub: `u:nat${String(i).padStart(4, "0")}` }, net),
    ),
  );
  const extra = RoomClient.open(dev, id, await spaceToken(id, { sub: "u:nat9999" }), net);
  const closed = await extra.closed;
  assertEquals(closed.code, SPACE_CLOSE.tooManyConnections);
  assert(closed.reason.includes("your network"), closed.reason);
  const elsewhere = await RoomClient.join(dev, id, lis, {
    headers: { "cf-connecting-ip": "198.51.100.7" },
  });
  await Promise.all([elsewhere.close(), ...crowd.map((c) => c.close())]);
});

partyTest(
  "HTTP: unsigned or forged POSTs and GETs get 401; a signed GET gives the public snapshot; init is idempotent",
  async () => {
    const id = newSpaceId();
    const unsigned = await fetch(`${dev.http}/parties/space/${id}`, {
      method: "POST",
      body: JSON.stringify({ type: "end" }),
    });
    assertEquals(unsigned.status, 401);
    await unsigned.body?.cancel();
    assertEquals((await roomPost(dev, id, { type: "end" }, "not-the-secret")).status, 401);
    await initSpace(dev, id, host);
    const again = await roomPost(dev, id, {
      type: "init",
      spaceId: id,
      title: "Another title",
      host: lis,
    });
    assertEquals(again.status, 200);
    assertEquals(again.body.snapshot.space.title, `Space ${id}`, "a second init changes nothing");
    assertEquals(again.body.snapshot.space.host.sub, host.sub);
    const bare = await fetch(`${dev.http}/parties/space/${id}`);
    assertEquals([bare.status, (await bare.json()).code], [401, "unsigned"], "the snapshot is not public");
    assertEquals((await roomGet(dev, id, "", "not-the-secret")).status, 401);
    const snap: Answer = (await roomGet(dev, id)).body;
    assertEquals(snap.stage, [{ ...host, role: "host", muted: true }]);
    assertEquals(snap.listenerCount, 0);
    assertEquals((await roomPost(dev, id, { type: "getGrant", sub: "not a sub" })).status, 400);
  },
);

partyTest("a host's account blocks keep a person out and put them out if present", async () => {
  const id = newSpaceId();
  await initSpace(dev, id, host, { blockedSubs: ["u:blocked1"] });
  const blocked = RoomClient.open(dev, id, await spaceToken(id, { sub: "u:blocked1" }));
  assertEquals((await blocked.closed).code, SPACE_CLOSE.removed);
  assertEquals(blocked.events.map((e) => e.type), ["removed"]);
  assertEquals(
    (await roomPost(dev, id, { type: "getGrant", sub: "u:blocked1" })).body.admitted,
    false,
  );
  const l = await RoomClient.join(dev, id, lis);
  const res = await roomPost(dev, id, { type: "updateBlocks", blockedSubs: [lis.sub] });
  assertEquals(res.status, 200);
  await l.waitFor("removed");
  assertEquals((await l.closed).code, SPACE_CLOSE.removed);
  // The SFU asking is told the same: not admitted to the media. The list is replaced as a whole,
  // so the first blocked person is let back in.
  assertEquals((await roomPost(dev, id, { type: "getGrant", sub: lis.sub })).body.admitted, false);
  assertEquals(
    (await roomPost(dev, id, { type: "getGrant", sub: "u:blocked1" })).body.admitted,
    true,
  );
  // Whoever the host unblocks may come back (the SFU hears admitted: true again).
  await roomPost(dev, id, { type: "updateBlocks", blockedSubs: [] });
  assertEquals((await roomPost(dev, id, { type: "getGrant", sub: lis.sub })).body.admitted, true);
});

partyTest(
  "listener counts are coalesced: twenty joins reach the host as a few updates, ending at 20",
  async () => {
    const id = newSpaceId();
    await initSpace(dev, id, host);
    const h = await RoomClient.join(dev, id, host);
    const from = h.mark();
    const listeners = await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) => RoomClient.join(dev, id, { sub: `u:crowd${String(i).padStart(3, "0")}` }),
      ),
    );
    await h.waitFor("listenerCount", (e) => e.count === 20, from);
    const updates = h.events.slice(from).filter((e) => e.type === "listenerCount").length;
    assert(updates < 20, `expected coalesced updates, got ${updates}`);
    assert(
      !h.events.slice(from).some((e) => e.type === "participantJoined"),
      "listeners are counted, not announced",
    );
    await Promise.all([h.close(), ...listeners.map((l) => l.close())]);
  },
);

partyTest("stop the dev server", async () => {
  await dev.dispose();
});
