// DMs through the web and the inbox rooms of a real `partykit dev`: live delivery to every open
// tab, thread list and unread counts, and every refusal (bad text, blocks, floods, strangers'
// inboxes) changing nothing.
import assert from "node:assert/strict";
import { DEV_SERVER_SECRET } from "../lib/protocol/defaults.ts";
import { signRequest } from "../lib/protocol/token.ts";
import { account, call, openInbox, sleep } from "./support/calls.ts";
import { PartyDev, partyTest } from "./support/party.ts";
import { startWeb } from "./support/web.ts";

const web = await startWeb();
const dev = await PartyDev.start({ vars: { SPAZIO_WEB_URL: web.url.replace("localhost", "127.0.0.1") } });
web.deps.config.partyUrl = web.deps.config.partyPublicUrl = dev.http;

let n = 0;
const pair = async () => {
  n++;
  return [await account(web, `ann${n}`), await account(web, `bob${n}`)] as const;
};

partyTest("a DM reaches every open tab of both people at once; the list shows it unread until read", async () => {
  const [ann, bob] = await pair();
  const bobTab1 = await openInbox(web, dev, bob);
  const bobTab2 = await openInbox(web, dev, bob);
  const annTab = await openInbox(web, dev, ann);
  const sent = await call(web, ann, "POST", `/api/messages/${bob.user.handle}`, { text: "  Hello Bob!  " });
  assert.equal(sent.status, 201);
  assert.equal(sent.body.entry.text, "Hello Bob!");
  for (const tab of [bobTab1, bobTab2]) {
    const e = await tab.waitFor("dm");
    assert.equal(e.entry.text, "Hello Bob!");
    assert.equal(e.peer.handle, ann.user.handle);
    assert.equal(e.unread, 1);
  }
  const own = await annTab.waitFor("dm");
  assert.equal(own.peer.handle, bob.user.handle);
  assert.equal(own.unread, 0);

  const list = await call(web, bob, "GET", "/api/messages");
  assert.equal(list.body.threads.length, 1);
  assert.equal(list.body.threads[0].peer.handle, ann.user.handle);
  assert.equal(list.body.threads[0].last.text, "Hello Bob!");
  assert.equal(list.body.threads[0].unread, 1);

  const from = bobTab2.mark();
  assert.equal((await call(web, bob, "POST", `/api/messages/${ann.user.handle}/read`)).status, 200);
  await bobTab2.waitFor("read", (e) => e.peerId === ann.user.id, from);
  assert.equal((await call(web, bob, "GET", "/api/messages")).body.threads[0].unread, 0);

  const thread = await call(web, ann, "GET", `/api/messages/${bob.user.handle}`);
  assert.deepEqual(thread.body.entries.map((e: { text: string }) => e.text), ["Hello Bob!"]);
  await Promise.all([bobTab1.close(), bobTab2.close(), annTab.close()]);
});

partyTest("bad DMs are refused with a clear error, and nothing is stored or delivered", async () => {
  const [ann, bob] = await pair();
  const bobTab = await openInbox(web, dev, bob);
  const cases: [unknown, number, string][] = [
    [{ text: "" }, 400, "dm.err.empty"],
    [{ text: "   \n " }, 400, "dm.err.empty"],
    [{ text: "x".repeat(1001) }, 400, "dm.err.too_long"],
    [{}, 400, "dm.err.empty"],
    [{ text: 42 }, 400, "dm.err.empty"],
    // Only invisible characters: zero-width, Hangul filler, Braille blank, bidi, lone marks.
    [{ text: "\u200B\u200C\u200D\u2060\uFEFF" }, 400, "dm.err.empty"],
    [{ text: "\u3164\u2800\u202E\u0301\uFE0F" }, 400, "dm.err.empty"],
  ];
  for (const [body, status, code] of cases) {
    const r = await call(web, ann, "POST", `/api/messages/${bob.user.handle}`, body);
    assert.equal(r.status, status, JSON.stringify(body));
    assert.equal(r.body.error.code, code);
    assert.ok(r.body.error.message.length > 5);
  }
  assert.equal((await call(web, null, "POST", `/api/messages/${bob.user.handle}`, { text: "hi" })).status, 401);
  assert.equal((await call(web, ann, "POST", `/api/messages/nobody_here`, { text: "hi" })).status, 404);
  assert.equal(
    (await call(web, ann, "POST", `/api/messages/${ann.user.handle}`, { text: "hi" })).body.error.code,
    "dm.err.self",
  );
  const crossSite = await fetch(`${web.url}/api/messages/${bob.user.handle}`, {
    method: "POST",
    headers: {
      cookie: ann.cookie,
      origin: "https://evil.example",
      "sec-fetch-site": "cross-site",
      "content-type": "application/json",
    },
    body: JSON.stringify({ text: "hi" }),
  });
  assert.equal(crossSite.status, 403);
  await crossSite.body?.cancel();
  // 1,000 emoji are 1,000 characters, though 2,000 UTF-16 units: allowed.
  assert.equal(
    (await call(web, ann, "POST", `/api/messages/${bob.user.handle}`, { text: "🎉".repeat(1000) })).status,
    201,
  );
  await bobTab.waitFor("dm");
  assert.equal(bobTab.seen("dm").length, 1);
  assert.equal((await call(web, bob, "GET", "/api/messages")).body.threads[0].unread, 1);
  await bobTab.close();
});

