// A call's media admits its two people only while the call rings or is accepted, whatever token is
// shown: the SFU asks the call room (the authority) at every connection. While it rings both pages
// connect and send ahead, held there until the answer. A declined or ended call, and a stranger
// with a well-signed token, are refused before anything exists.
import assert from "node:assert/strict";
import { DEV_ROOM_SECRET } from "../lib/protocol/defaults.ts";
import { SfuCloseCode } from "../lib/protocol/sfu.ts";
import { mintRoomToken } from "../lib/protocol/token.ts";
import { type Account, account, befriend, call, joinCall } from "./support/calls.ts";
import { freePort, PartyDev, waitFor } from "./support/party.ts";
import { SfuProcess } from "./support/sfu.ts";
import { startWeb } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** An Opus sender's parameters, as a browser would give them. */
const OPUS = {
  codecs: [{
    mimeType: "audio/opus",
    payloadType: 111,
    clockRate: 48000,
    channels: 2,
    parameters: {},
    rtcpFeedback: [],
  }],
  encodings: [{ ssrc: 22222222 }],
  rtcp: { cname: "test" },
};

const sfuToken = (callId: string, who: Account) =>
  mintRoomToken(DEV_ROOM_SECRET, { aud: "sfu", room: `c_${callId}`, sub: `u:${who.user.id}` });

/**
 * What the SFU does with a socket holding this person's token for the call's media room:
 * `closed:<code>` (refused before anything), "sends" (a producer made), or the refusal's code.
 */
async function trySfu(sfu: SfuProcess, callId: string, who: Account): Promise<string> {
  const token = await sfuToken(callId, who);
  const ws = new WebSocket(`ws://127.0.0.1:${sfu.port}/ws?token=${encodeURIComponent(token)}&welcome=talk`);
  const outcome = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve("no answer"), 5_000);
    const done = (what: string) => {
      clearTimeout(timer);
      resolve(what);
    };
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.type === "welcome") {
        const transportId = m.send?.transportId;
        if (!transportId) return done("no send transport");
        ws.send(
          JSON.stringify({
            type: "produce",
            id: 1,
            transportId,
            kind: "audio",
            rtpParameters: OPUS,
            appData: { source: "mic" },
          }),
        );
      } else if (m.type === "response" && m.id === 1) done("sends");
      else if (m.type === "error" && m.id === 1) done(`error:${m.code}`);
    };
    ws.onerror = () => {};
    ws.onclose = (e) => done(`closed:${e.code}`);
  });
  ws.close();
  return outcome;
}

Deno.test(
  "call media admits the two people while it rings or is accepted, and no one once it is over",
  opts,
  async () => {
    const web = await startWeb();
    const sfuPort = freePort();
    const dev = await PartyDev.start({
      vars: {
        SPAZIO_WEB_URL: web.url.replace("localhost", "127.0.0.1"),
        SPAZIO_SFU_URL: `http://127.0.0.1:${sfuPort}`,
      },
    });
    web.deps.config.partyUrl = web.deps.config.partyPublicUrl = dev.http;
    const sfu = await SfuProcess.start({ SPAZIO_SFU_PORT: String(sfuPort), SPAZIO_PARTY_URL: dev.http });
    try {
      const ann = await account(web, "ann_adm");
      const bob = await account(web, "bob_adm");
      const eve = await account(web, "eve_adm");
      await befriend(web, ann, bob);

      // Ringing: its two people connect and may send (held on the SFU, reaching nobody until the
      // answer: sfu/test/call.test.ts); a stranger is not let in at all.
      const placed = await call(web, ann, "POST", "/api/calls", { to: bob.user.handle, video: false });
      assert.equal(placed.status, 201);
      const { callId } = placed.body;
      const a = await joinCall(web, dev, ann, callId);
      const b = await joinCall(web, dev, bob, callId);
      assert.equal(await trySfu(sfu, callId, ann), "sends", "the caller of a ringing call");
      assert.equal(await trySfu(sfu, callId, bob), "sends", "the callee of a ringing call");
      assert.match(await trySfu(sfu, callId, eve), /^closed:/, "a stranger got into a ringing call's media");

      // Accepted: the two send, a stranger is still not let in.
      b.send({ type: "accept" });
      await a.waitFor("status", (e) => e.call.status === "accepted");
      assert.equal(await trySfu(sfu, callId, ann), "sends");
      assert.equal(await trySfu(sfu, callId, bob), "sends");
      assert.match(await trySfu(sfu, callId, eve), /^closed:/, "a stranger got into the call's media");

      // Ended: nobody, with any token.
      a.send({ type: "hangup" });
      await b.waitFor("status", (e) => e.call.status === "ended");
      await waitFor(
        "the call's media to refuse the caller",
        async () => ((await trySfu(sfu, callId, ann)).startsWith("closed:") ? true : undefined),
        5_000,
      );
      assert.match(await trySfu(sfu, callId, bob), /^closed:/, "an ended call admitted the callee");

      // Declined: the socket the caller's page opened while it rang is closed, and nobody gets in.
      const second = await call(web, ann, "POST", "/api/calls", { to: bob.user.handle, video: false });
      const b2 = await joinCall(web, dev, bob, second.body.callId);
      const held = new WebSocket(
        `ws://127.0.0.1:${sfu.port}/ws?token=${encodeURIComponent(await sfuToken(second.body.callId, ann))}`,
      );
      const heldClosed = new Promise<number>((resolve) => (held.onclose = (e) => resolve(e.code)));
      await new Promise((resolve) => (held.onopen = resolve));
      b2.send({ type: "decline" });
      await b2.waitFor("status", (e) => e.call.status === "declined");
      assert.equal(await heldClosed, SfuCloseCode.roomClosed, "the ringing call's socket closed as its room closed");
      assert.match(await trySfu(sfu, second.body.callId, ann), /^closed:/, "a declined call admitted the caller");
      assert.match(await trySfu(sfu, second.body.callId, bob), /^closed:/, "a declined call admitted the callee");
    } finally {
      await sfu.stop();
      await dev.dispose();
      await web.close();
    }
  },
);
