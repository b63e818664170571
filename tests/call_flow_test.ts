// Calls end to end over the web and a real `partykit dev`: ringing reaches the callee's inbox,
// accept / decline / cancel / busy / missed are seen by both sides, history lands in the thread
// and on /calls, media tokens exist only for the two while the call rings or goes on, and the SFU
// room is closed at the end.
import assert from "node:assert/strict";
import { placeCall } from "../lib/server/calls/call_service.ts";
import { type Account, account, befriend, call, ControlSink, joinCall, openInbox, sleep } from "./support/calls.ts";
import { PartyDev, partyTest } from "./support/party.ts";
import { startWeb } from "./support/web.ts";

const web = await startWeb();
const sfu = new ControlSink();
const dev = await PartyDev.start({
  vars: { SPAZIO_WEB_URL: web.url.replace("localhost", "127.0.0.1"), SPAZIO_SFU_URL: sfu.url },
});
web.deps.config.partyUrl = web.deps.config.partyPublicUrl = dev.http;

let n = 0;
async function friends(): Promise<[Account, Account]> {
  n++;
  const ann = await account(web, `ann${n}`);
  const bob = await account(web, `bob${n}`);
  await befriend(web, ann, bob);
  return [ann, bob];
}

async function callEntry(web_: typeof web, who: Account, peer: Account, callId: string) {
  const r = await call(web_, who, "GET", `/api/messages/${peer.user.handle}`);
  return r.body.entries.find((e: { callId?: string }) => e.callId === callId);
}

partyTest(
  "A calls B: B's tabs ring, B accepts, A hangs up; both see each step; history and SFU close follow",
  async () => {
    const [ann, bob] = await friends();
    const bobInbox = await openInbox(web, dev, bob);
    const placed = await call(web, ann, "POST", "/api/calls", {
      to: bob.user.handle,
      video: false,
    });
    assert.equal(placed.status, 201);
    assert.equal(placed.body.status, "ringing");
    const { callId } = placed.body;
    const ring = await bobInbox.waitFor("incomingCall");
    assert.equal(ring.callId, callId);
    assert.equal(ring.from.handle, ann.user.handle);
    assert.equal(ring.video, false);

    const a = await joinCall(web, dev, ann, callId);
    const b = await joinCall(web, dev, bob, callId);
    assert.equal(a.events[0].you, "caller");
    assert.equal(b.events[0].you, "callee");
    assert.equal(b.events[0].call.status, "ringing");
    // While it rings both get their media token (the SFU refuses it until the answer:
    // sfu/test/admission.test.ts), so the answer does not wait for the web.
    for (const who of [ann, bob]) {
      const early = await call(web, who, "POST", `/api/calls/${callId}/media`);
      assert.equal(early.status, 200);
      assert.match(early.body.url, /^ws:\/\/.*\/ws$/);
    }
    const stranger = await account(web, `eve${n}`);
    assert.equal((await call(web, stranger, "POST", `/api/calls/${callId}/media`)).status, 404);

    b.send({ type: "accept" });
    assert.equal(
      (await a.waitFor("status", (e) => e.call.status === "accepted")).call.acceptedAt > 0,
      true,
    );
    assert.equal(
      (await b.waitFor("status", (e) => e.call.status === "accepted")).answeredHere,
      true,
    );
    await bobInbox.waitFor("callEnded", (e) => e.callId === callId && e.status === "accepted");
    for (const who of [ann, bob]) {
      const media = await call(web, who, "POST", `/api/calls/${callId}/media`);
      assert.equal(media.status, 200);
      assert.match(media.body.url, /^ws:\/\/.*\/ws$/);
    }

    await sleep(1_100);
    a.send({ type: "hangup" });
    const ended = await b.waitFor("status", (e) => e.call.status === "ended");
    assert.equal(ended.call.endedBy, "caller");
    assert.equal((await a.closed).code, 4000);
    assert.equal((await b.closed).code, 4000);
    const dm = await bobInbox.waitFor("dm", (e) => e.entry.kind === "call");
    assert.equal(dm.entry.outcome, "answered");
    assert.ok(dm.entry.durationS >= 1);
    await sfu.waitFor("/control/close", (body) => body.room === `c_${callId}`);
    const history = await call(web, ann, "GET", "/api/calls");
    assert.equal(history.body.calls[0].status, "ended");
    assert.equal((await call(web, ann, "POST", `/api/calls/${callId}/media`)).status, 409);
    await bobInbox.close();
  },
);

