// Commands over real WebSockets to a real `partykit dev`: permissions, bad input and floods are
// refused with a clear error and change nothing; the stage flow reaches every client and the SFU.
// Longer than 300 lines on purpose: one running `partykit dev` for every command; a split would
// start it again.
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { SPACE_CLOSE } from "../lib/protocol/space.ts";
import { foldSpaceEvent } from "../lib/protocol/space_view.ts";
import { initSpace, newSpaceId, PartyDev, partyTest, roomGet, roomPost } from "./support/party.ts";
import { CaptureServer, RoomClient } from "./support/party_client.ts";

const host = { sub: "u:host0001", handle: "hosta", name: "Hosta" };
const cohost = { sub: "u:cohost01", handle: "coho", name: "Coho" };
const lis = { sub: "u:listen01", handle: "lis", name: "Lis" };

const sfu = new CaptureServer();
const dev = await PartyDev.start({ vars: { SPAZIO_SFU_URL: sfu.url, SPAZIO_WEB_URL: sfu.url } });

/** A live Space with the host, a co-host and a listener connected. */
async function space() {
  const id = newSpaceId();
  await initSpace(dev, id, host, { cohosts: [cohost] });
  const h = await RoomClient.join(dev, id, host);
  const c = await RoomClient.join(dev, id, cohost);
  // A pre-named co-host is seated when they connect to a live Space.
  await h.waitFor("roleChanged", (e) => e.person.sub === cohost.sub && e.role === "cohost");
  // ...and hears it themself, right after their sync.
  await c.waitFor("roleChanged", (e) => e.person.sub === cohost.sub && e.role === "cohost");
  const l = await RoomClient.join(dev, id, lis);
  const snapshot = async () => (await roomGet(dev, id)).body;
  const closeAll = () => Promise.all([h.close(), c.close(), l.close()]);
  return { id, h, c, l, snapshot, closeAll };
}

partyTest("a role claimed in a message is refused; the room goes by the token", async () => {
  const { h, l, snapshot, closeAll } = await space();
  const before = await snapshot();
  const err = await l.request({ type: "end", role: "host", ref: "r1" }, "error");
  assertEquals(err.code, "bad_message");
  assertEquals(err.ref, "r1");
  assert(err.message.includes("role"), err.message);
  const err2 = await l.request({ type: "end", as: host.sub }, "error");
  assertEquals(err2.code, "bad_message");
  const err3 = await l.request({ type: "acceptRequest", sub: lis.sub }, "error");
  assertEquals(err3.code, "forbidden");
  assertEquals(await snapshot(), before);
  assert(
    !h.events.some((e) => e.type === "ended" || e.type === "roleChanged" && e.person.sub === lis.sub),
  );
  await closeAll();
});

partyTest(
  "a listener cannot mute; a speaker cannot add a co-host; a co-host cannot end",
  async () => {
    const { id, h, c, l, snapshot, closeAll } = await space();
    await h.request({ type: "unmuteSelf" }, "unmuted");
    const mute = await l.request({ type: "mute", sub: host.sub, ref: "m" }, "error");
    assertEquals([mute.code, mute.ref], ["forbidden", "m"]);
    // Bring the listener up so they are a speaker, then let them try to make themself a co-host.
    await l.request({ type: "requestToSpeak" }, "handRaised");
    await h.request({ type: "acceptRequest", sub: lis.sub }, "roleChanged");
    await l.waitFor("roleChanged", (e) => e.role === "speaker");
    const add = await l.request({ type: "addCohost", sub: lis.sub }, "error");
    assertEquals(add.code, "forbidden");
    const end = await c.request({ type: "end" }, "error");
    assertEquals(end.code, "forbidden");
    assert(end.message.includes("Only the host"));
    const snap = await snapshot();
    assertEquals(snap.space.status, "live");
    assertEquals(
      snap.stage.map((
        m: { sub: string; role: string; muted: boolean },
      ) => [m.sub, m.role, m.muted]),
      [
        [host.sub, "host", false],
        [cohost.sub, "cohost", true],
        [lis.sub, "speaker", true],
      ],
    );
    assertEquals((await roomPost(dev, id, { type: "getGrant", sub: host.sub })).body.muted, false);
    await closeAll();
  },
);

partyTest(
  "malformed messages get an error and change nothing; over 16 KiB closes with 1009",
  async () => {
    const { l, snapshot, closeAll } = await space();
    const before = await snapshot();
    for (
      const bad of [
        "not json",
        "[]",
        "null",
        '{"type":"fly"}',
        '{"type":"comment","text":""}',
        '{"type":"react","emoji":"🍕"}',
      ]
    ) {
      const err = await l.request(bad, "error");
      assertEquals(err.code, "bad_message", bad);
    }
    const pin = await l.request({ type: "comment", text: "x".repeat(281) }, "error");
    assertEquals(pin.code, "bad_message");
    assertEquals(await snapshot(), before);
    l.send(JSON.stringify({ type: "comment", text: "y".repeat(17 * 1024) }));
    const closed = await l.closed;
    assertEquals(closed.code, SPACE_CLOSE.tooBig);
    assert(closed.reason.includes("16 KiB"));
    await closeAll();
  },
);

