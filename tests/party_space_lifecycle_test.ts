// A Space over time, through a real `partykit dev`: scheduled, edited, started; and a restart of
// the server (room storage, `--persist`) after which the room comes back whole and a removed
// person stays out whatever token they bring.
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { SPACE_CLOSE } from "../lib/protocol/space.ts";
import { initSpace, newSpaceId, PartyDev, partyTest, roomPost, spaceToken } from "./support/party.ts";
import { RoomClient } from "./support/party_client.ts";

const host = { sub: "u:host0001", handle: "hosta", name: "Hosta" };
const lis = { sub: "u:listen01", handle: "lis", name: "Lis" };

const dev = await PartyDev.start();

partyTest(
  "a scheduled Space: edits reach listeners, commands wait for start, start seats the pre-named speaker",
  async () => {
    const id = newSpaceId();
    const speaker = { sub: "u:speaker1", handle: "spk" };
    await initSpace(dev, id, host, { speakers: [], scheduledFor: Date.now() + 3_600_000 });
    const s = await RoomClient.join(dev, id, speaker);
    assertEquals((await s.waitFor("sync")).space.status, "scheduled");
    assertEquals((await s.request({ type: "react", emoji: "💯" }, "error")).code, "not_live");
    const later = Date.now() + 7_200_000;
    const from = s.mark();
    const edit = { type: "update", title: "Renamed", scheduledFor: later, speakers: [speaker] };
    assertEquals((await roomPost(dev, id, edit)).body.snapshot.space.title, "Renamed");
    const updated = await s.waitFor("spaceUpdated", undefined, from);
    assertEquals([updated.space.title, updated.space.scheduledFor], ["Renamed", later]);
    const res = await roomPost(dev, id, { type: "start" });
    assertEquals(res.body.snapshot.space.status, "live");
    await s.waitFor("started");
    const seated = await s.waitFor("roleChanged", (e) => e.person.sub === speaker.sub);
    assertEquals([seated.role, seated.muted], ["speaker", true]);
    // Once live, the time cannot move; the title still can.
    assertEquals((await roomPost(dev, id, { type: "update", scheduledFor: later })).status, 409);
    assertEquals((await roomPost(dev, id, { type: "update", title: "Live now" })).status, 200);
    await s.waitFor("spaceUpdated", (e) => e.space.title === "Live now");
    await s.close();
  },
);

partyTest(
  "a restart loses nothing: stage, mutes, roles, hands, pin and comments come back",
  async () => {
    const id = newSpaceId("rs");
    const spk = { sub: "u:speaker1", handle: "spk" };
    const waiting = { sub: "u:waiting1", handle: "wait" };
    await initSpace(dev, id, host, { speakers: [spk] });
    const h = await RoomClient.join(dev, id, host);
    const s = await RoomClient.join(dev, id, spk);
    await s.waitFor("roleChanged", (e) => e.person.sub === spk.sub);
    await s.request({ type: "unmuteSelf" }, "unmuted");
    await h.request({ type: "addCohost", sub: spk.sub }, "roleChanged", (e) => e.role === "cohost");
    const w = await RoomClient.join(dev, id, waiting);
    await w.request({ type: "requestToSpeak" }, "handRaised");
    const c = await w.request({ type: "comment", text: "before the restart" }, "comment");
    await h.request({ type: "pin", commentId: c.comment.id }, "pinned");
    await s.request({ type: "muteSelf" }, "muted");
    await h.request({ type: "unmuteSelf" }, "unmuted");
    await Promise.all([h.close(), s.close(), w.close()]);

    await dev.restart();
    const again = await RoomClient.join(dev, id, waiting);
    const sync = await again.waitFor("sync");
    assertEquals(sync.stage.map((m) => [m.sub, m.role, m.muted]), [[host.sub, "host", false], [
      spk.sub,
      "cohost",
      true,
    ]]);
    assertEquals(sync.hands.map((x) => x.sub), [waiting.sub]);
    assertEquals(sync.you.handRaised, true);
    assertEquals(sync.comments.map((x) => x.text), ["before the restart"]);
    assertEquals(sync.pinned?.kind, "comment");
    const grant = (await roomPost(dev, id, { type: "getGrant", sub: spk.sub })).body;
    assertEquals([grant.canSpeak, grant.muted, grant.admitted], [true, true, true]);
    await again.close();
  },
);

partyTest(
  "a removed person is refused with their old token and with a fresh one, also after a restart",
  async () => {
    const id = newSpaceId();
    await initSpace(dev, id, host);
    const h = await RoomClient.join(dev, id, host);
    const oldToken = await spaceToken(id, lis, { ttlSeconds: 600 });
    const l = RoomClient.open(dev, id, oldToken);
    await l.waitFor("sync");
    await h.request({ type: "remove", sub: lis.sub }, "listenerCount", (e) => e.count === 0);
    const removed = await l.waitFor("removed");
    assert(removed.message.includes("removed"));
    assertEquals((await l.closed).code, SPACE_CLOSE.removed);

    const refusedBy = async (token: string) => {
      const c = RoomClient.open(dev, id, token);
      const closed = await c.closed;
      return { closed, events: c.events.map((e) => e.type) };
    };
    const expectRefused = {
      closed: { code: SPACE_CLOSE.removed, reason: "You were removed from this Space." },
      events: ["removed"],
    };
    assertEquals(await refusedBy(oldToken), expectRefused);
    assertEquals(await refusedBy(await spaceToken(id, lis)), expectRefused);
    await h.close();

    await dev.restart();
    assertEquals(await refusedBy(oldToken), expectRefused);
    assertEquals(await refusedBy(await spaceToken(id, lis)), expectRefused);
    // The SFU, asking after the restart, is told the same: not admitted.
    assertEquals(
      (await roomPost(dev, id, { type: "getGrant", sub: lis.sub })).body.admitted,
      false,
    );
    // The rest of the room survived too: the host is still the host.
    const h2 = await RoomClient.join(dev, id, host);
    assertEquals((await h2.waitFor("sync")).you.role, "host");
    await h2.close();
  },
);

partyTest("stop the dev server", async () => {
  await dev.dispose();
});
