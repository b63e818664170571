// A call's media admits its two people only while the call is accepted, whatever token is shown:
// the SFU asks the call room (the authority) at every connection. A ringing call, a declined one,
// an ended one, and a stranger with a well-signed token are all refused before anything exists.
import assert from "node:assert/strict";
import { DEV_ROOM_SECRET } from "../lib/protocol/defaults.ts";
import { mintRoomToken } from "../lib/protocol/token.ts";
import { type Account, account, befriend, call, joinCall } from "./support/calls.ts";
import { freePort, PartyDev, waitFor } from "./support/party.ts";
import { SfuProcess } from "./support/sfu.ts";
import { startWeb } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** What the SFU does with a socket holding this person's token for the call's media room. */
async function trySfu(sfu: SfuProcess, callId: string, who: Account): Promise<string> {
  const token = await mintRoomToken(DEV_ROOM_SECRET, { aud: "sfu", room: `c_${callId}`, sub: `u:${who.user.id}` });
  const ws = new WebSocket(`ws://127.0.0.1:${sfu.port}/ws?token=${encodeURIComponent(token)}`);
  return await new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve("no answer"), 5_000);
    ws.onopen = () => ws.send(JSON.stringify({ type: "getRouterRtpCapabilities", id: 1 }));
    ws.onmessage = (e) => {
      clearTimeout(timer);
      resolve(JSON.parse(e.data).type === "response" ? "answered" : "refused");
      ws.close();
    };
    ws.onerror = () => {};
    ws.onclose = (e) => {
      clearTimeout(timer);
      resolve(`closed:${e.code}`);
    };
  });
}

Deno.test("call media admits the two people only while the call is accepted", opts, async () => {
  const web = await startWeb();
  const sfuPort = freePort();
  const dev = await PartyDev.start({
    vars: { SPAZIO_WEB_URL: web.url.replace("localhost", "127.0.0.1"), SPAZIO_SFU_URL: `http://127.0.0.1:${sfuPort}` },
  });
  web.deps.config.partyUrl = web.deps.config.partyPublicUrl = dev.http;
  const sfu = await SfuProcess.start({ SPAZIO_SFU_PORT: String(sfuPort), SPAZIO_PARTY_URL: dev.http });
  try {
    const ann = await account(web, "ann_adm");
    const bob = await account(web, "bob_adm");
    const eve = await account(web, "eve_adm");
    await befriend(web, ann, bob);

    // Ringing: nobody's media yet, even with a token the web would never have minted.
    const placed = await call(web, ann, "POST", "/api/calls", { to: bob.user.handle, video: false });
    assert.equal(placed.status, 201);
    const { callId } = placed.body;
    const a = await joinCall(web, dev, ann, callId);
    const b = await joinCall(web, dev, bob, callId);
    assert.notEqual(await trySfu(sfu, callId, ann), "answered", "a ringing call admitted the caller");

    // Accepted: the two are let in, a stranger is not.
    b.send({ type: "accept" });
    await a.waitFor("status", (e) => e.call.status === "accepted");
    assert.equal(await trySfu(sfu, callId, ann), "answered");
    assert.equal(await trySfu(sfu, callId, bob), "answered");
    assert.notEqual(await trySfu(sfu, callId, eve), "answered", "a stranger got into the call's media");

    // Ended: nobody, with any token.
    a.send({ type: "hangup" });
    await b.waitFor("status", (e) => e.call.status === "ended");
    await waitFor(
      "the call's media to refuse the caller",
      async () => ((await trySfu(sfu, callId, ann)) !== "answered" ? true : undefined),
      5_000,
    );
    assert.notEqual(await trySfu(sfu, callId, bob), "answered", "an ended call admitted the callee");

    // Declined: nobody either.
    const second = await call(web, ann, "POST", "/api/calls", { to: bob.user.handle, video: false });
    const b2 = await joinCall(web, dev, bob, second.body.callId);
    b2.send({ type: "decline" });
    await b2.waitFor("status", (e) => e.call.status === "declined");
    assert.notEqual(await trySfu(sfu, second.body.callId, ann), "answered", "a declined call admitted the caller");
    assert.notEqual(await trySfu(sfu, second.body.callId, bob), "answered", "a declined call admitted the callee");
  } finally {
    await sfu.stop();
    await dev.dispose();
    await web.close();
  }
});