partyTest(
  "floods of reactions, hands, comments and messages are rate limited with a clear error",
  async () => {
    const { h, l, closeAll } = await space();
    const from = l.mark();
    for (let i = 0; i < 30; i++) l.send({ type: "react", emoji: "👋" });
    const limited = await l.waitFor("error", (e) => e.code === "rate_limited", from);
    assert(limited.message.includes("reactions"));
    const seen = h.events.filter((e) => e.type === "reaction").length;
    assert(seen < 30, "the host did not receive the whole flood");
    for (let i = 0; i < 10; i++) l.send({ type: i % 2 ? "cancelRequest" : "requestToSpeak" });
    await l.waitFor("error", (e) => e.code === "rate_limited" && e.message.includes("hands"), from);
    for (let i = 0; i < 10; i++) l.send({ type: "comment", text: `spam ${i}` });
    await l.waitFor(
      "error",
      (e) => e.code === "rate_limited" && e.message.includes("comments"),
      from,
    );
    // Past the general limit, a connection that keeps flooding is closed.
    for (let i = 0; i < 400; i++) {
      l.send({ type: "cancelRequest" });
    }
    const closed = await l.closed;
    assertEquals(closed.code, SPACE_CLOSE.flood);
    // Others are unaffected.
    await h.request({ type: "react", emoji: "❤️" }, "reaction");
    await closeAll();
  },
);

partyTest(
  "the stage flow: hand, accept, muted arrival, self-unmute, host mute, back to audience; SFU grants follow",
  async () => {
    const { id, h, l, closeAll } = await space();
    // The host (from creation) and the pre-named co-host (on connecting) were granted the stage.
    await sfu.waitFor(
      "/control/grant",
      (b) => b.room === `s_${id}` && b.sub === host.sub && b.canSpeak,
    );
    await sfu.waitFor(
      "/control/grant",
      (b) => b.room === `s_${id}` && b.sub === cohost.sub && b.canSpeak,
    );
    // The join plan (part, shard) rides along for the web; the SFU reads the grant.
    const grant = async () => {
      const { part: _p, shard: _s, ...g } = (await roomPost(dev, id, { type: "getGrant", sub: lis.sub })).body;
      return g;
    };
    assertEquals(await grant(), {
      canSpeak: false,
      muted: true,
      admitted: true,
      video: false,
      seq: (await grant()).seq,
      ended: false,
      recording: false,
      // The test Space has no language: nothing to caption.
      captions: null,
    });

    await l.request({ type: "requestToSpeak" }, "handRaised");
    await h.waitFor("handRaised", (e) => e.hand.sub === lis.sub);
    await h.request({ type: "acceptRequest", sub: lis.sub }, "roleChanged");
    const up = await l.waitFor("roleChanged", (e) => e.person.sub === lis.sub);
    assertEquals([up.role, up.muted], ["speaker", true]);
    const g1 = await grant();
    assertEquals([g1.canSpeak, g1.muted], [true, true]);
    await sfu.waitFor(
      "/control/grant",
      (b) => b.room === `s_${id}` && b.sub === lis.sub && b.canSpeak && b.muted,
    );

    // Nobody unmutes someone else: there is no such command, and a sub on unmuteSelf is refused.
    assertEquals(
      (await h.request({ type: "unmuteSelf", sub: lis.sub }, "error")).code,
      "bad_message",
    );
    await l.request({ type: "unmuteSelf" }, "unmuted");
    assertEquals((await grant()).muted, false);
    await sfu.waitFor("/control/grant", (b) => b.sub === lis.sub && b.canSpeak && !b.muted);

    await h.request({ type: "mute", sub: lis.sub }, "muted");
    await l.waitFor("muted", (e) => e.sub === lis.sub && e.by === host.sub);
    const g2 = await grant();
    assertEquals([g2.canSpeak, g2.muted], [true, true]);
    assert(g2.seq > g1.seq, "grant seq increases");

    await h.request({ type: "moveToAudience", sub: lis.sub }, "roleChanged");
    assertEquals(
      (await l.waitFor("roleChanged", (e) => e.role === "listener")).person.sub,
      lis.sub,
    );
    assertEquals((await grant()).canSpeak, false);
    const last = await sfu.waitFor("/control/grant", (b) => b.sub === lis.sub && !b.canSpeak);
    assert(
      sfu.requests.filter((r) => r.path === "/control/grant").every((r) => r.signed),
      "every grant is signed",
    );
    assert((last.body as { seq: number }).seq > g2.seq);
    await sfu.waitFor(`/api/internal/spaces/${id}/state`);

    // What the listener's page built from sync + deltas is what a fresh page gets in its sync.
    const fresh = await RoomClient.join(dev, id, lis);
    const { type: _, ...freshView } = await fresh.waitFor("sync");
    const [first, ...deltas] = l.events;
    assert(first.type === "sync");
    const { type: __, ...start } = first;
    const folded = deltas.reduce(foldSpaceEvent, start);
    assertEquals({ ...folded, listenerCount: 0 }, { ...freshView, listenerCount: 0 });
    await fresh.close();
    await closeAll();
  },
);

