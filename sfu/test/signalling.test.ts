// The signalling socket and the control API refuse what they must, answer every bad input with
// an error, and change nothing when they refuse.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DEV_ROOM_SECRET, DEV_SERVER_SECRET } from "../../lib/protocol/defaults.ts";
import { mintRoomToken, signRequest } from "../../lib/protocol/token.ts";
import { SfuCloseCode } from "../../lib/protocol/sfu.ts";
import http from "node:http";
import WebSocket from "ws";
import { FakeParty } from "./support/fake-party.ts";
import { OPUS, SfuRequestError, SignalClient } from "./support/signal-client.ts";
import { type RunningSfu, sfuToken, sleep, startSfu } from "./support/sfu-process.ts";

let sfu: RunningSfu;
let party: FakeParty;

const OPUS_CAPABILITY = {
  kind: "audio" as const,
  mimeType: "audio/opus",
  preferredPayloadType: 100,
  clockRate: 48000,
  channels: 2,
  rtcpFeedback: [],
};

before(async () => {
  // Everyone is admitted as a listener unless a test says otherwise.
  party = await FakeParty.start();
  party.call("call1-abcdef", "u:caller", "u:callee", "accepted");
  sfu = await startSfu({ SPAZIO_PARTY_URL: party.url });
});
after(async () => {
  await sfu?.stop();
  await party?.close();
});

async function connect(room: string, sub: string) {
  return SignalClient.connect(sfu.wsUrl(await sfuToken(room, sub)));
}

/** Tries to go on air with a raw produce (no DTLS needed for the SFU to decide). */
async function tryProduce(client: SignalClient) {
  const { transportId } = await client.request("createTransport", { direction: "send" });
  return client.request("produce", { transportId, kind: "audio", rtpParameters: OPUS, appData: { source: "mic" } });
}

