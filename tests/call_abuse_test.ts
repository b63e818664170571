// Calls that must not happen, and messages that must not count: a call the rule forbids never
// rings; strangers get no tokens; forged call ids, the wrong person accepting, role claims and
// malformed messages are refused and change nothing; at most 5 call attempts a minute.
import assert from "node:assert/strict";
import { DEV_ROOM_SECRET, DEV_SERVER_SECRET } from "../lib/protocol/defaults.ts";
import { mintRoomToken, signRequest } from "../lib/protocol/token.ts";
import { type Account, account, befriend, call, joinCall, openInbox, sleep, Socket } from "./support/calls.ts";
import { PartyDev, partyTest } from "./support/party.ts";
import { startWeb } from "./support/web.ts";

const web = await startWeb();
const dev = await PartyDev.start({ vars: { SPAZIO_WEB_URL: web.url.replace("localhost", "127.0.0.1") } });
web.deps.config.partyUrl = web.deps.config.partyPublicUrl = dev.http;

let n = 0;
async function trio(): Promise<[Account, Account, Account]> {
  n++;
  const ann = await account(web, `ann${n}`);
  const bob = await account(web, `bob${n}`);
  const eve = await account(web, `eve${n}`);
  await befriend(web, ann, bob);
  return [ann, bob, eve];
}

partyTest("a call the rule forbids is refused in plain words and never reaches the callee", async () => {
  const [ann, bob, eve] = await trio();
  const bobInbox = await openInbox(web, dev, bob);
  // Eve is a stranger to Bob; then Bob writes to her but she is still not in a group he allows.
  let r = await call(web, eve, "POST", "/api/calls", { to: bob.user.handle, video: false });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, "call.err.not_allowed");
  assert.match(r.body.error.message, /only takes calls/);
  // Bob turns calls off: even Ann, a contact he wrote to, is refused.
  await call(web, bob, "PUT", "/api/settings/calls", { who: "nobody" });
  r = await call(web, ann, "POST", "/api/calls", { to: bob.user.handle, video: false });
  assert.equal(r.body.error.code, "call.err.calling_off");
  // Calls back on for everyone; Bob never wrote to Eve.
  await call(web, bob, "PUT", "/api/settings/calls", { who: "everyone" });
  r = await call(web, eve, "POST", "/api/calls", { to: bob.user.handle, video: false });
  assert.equal(r.body.error.code, "call.err.no_dm");
  // Bob blocks Ann.
  await web.deps.social.block(bob.user.id, ann.user.id);
  r = await call(web, ann, "POST", "/api/calls", { to: bob.user.handle, video: false });
  assert.equal(r.body.error.code, "call.err.blocked");
  r = await call(web, bob, "POST", "/api/calls", { to: ann.user.handle, video: false });
  assert.equal(r.body.error.code, "call.err.blocked_by_you");
  await sleep(300);
  assert.equal(bobInbox.seen("incomingCall").length, 0);
  for (const who of [ann, bob, eve]) assert.deepEqual((await call(web, who, "GET", "/api/calls")).body.calls, []);
  await bobInbox.close();
});

partyTest("bad call settings are refused and change nothing", async () => {
  const [, bob] = await trio();
  const before = (await call(web, bob, "GET", "/api/settings/calls")).body.settings;
  for (
    const body of [
      {},
      { who: "admins" },
      { who: ["everyone"] },
      { enabled: true, allow: { contacts: false, following: false, verified: false, everyone: true } },
      { ...before, admin: true },
    ]
  ) {
    const r = await call(web, bob, "PUT", "/api/settings/calls", body);
    assert.equal(r.status, 400, JSON.stringify(body));
  }
  assert.equal((await call(web, null, "PUT", "/api/settings/calls", before)).status, 401);
  assert.deepEqual((await call(web, bob, "GET", "/api/settings/calls")).body.settings, before);
});

partyTest(
  "only the two people get tokens; forged ids, strangers' tokens and other rooms' tokens are refused",
  async () => {
    const [ann, bob, eve] = await trio();
    const { body } = await call(web, ann, "POST", "/api/calls", { to: bob.user.handle, video: false });
    const id = body.callId;
    assert.equal((await call(web, eve, "POST", `/api/calls/${id}/join`)).status, 404);
    assert.equal((await call(web, eve, "POST", `/api/calls/${id}/media`)).status, 404);
    assert.equal((await call(web, ann, "POST", `/api/calls/forged-call-id-0001/join`)).status, 404);
    // Another id of the same shape (its last character changed; an id that ends in X gets a Y).
    const forged = id.slice(0, -1) + (id.endsWith("X") ? "Y" : "X");
    assert.equal((await call(web, ann, "POST", `/api/calls/${forged}/join`)).status, 404);
    assert.equal((await call(web, null, "POST", `/api/calls/${id}/join`)).status, 401);

    // A real token for a person who is not in the call (as if minted by mistake) is shut out.
    const eveToken = await mintRoomToken(DEV_ROOM_SECRET, { aud: "call", room: id, sub: `u:${eve.user.id}` });
    const intruder = Socket.call(dev, id, eveToken);
    assert.equal((await intruder.closed).code, 4003);
    assert.equal(intruder.seen("sync").length, 0);
    // Ann's token for this call does not open another call's room, nor a call that was never made.
    const annToken = (await call(web, ann, "POST", `/api/calls/${id}/join`)).body.token;
    const other = await fetch(`${dev.http}/parties/call/other-call-00001?token=${encodeURIComponent(annToken)}`, {
      headers: {
        upgrade: "websocket",
        connection: "Upgrade",
        "sec-websocket-version": "13",
        "sec-websocket-key": btoa("0123456789abcdef"),
      },
    });
    assert.equal(other.status, 401);
    await other.body?.cancel();
    const ghost = Socket.call(
      dev,
      "never-made-00001",
      await mintRoomToken(DEV_ROOM_SECRET, { aud: "call", room: "never-made-00001", sub: `u:${ann.user.id}` }),
    );
    assert.equal((await ghost.closed).code, 4004);
    // The room's state is untouched by all of it.
    const b = await joinCall(web, dev, bob, id);
    assert.equal(b.events[0].call.status, "ringing");
    await b.close();
  },
);