partyTest(
  "invitation with consent, comments, pin, report; only the host ends, and the SFU room closes",
  async () => {
    const { id, h, c, l, closeAll } = await space();
    await c.request({ type: "inviteToSpeak", sub: lis.sub }, "invited");
    await l.waitFor("invited", (e) => e.sub === lis.sub);
    await l.request({ type: "declineInvite" }, "inviteAnswered");
    assertEquals((await l.request({ type: "acceptInvite" }, "error")).code, "not_found");
    const comment = await l.request({ type: "comment", text: "  hello  " }, "comment");
    assertEquals([comment.comment.text, comment.comment.sub], ["hello", lis.sub]);
    await c.request({ type: "pin", commentId: comment.comment.id }, "pinned");
    assertEquals((await l.waitFor("pinned")).pin, {
      kind: "comment",
      comment: comment.comment,
      by: cohost.sub,
    });
    const reported = await l.request({
      type: "report",
      target: { space: true },
      reason: "off topic",
      ref: "rep",
    }, "reported");
    assertEquals(reported.ref, "rep");
    await sfu.waitFor(
      "/api/internal/reports",
      (b) => b.id === reported.reportId && b.by.sub === lis.sub,
    );
    // Stored in the room for review, with who, what and when; listing them needs a signature.
    assertEquals((await fetch(`${dev.http}/parties/space/${id}?reports`)).status, 401);
    const [stored] = (await roomGet(dev, id, "?reports")).body.reports;
    assertEquals([stored.id, stored.by.sub, stored.target, stored.reason, typeof stored.at], [
      reported.reportId,
      lis.sub,
      { space: true },
      "off topic",
      "number",
    ]);

    await h.request({ type: "end" }, "ended");
    for (const client of [c, l]) {
      await client.waitFor("ended");
      assertEquals((await client.closed).code, SPACE_CLOSE.ended);
    }
    await sfu.waitFor("/control/close", (b) => b.room === `s_${id}`);
    // An ended Space's media admits nobody, host included.
    assertEquals(
      (await roomPost(dev, id, { type: "getGrant", sub: host.sub })).body.admitted,
      false,
    );
    const after = await RoomClient.join(dev, id, lis);
    assertEquals((await after.waitFor("sync")).space.status, "ended");
    assertEquals((await after.closed).code, SPACE_CLOSE.ended);
    await closeAll();
  },
);

partyTest(
  "a removal and a host's block reach the SFU as admitted:false with a newer seq; an unblock lets back in",
  async () => {
    const { id, h, l, closeAll } = await space();
    const pushes = (sub: string) =>
      sfu.requests.filter((r) =>
        r.path === "/control/grant" && (r.body as { room: string }).room === `s_${id}` &&
        (r.body as { sub: string }).sub === sub
      ).map((r) => r.body as { admitted: boolean; canSpeak: boolean; seq: number });
    const seqBefore = (await roomPost(dev, id, { type: "getGrant", sub: lis.sub })).body.seq;
    await h.request({ type: "remove", sub: lis.sub }, "participantLeft");
    await l.waitFor("removed");
    const removed = await sfu.waitFor(
      "/control/grant",
      (b) => b.room === `s_${id}` && b.sub === lis.sub && b.admitted === false,
    );
    assertEquals(removed.body, {
      room: `s_${id}`,
      sub: lis.sub,
      canSpeak: false,
      muted: true,
      admitted: false,
      video: false,
      seq: seqBefore + 1,
    });
    assertEquals(removed.signed, true);
    const { part: _p, shard: _s, ...answer } = (await roomPost(dev, id, { type: "getGrant", sub: lis.sub })).body;
    assertEquals(answer, {
      canSpeak: false,
      muted: true,
      admitted: false,
      video: false,
      seq: seqBefore + 1,
      ended: false,
      recording: false,
      // The test Space has no language: nothing to caption.
      captions: null,
    });

    // A host's block, of someone who never connected, then lifted.
    const stranger = "u:stranger1";
    await roomPost(dev, id, { type: "updateBlocks", blockedSubs: [stranger] });
    await sfu.waitFor("/control/grant", (b) => b.sub === stranger && b.admitted === false);
    await roomPost(dev, id, { type: "updateBlocks", blockedSubs: [] });
    await sfu.waitFor("/control/grant", (b) => b.sub === stranger && b.admitted === true);
    const [blockedPush, unblockedPush] = pushes(stranger);
    assert(unblockedPush.seq > blockedPush.seq && blockedPush.seq > seqBefore + 1, "seq grows");
    assertEquals(
      (await roomPost(dev, id, { type: "getGrant", sub: stranger })).body.admitted,
      true,
    );
    // The removal stays: a later block list does not lift a ban.
    assertEquals(
      (await roomPost(dev, id, { type: "getGrant", sub: lis.sub })).body.admitted,
      false,
    );
    assertEquals(pushes(lis.sub).filter((g) => g.admitted).length, 0);
    await closeAll();
  },
);

partyTest("stop the servers", async () => {
  await dev.dispose();
  await sfu.close();
});