partyTest("a block stops DMs both ways, and nothing reaches the blocker", async () => {
  const [ann, bob] = await pair();
  await web.deps.social.block(bob.user.id, ann.user.id);
  const bobTab = await openInbox(web, dev, bob);
  const r1 = await call(web, ann, "POST", `/api/messages/${bob.user.handle}`, { text: "let me in" });
  assert.equal(r1.status, 403);
  assert.equal(r1.body.error.code, "dm.err.blocked");
  const r2 = await call(web, bob, "POST", `/api/messages/${ann.user.handle}`, { text: "hmm" });
  assert.equal(r2.status, 403);
  assert.equal(r2.body.error.code, "dm.err.blocked_by_you");
  await sleep(300);
  assert.equal(bobTab.seen("dm").length, 0);
  assert.deepEqual((await call(web, bob, "GET", "/api/messages")).body.threads, []);
  assert.deepEqual((await call(web, ann, "GET", "/api/messages")).body.threads, []);
  await bobTab.close();
});

partyTest("a sender flooding DMs is stopped at 30 a minute", async () => {
  const [ann, bob] = await pair();
  for (let i = 0; i < 30; i++) {
    assert.equal((await call(web, ann, "POST", `/api/messages/${bob.user.handle}`, { text: `m${i}` })).status, 201);
  }
  const r = await call(web, ann, "POST", `/api/messages/${bob.user.handle}`, { text: "one more" });
  assert.equal(r.status, 429);
  assert.equal(r.body.error.code, "dm.err.rate_limited");
  const thread = await call(web, bob, "GET", `/api/messages/${ann.user.handle}?limit=100`);
  assert.equal(thread.body.entries.length, 30);
});

partyTest("an inbox opens only with its owner's token, takes only pings, and deliveries must be signed", async () => {
  const [ann, bob] = await pair();
  const annToken = (await call(web, ann, "POST", "/api/inbox/token")).body.token;
  const upgrade = async (room: string, token: string) => {
    const res = await fetch(`${dev.http}/parties/user/${room}?token=${encodeURIComponent(token)}`, {
      headers: {
        upgrade: "websocket",
        connection: "Upgrade",
        "sec-websocket-version": "13",
        "sec-websocket-key": btoa("0123456789abcdef"),
      },
    });
    await res.body?.cancel();
    return res.status;
  };
  assert.equal(await upgrade(bob.user.id, annToken), 401);
  assert.equal(await upgrade(bob.user.id, ""), 401);
  assert.equal((await call(web, null, "POST", "/api/inbox/token")).status, 401);

  const annTab = await openInbox(web, dev, ann);
  annTab.send({ type: "ping" });
  await annTab.waitFor("pong");
  annTab.send({ type: "dm", entry: { text: "forged" } });
  const err = await annTab.waitFor("error");
  assert.equal(err.code, "bad_message");
  const before = annTab.mark();
  annTab.send("not json");
  assert.equal((await annTab.waitFor("error", () => true, before)).code, "bad_message");

  const forgedEvent = { type: "deliver", events: [{ type: "read", peerId: bob.user.id }] };
  const unsigned = await fetch(`${dev.http}/parties/user/${ann.user.id}`, {
    method: "POST",
    body: JSON.stringify(forgedEvent),
  });
  assert.equal(unsigned.status, 401);
  await unsigned.body?.cancel();
  const body = JSON.stringify(forgedEvent);
  const wrongKey = await fetch(`${dev.http}/parties/user/${ann.user.id}`, {
    method: "POST",
    headers: await signRequest("not-the-server-secret", body),
    body,
  });
  assert.equal(wrongKey.status, 401);
  await wrongKey.body?.cancel();
  const malformed = JSON.stringify({ type: "deliver", events: [{ type: "read" }] });
  const bad = await fetch(`${dev.http}/parties/user/${ann.user.id}`, {
    method: "POST",
    headers: await signRequest(DEV_SERVER_SECRET, malformed),
    body: malformed,
  });
  assert.equal(bad.status, 400);
  await bad.body?.cancel();
  await sleep(200);
  assert.equal(annTab.seen("read").length, 0);
  await annTab.close();
});

partyTest("stop the servers", async () => {
  await dev.dispose();
  await web.close();
});