partyTest("the caller cannot accept; role claims and malformed messages are refused; nothing changes", async () => {
  const [ann, bob] = await trio();
  const { body } = await call(web, ann, "POST", "/api/calls", { to: bob.user.handle, video: false });
  const a = await joinCall(web, dev, ann, body.callId);
  const b = await joinCall(web, dev, bob, body.callId);
  const cases: [unknown, string][] = [
    [{ type: "accept" }, "not_allowed"],
    [{ type: "decline" }, "not_allowed"],
    [{ type: "accept", sub: `u:${bob.user.id}` }, "bad_message"],
    [{ type: "accept", as: "callee" }, "bad_message"],
    [{ type: "hangup" }, "wrong_state"],
    [{ type: "transfer", to: "eve" }, "bad_message"],
    ["not json", "bad_message"],
    [{ type: "accept", ref: "x".repeat(100) }, "bad_message"],
  ];
  for (const [msg, code] of cases) {
    const from = a.mark();
    a.send(msg);
    const err = await a.waitFor("error", () => true, from);
    assert.equal(err.code, code, JSON.stringify(msg));
    assert.ok(err.message.length > 10);
  }
  b.send({ type: "cancel" });
  assert.equal((await b.waitFor("error")).code, "not_allowed");
  assert.equal(a.seen("status").length + b.seen("status").length, 0);
  const again = await joinCall(web, dev, bob, body.callId);
  assert.equal(again.events[0].call.status, "ringing");
  // A message over 16 KiB closes the socket.
  a.send({ type: "accept", ref: "x".repeat(17_000) });
  assert.equal((await a.closed).code, 1009);
  await Promise.all([b.close(), again.close()]);
});

partyTest("unsigned requests to a call room and forged reports to the web are refused", async () => {
  const [ann, bob] = await trio();
  const init = JSON.stringify({
    type: "init",
    callId: "forged-init-0001",
    caller: { sub: `u:${ann.user.id}`, handle: "a", name: "A" },
    callee: { sub: `u:${bob.user.id}`, handle: "b", name: "B" },
    video: false,
  });
  const unsigned = await fetch(`${dev.http}/parties/call/forged-init-0001`, { method: "POST", body: init });
  assert.equal(unsigned.status, 401);
  await unsigned.body?.cancel();
  const { body } = await call(web, ann, "POST", "/api/calls", { to: bob.user.handle, video: false });
  const fake = JSON.stringify({ type: "callChanged", call: { callId: body.callId, status: "ended" } });
  const r1 = await fetch(`${web.url}/api/internal/calls/${body.callId}`, {
    method: "POST",
    body: fake,
    headers: await signRequest("wrong-secret", fake),
  });
  assert.equal(r1.status, 401);
  await r1.body?.cancel();
  const r2 = await fetch(`${web.url}/api/internal/calls/${body.callId}`, {
    method: "POST",
    body: fake,
    headers: await signRequest(DEV_SERVER_SECRET, fake),
  });
  assert.equal(r2.status, 400);
  await r2.body?.cancel();
  assert.equal((await web.deps.kv.get<{ status: string }>(["calls", body.callId])).value?.status, "ringing");
});

partyTest("at most 5 call attempts a minute: the 6th is refused and never rings", async () => {
  const [ann, bob] = await trio();
  const bobInbox = await openInbox(web, dev, bob);
  for (let i = 0; i < 5; i++) {
    const r = await call(web, ann, "POST", "/api/calls", { to: bob.user.handle, video: false });
    assert.equal(r.status, 201, `attempt ${i + 1}: ${JSON.stringify(r.body)}`);
    const a = await joinCall(web, dev, ann, r.body.callId);
    a.send({ type: "cancel" });
    await a.waitFor("status");
  }
  const r = await call(web, ann, "POST", "/api/calls", { to: bob.user.handle, video: false });
  assert.equal(r.status, 429);
  assert.equal(r.body.error.code, "call.err.rate_limited");
  await sleep(300);
  assert.equal(bobInbox.seen("incomingCall").length, 5);
  await bobInbox.close();
});

partyTest("stop the servers", async () => {
  await dev.dispose();
  await web.close();
});