partyTest("B declines: A sees it at once, both threads show the declined call", async () => {
  const [ann, bob] = await friends();
  const { body } = await call(web, ann, "POST", "/api/calls", { to: bob.user.handle, video: true });
  const a = await joinCall(web, dev, ann, body.callId);
  const b = await joinCall(web, dev, bob, body.callId);
  b.send({ type: "decline" });
  assert.equal((await a.waitFor("status")).call.status, "declined");
  assert.equal((await b.waitFor("status")).call.status, "declined");
  const entry = await waitForEntry(ann, bob, body.callId);
  assert.equal(entry.outcome, "declined");
  assert.equal(entry.video, true);
});

partyTest("A cancels: B's ringing stops on every tab, B's thread shows a missed call", async () => {
  const [ann, bob] = await friends();
  const bobInbox = await openInbox(web, dev, bob);
  const { body } = await call(web, ann, "POST", "/api/calls", {
    to: bob.user.handle,
    video: false,
  });
  await bobInbox.waitFor("incomingCall");
  const a = await joinCall(web, dev, ann, body.callId);
  const b = await joinCall(web, dev, bob, body.callId);
  a.send({ type: "cancel" });
  assert.equal((await b.waitFor("status")).call.status, "cancelled");
  await bobInbox.waitFor("callEnded", (e) => e.callId === body.callId && e.status === "cancelled");
  const dm = await bobInbox.waitFor("dm", (e) => e.entry.kind === "call");
  assert.equal(dm.entry.outcome, "cancelled");
  assert.equal(dm.unread, 1);
  await bobInbox.close();
});

partyTest(
  "B already in a call: A's call answers busy, B's tabs never ring, both see it",
  async () => {
    const [ann, bob] = await friends();
    n++;
    const carl = await account(web, `carl${n}`);
    await befriend(web, carl, bob);
    const first = await call(web, carl, "POST", "/api/calls", {
      to: bob.user.handle,
      video: false,
    });
    const c = await joinCall(web, dev, carl, first.body.callId);
    const b = await joinCall(web, dev, bob, first.body.callId);
    b.send({ type: "accept" });
    await c.waitFor("status", (e) => e.call.status === "accepted");

    const bobInbox = await openInbox(web, dev, bob);
    const placed = await call(web, ann, "POST", "/api/calls", {
      to: bob.user.handle,
      video: false,
    });
    assert.equal(placed.status, 201);
    assert.equal(placed.body.status, "busy");
    const a = await joinCall(web, dev, ann, placed.body.callId);
    assert.equal(a.events[0].call.status, "busy");
    const dm = await bobInbox.waitFor(
      "dm",
      (e) => e.entry.kind === "call" && e.entry.callId === placed.body.callId,
    );
    assert.equal(dm.entry.outcome, "busy");
    assert.equal(bobInbox.seen("incomingCall").length, 0);
    // Bob's own call goes on undisturbed.
    assert.equal(b.seen("status").length, 1);
    c.send({ type: "hangup" });
    await b.waitFor("status", (e) => e.call.status === "ended");
    await bobInbox.close();
  },
);

partyTest(
  "no answer in time is a missed call for both; the callee's tabs stop ringing",
  async () => {
    const [ann, bob] = await friends();
    const bobInbox = await openInbox(web, dev, bob);
    // The web rings for 30 s; the room takes the time from the web, so this test asks for 2 s.
    const placed = await placeCall(web.deps, ann.user, bob.user, false, 2_000);
    const a = await joinCall(web, dev, ann, placed.callId);
    await bobInbox.waitFor("incomingCall");
    const missed = await a.waitFor("status", () => true, 0, 10_000);
    assert.equal(missed.call.status, "missed");
    assert.equal(missed.call.endedBy, "timeout");
    await bobInbox.waitFor("callEnded", (e) => e.callId === placed.callId && e.status === "missed");
    const dm = await bobInbox.waitFor("dm", (e) => e.entry.kind === "call");
    assert.equal(dm.entry.outcome, "missed");
    assert.equal((await waitForEntry(ann, bob, placed.callId)).outcome, "missed");
    await bobInbox.close();
  },
);

async function waitForEntry(who: Account, peer: Account, callId: string) {
  for (let i = 0; i < 100; i++) {
    const e = await callEntry(web, who, peer, callId);
    if (e) return e;
    await sleep(50);
  }
  throw new Error("no call entry in the thread");
}

partyTest("stop the servers", async () => {
  await dev.dispose();
  await sfu.close();
  await web.close();
});