describe("signalling socket", () => {
  test("refuses a missing, forged or wrong-audience token", async () => {
    await assert.rejects(SignalClient.connect(`ws://127.0.0.1:${sfu.port}/ws`), /HTTP 401/);
    await assert.rejects(SignalClient.connect(sfu.wsUrl("abc.def")), /HTTP 401/);
    const forged = await mintRoomToken("not-the-secret", { aud: "sfu", room: "s_x", sub: "u:alice" });
    await assert.rejects(SignalClient.connect(sfu.wsUrl(forged)), /HTTP 401/);
    const partyToken = await mintRoomToken(DEV_ROOM_SECRET, { aud: "space", room: "s_x", sub: "u:alice" });
    await assert.rejects(SignalClient.connect(sfu.wsUrl(partyToken)), /HTTP 401/);
  });

  test("answers bad frames with errors and keeps working", async () => {
    const c = await connect("s_bad", "a:badclient");
    c.sendRaw("{not json");
    c.sendRaw(JSON.stringify({ type: "launchMissiles", id: 7 }));
    c.sendRaw(JSON.stringify({ type: "createTransport", id: 8, direction: "sideways" }));
    c.sendRaw(Buffer.from([1, 2, 3]));
    await assert.rejects(
      c.request("consumerReady", { consumerId: "nope" }),
      (e: SfuRequestError) => e.code === "not_found",
    );
    assert.deepEqual(c.errors.slice(0, 4).map((e) => [e.id, e.code]), [[null, "bad_request"], [7, "bad_request"], [
      8,
      "bad_request",
    ], [null, "bad_request"]]);
    const { rtpCapabilities } = await c.request("getRouterRtpCapabilities", {});
    assert.ok(rtpCapabilities.codecs?.some((codec) => codec.mimeType === "audio/opus"));
    c.close();
  });

  test("welcome=recv brings the router's capabilities and a receive transport unasked; consume at once works", async () => {
    const c = await SignalClient.connect(`${sfu.wsUrl(await sfuToken("s_welcome", "a:welcomer"))}&welcome=recv`);
    // Sent before the welcome can have arrived: the SFU handles it after the welcome is made.
    await c.request("consume", { rtpCapabilities: { codecs: [OPUS_CAPABILITY] } });
    const welcome = await c.waitFor("welcome");
    assert.ok(welcome.rtpCapabilities.codecs?.some((codec) => codec.mimeType === "audio/opus"));
    assert.ok(welcome.recv?.transportId, "a receive transport came with it");
    assert.equal(c.notifications[0].type, "welcome", "the welcome comes before any other notification");
    // The transport is the peer's own: an ICE restart on it is answered.
    const { iceParameters } = await c.request("restartIce", { transportId: welcome.recv!.transportId });
    assert.ok(iceParameters.usernameFragment);
    c.close();

    const caps = await SignalClient.connect(`${sfu.wsUrl(await sfuToken("s_welcome", "a:capsonly"))}&welcome=caps`);
    const capsOnly = await caps.waitFor("welcome");
    assert.equal(capsOnly.recv, undefined, "welcome=caps makes no transport");
    caps.close();

    const plain = await connect("s_welcome", "a:plainclient");
    await plain.request("getRouterRtpCapabilities", {});
    assert.equal(plain.notifications.filter((n) => n.type === "welcome").length, 0, "no welcome unless asked");
    plain.close();
  });

  test("restartIce hands out fresh ICE credentials for the peer's own transport only", async () => {
    const c = await connect("s_ice", "a:iceclient");
    const t = await c.request("createTransport", { direction: "recv" });
    assert.ok(t.iceCandidates.every((cand) => cand.ip === "127.0.0.1"), "candidates are the SFU's listen address");
    const { iceParameters } = await c.request("restartIce", { transportId: t.transportId });
    assert.notEqual(iceParameters.password, t.iceParameters.password);
    const other = await connect("s_ice", "a:otherclient");
    await assert.rejects(
      other.request("restartIce", { transportId: t.transportId }),
      (e: SfuRequestError) => e.code === "not_found",
    );
    c.close();
    other.close();
  });

  test("closes with 1009 on a frame over 16 KiB", async () => {
    const c = await connect("s_big", "a:bigclient");
    c.sendRaw(JSON.stringify({ type: "getRouterRtpCapabilities", id: 1, pad: "x".repeat(17 * 1024) }));
    assert.equal((await c.closed).code, 1009);
  });

  test("rate-limits a flood", async () => {
    const c = await connect("s_flood", "a:flooder");
    const answers = await Promise.allSettled(
      Array.from({ length: 150 }, () => c.request("getRouterRtpCapabilities", {})),
    );
    const limited = answers.filter((a) =>
      a.status === "rejected" && (a.reason as SfuRequestError).code === "rate_limited"
    );
    assert.ok(limited.length > 0, "some requests are refused");
    assert.ok(answers.some((a) => a.status === "fulfilled"), "the first ones are served");
    c.close();
  });

  test("a call holds its two people, never a third; the same person reconnecting replaces the old socket", async () => {
    const a = await connect("c_call1-abcdef", "u:caller");
    const b = await connect("c_call1-abcdef", "u:callee");
    // The call room names the two people: a third is refused before any upgrade.
    await assert.rejects(connect("c_call1-abcdef", "u:intruder"), /HTTP 403/);
    // Both people of the call may send without any Space grant.
    assert.ok((await tryProduce(a)).producerId);
    const again = await connect("c_call1-abcdef", "u:callee");
    assert.equal((await b.closed).code, SfuCloseCode.replaced);
    assert.ok((await tryProduce(again)).producerId);
    a.close();
    again.close();
  });
});

