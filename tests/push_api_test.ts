// Web Push end to end with a local push service that checks VAPID and decrypts what the server
// sends: the key pair is made once and kept, subscriptions are checked, an incoming and a missed
// call reach the callee's browsers in their language, a gone subscription is dropped, and a call
// the rule forbids pushes nothing.
import assert from "node:assert/strict";
import { createDeps } from "../app.tsx";
import { placeCall } from "../lib/server/calls/call_service.ts";
import { loadConfig } from "../lib/server/config.ts";
import { PushStore } from "../lib/server/push/subscriptions.ts";
import { account, befriend, call, joinCall, sleep } from "./support/calls.ts";
import { PartyDev, partyTest } from "./support/party.ts";
import { PushService } from "./support/push.ts";
import { sameOrigin, startWeb } from "./support/web.ts";

const web = await startWeb();
const dev = await PartyDev.start({ vars: { SPAZIO_WEB_URL: web.url.replace("localhost", "127.0.0.1") } });
web.deps.config.partyUrl = web.deps.config.partyPublicUrl = dev.http;
const pushService = await PushService.start();

partyTest("the VAPID key pair is made on first start, kept in KV, and the same after a restart", async () => {
  const a = (await call(web, null, "GET", "/api/push/key")).body.publicKey;
  assert.match(a, /^[A-Za-z0-9_-]{87}$/);
  assert.equal((await call(web, null, "GET", "/api/push/key")).body.publicKey, a);
  // A second web instance on the same KV (a restart, or another instance) uses the same pair.
  const other = await createDeps({ ...loadConfig(), kvPath: web.kvPath });
  const { vapidKeys } = await import("../lib/server/push/vapid.ts");
  assert.equal((await vapidKeys(other.kv)).publicKey, a);
  other.kv.close();
});

partyTest("subscriptions: bad ones and non-https endpoints are refused and nothing is stored", async () => {
  const ann = await account(web, "sub_ann");
  const good = pushService.subscription();
  const bad = [{}, { endpoint: "not a url", keys: good.keys }, {
    endpoint: good.endpoint,
    keys: { p256dh: "short", auth: good.keys.auth },
  }, { endpoint: good.endpoint }];
  for (const body of bad) {
    assert.equal((await call(web, ann, "POST", "/api/push/subscriptions", body)).status, 400, JSON.stringify(body));
  }
  // Without the local-testing switch, plain http and private addresses are not push services.
  Deno.env.delete("SPAZIO_PUSH_ALLOW_HTTP");
  for (
    const endpoint of [good.endpoint, "https://127.0.0.1/push/x", "https://10.0.0.8/push/x", "https://localhost/x"]
  ) {
    const r = await call(web, ann, "POST", "/api/push/subscriptions", { ...good, endpoint });
    assert.equal(r.status, 400, endpoint);
  }
  assert.equal((await call(web, null, "POST", "/api/push/subscriptions", good)).status, 401);
  assert.deepEqual(await new PushStore(web.deps.kv).list(ann.user.id), []);
  Deno.env.set("SPAZIO_PUSH_ALLOW_HTTP", "1");
  assert.equal((await call(web, ann, "POST", "/api/push/subscriptions", good)).status, 201);
  assert.equal((await new PushStore(web.deps.kv).list(ann.user.id)).length, 1);
  assert.equal((await call(web, ann, "DELETE", "/api/push/subscriptions", { endpoint: good.endpoint })).status, 200);
  assert.deepEqual(await new PushStore(web.deps.kv).list(ann.user.id), []);
});

partyTest(
  "an incoming call and then the missed call reach the callee's browser, encrypted and VAPID-signed, in French",
  async () => {
    Deno.env.set("SPAZIO_PUSH_ALLOW_HTTP", "1");
    const ann = await account(web, "push_ann");
    const bob = await account(web, "push_bob");
    await befriend(web, ann, bob);
    const sub = pushService.subscription();
    const res = await fetch(
      `${web.url}/api/push/subscriptions`,
      sameOrigin(web, { method: "POST", cookie: `${bob.cookie}; spazio_lang=fr`, body: JSON.stringify(sub) }),
    );
    assert.equal(res.status, 201);
    await res.body?.cancel();
    const serverKey = (await call(web, null, "GET", "/api/push/key")).body.publicKey;

    const placed = await placeCall(web.deps, ann.user, bob.user, true, 1_500);
    const ring = await pushService.waitFor((p) =>
      p.payload.callId === placed.callId && p.payload.type === "incomingCall"
    );
    assert.equal(ring.payload.title, "Push_ann vous appelle");
    assert.equal(ring.payload.body, "Appel vidéo sur Spazio");
    assert.equal(ring.payload.url, `/calls/${placed.callId}`);
    assert.deepEqual(ring.payload.actions.map((a: { action: string; url: string }) => [a.action, a.url]), [
      ["accept", `/calls/${placed.callId}?answer=1`],
      ["open", `/calls/${placed.callId}`],
    ]);
    assert.equal(ring.ttl, "30");
    assert.equal(ring.urgency, "high");
    assert.equal(ring.serverKey, serverKey);
    assert.equal(ring.vapid.aud, pushService.origin);
    assert.match(ring.vapid.sub, /^(mailto:|https:)/);

    const a = await joinCall(web, dev, ann, placed.callId);
    await a.waitFor("status", (e) => e.call.status === "missed", 0, 8_000);
    const missed = await pushService.waitFor((p) =>
      p.payload.callId === placed.callId && p.payload.type === "missedCall"
    );
    assert.equal(missed.payload.title, "Appel manqué de Push_ann");
    assert.equal(missed.payload.tag, ring.payload.tag);
    assert.equal(missed.payload.url, `/messages/${ann.user.handle}`);
  },
);

partyTest("a subscription the push service calls gone is dropped; a forbidden call pushes nothing", async () => {
  Deno.env.set("SPAZIO_PUSH_ALLOW_HTTP", "1");
  const ann = await account(web, "gone_ann");
  const bob = await account(web, "gone_bob");
  const eve = await account(web, "gone_eve");
  await befriend(web, ann, bob);
  const sub = pushService.subscription("/push/expired");
  pushService.gone.add("/push/expired");
  assert.equal((await call(web, bob, "POST", "/api/push/subscriptions", sub)).status, 201);
  const r = await call(web, ann, "POST", "/api/calls", { to: bob.user.handle, video: false });
  assert.equal(r.status, 201);
  await sleep(300);
  assert.ok(pushService.refused.some((x) => x.path === "/push/expired" && x.reason === "gone"));
  assert.deepEqual(await new PushStore(web.deps.kv).list(bob.user.id), []);

  const live = pushService.subscription();
  assert.equal((await call(web, bob, "POST", "/api/push/subscriptions", live)).status, 201);
  const before = pushService.received.length;
  assert.equal((await call(web, eve, "POST", "/api/calls", { to: bob.user.handle, video: false })).status, 403);
  await sleep(300);
  assert.equal(pushService.received.length, before);
});

partyTest("stop the servers", async () => {
  Deno.env.delete("SPAZIO_PUSH_ALLOW_HTTP");
  await pushService.close();
  await dev.dispose();
  await web.close();
});