describe("control API", () => {
  async function post(path: string, body: unknown, headers: Record<string, string>) {
    const res = await fetch(sfu.url + path, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    return res.status;
  }

  test("unsigned, forged or stale grants get 401 and change nothing", async () => {
    const room = "s_ctl";
    const c = await connect(room, "u:wannabe");
    const body = { room, sub: "u:wannabe", canSpeak: true, muted: false, admitted: true, video: false, seq: 1 };
    const text = JSON.stringify(body);
    assert.equal(await post("/control/grant", body, {}), 401);
    assert.equal(await post("/control/grant", body, await signRequest("wrong-secret", text)), 401);
    assert.equal(
      await post("/control/grant", body, await signRequest(DEV_SERVER_SECRET, text, Date.now() - 120_000)),
      401,
    );
    // The room's own answer (a listener) still holds.
    await assert.rejects(tryProduce(c), (e: SfuRequestError) => e.code === "forbidden");
    c.close();
  });

  test("a grant with a lower seq than one applied is ignored", async () => {
    const room = "s_seq";
    const c = await connect(room, "u:seqspeaker");
    assert.deepEqual(
      (await sfu.control("/control/grant", {
        room,
        sub: "u:seqspeaker",
        canSpeak: true,
        muted: false,
        admitted: true,
        video: false,
        seq: 5,
      })).json,
      { ok: true, applied: true },
    );
    assert.deepEqual(
      (await sfu.control("/control/grant", {
        room,
        sub: "u:seqspeaker",
        canSpeak: false,
        muted: false,
        admitted: false,
        video: false,
        seq: 3,
      })).json,
      { ok: true, applied: false },
    );
    assert.ok((await tryProduce(c)).producerId);
    c.close();
  });

  test("rejects malformed bodies with 400", async () => {
    const res = await sfu.control("/control/grant", {
      room: "c_notaspace",
      sub: "u:someone",
      canSpeak: true,
      muted: false,
      admitted: true,
      video: false,
      seq: 1,
    });
    assert.equal(res.status, 400);
    assert.equal((await sfu.control("/control/grant", { room: "s_x" })).status, 400);
    // A grant that does not say whether the person is admitted is not taken as a yes.
    const noAdmitted = await sfu.control("/control/grant", {
      room: "s_x",
      sub: "u:someone",
      canSpeak: true,
      muted: false,
      video: false,
      seq: 1,
    });
    assert.equal(noAdmitted.status, 400);
    // Nor one that does not say whether they may send a camera.
    const noVideo = await sfu.control("/control/grant", {
      room: "s_x",
      sub: "u:someone",
      canSpeak: true,
      muted: false,
      admitted: true,
      seq: 1,
    });
    assert.equal(noVideo.status, 400);
  });

  test("an oversized body gets a 413 JSON answer, not a reset connection", async () => {
    for (const chunked of [false, true]) {
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(`${sfu.url}/control/grant`, {
          method: "POST",
          headers: { "content-type": "application/json" },
        });
        if (!chunked) req.setHeader("content-length", String(64 * 1024));
        req.on("response", (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode!, body }));
        });
        req.on("error", reject);
        req.end("x".repeat(64 * 1024));
      });
      assert.equal(answer.status, 413, `chunked: ${chunked}`);
      assert.equal(JSON.parse(answer.body).code, "too_big");
    }
    // The server is fine afterwards.
    assert.equal((await sfu.health()).ok, true);
  });

  test("a client vanishing mid-request or mid-upgrade is no error", async () => {
    const before = sfu.stderr();
    await new Promise<void>((resolve) => {
      const req = http.request(`${sfu.url}/control/grant`, { method: "POST", headers: { "content-length": "500" } });
      req.on("error", () => resolve());
      req.write('{"room":');
      setTimeout(() => req.destroy(), 50);
    });
    // A socket upgrade that goes away while the room is asked about it.
    const ws = new WebSocket(sfu.wsUrl(await sfuToken("s_vanish", "u:vanisher")));
    ws.on("error", () => {});
    setTimeout(() => ws.terminate(), 1);
    await sleep(500);
    assert.equal(sfu.stderr(), before, "nothing was logged");
    assert.equal((await sfu.health()).ok, true);
  });

  test("closing a room disconnects its peers", async () => {
    const c = await connect("s_ending", "a:stayer");
    assert.equal((await sfu.control("/control/close", { room: "s_ending" })).status, 200);
    assert.equal((await c.closed).code, SfuCloseCode.roomClosed);
  });
});
