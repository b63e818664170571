// What the room decides, the media obeys: a page from another site, a person the Space room
// removed or blocked, or anyone outside a ringing or answered call is refused before any room or peer
// exists; a removal closes that person's media at once; no answer from the room lets nobody in.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import WebSocket from "ws";
import { SfuCloseCode } from "../../lib/protocol/sfu.ts";
import { FakeParty } from "./support/fake-party.ts";
import { SfuClients } from "./support/sfu-clients.ts";
import { SignalClient } from "./support/signal-client.ts";
import { eventually, type RunningSfu, sfuToken, sleep, startSfu } from "./support/sfu-process.ts";

let sfu: RunningSfu;
let party: FakeParty;
const clients = new SfuClients(() => sfu, { firstSeq: 100 });

before(async () => {
  party = await FakeParty.start();
  sfu = await startSfu({
    SPAZIO_PARTY_URL: party.url,
    SPAZIO_ALLOWED_ORIGINS: "https://spazio.example,http://localhost:*",
  });
});

after(async () => {
  clients.close();
  await sfu?.stop();
  await party?.close();
});

/** The HTTP status and JSON reason of an upgrade the SFU refused, or "open". */
function upgrade(room: string, sub: string, origin?: string): Promise<{ status: number | "open"; code?: string }> {
  return sfuToken(room, sub).then((token) =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(sfu.wsUrl(token), origin ? { origin } : {});
      ws.once("open", () => {
        ws.close();
        resolve({ status: "open" });
      });
      ws.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode!, code: JSON.parse(body || "{}").code }));
      });
      ws.once("error", reject);
    })
  );
}

const join = (room: string, sub: string) => clients.join(room, sub);

const grant = (room: string, sub: string, g: { canSpeak: boolean; muted?: boolean; admitted: boolean }) =>
  clients.grant(room, sub, g);

const roomHealth = async (name: string) => (await sfu.health()).rooms.find((r) => r.name === name);

describe("Origin", () => {
  test("a page on another site is refused with 403 before its token is looked at, and no room is made", async () => {
    const before = party.asked.length;
    assert.deepEqual(await upgrade("s_origin", "u:visitor", "https://evil.example"), {
      status: 403,
      code: "forbidden_origin",
    });
    assert.deepEqual(await upgrade("s_origin", "u:visitor", "http://localhost.evil.example:80"), {
      status: 403,
      code: "forbidden_origin",
    });
    assert.equal(party.asked.length, before, "the room was not even asked");
    assert.deepEqual((await sfu.health()).rooms, []);
  });

  test("an allowed Origin (exact, or any port of a `:*` pattern) and no Origin at all get in", async () => {
    for (const origin of ["https://spazio.example", "http://localhost:5173", undefined]) {
      assert.deepEqual(await upgrade("s_origin", "u:visitor", origin), { status: "open" }, String(origin));
    }
  });
});

describe("a Space's admission", () => {
  test("the room is asked before the upgrade; a removed person gets 403 and no room exists", async () => {
    party.grant("banned", "u:banned01", { admitted: false, seq: 4 });
    assert.deepEqual(await upgrade("s_banned", "u:banned01"), { status: 403, code: "forbidden" });
    assert.ok(party.asked.some((a) => a.room === "banned" && a.sub === "u:banned01"));
    assert.equal(await roomHealth("s_banned"), undefined);
  });

  test("a grant pushed or pulled within 5 minutes is not asked again", async () => {
    await grant("s_pushed", "u:pushed01", { canSpeak: true, admitted: true });
    assert.equal((await upgrade("s_pushed", "u:pushed01")).status, "open");
    assert.equal(party.asked.filter((a) => a.room === "pushed").length, 0);
    assert.equal((await upgrade("s_pulled1", "u:pulled01")).status, "open");
    assert.equal((await upgrade("s_pulled1", "u:pulled01")).status, "open");
    assert.equal(party.asked.filter((a) => a.room === "pulled1").length, 1);
  });

  test("a Space room that cannot be reached lets nobody in (503)", async () => {
    party.down = true;
    try {
      assert.deepEqual(await upgrade("s_unreached", "u:someone1"), { status: 503, code: "unavailable" });
      assert.equal(await roomHealth("s_unreached"), undefined);
    } finally {
      party.down = false;
    }
  });

  test("a removal closes the peer's transports, producers and consumers and its socket (4003) within 1 s", async () => {
    const room = "s_removal";
    await grant(room, "u:staying1", { canSpeak: true, admitted: true });
    await grant(room, "u:removed1", { canSpeak: true, admitted: true });
    const staying = await join(room, "u:staying1");
    const removed = await join(room, "u:removed1");
    const listener = await join(room, "a:listener1");
    await listener.listen();
    await removed.listen();
    await staying.speak();
    const removedProducer = await removed.speak();
    await eventually(
      async () => listener.consumers.size === 2 && (await listener.inboundBytes()) > 2000,
      8000,
      "both speakers heard",
    );
    const full = JSON.stringify({ transports: 4, producers: 2, consumers: 3 });
    await eventually(async () => JSON.stringify((await roomHealth(room))?.media) === full, 5000, `media ${full}`);

    const start = Date.now();
    await grant(room, "u:removed1", { canSpeak: false, muted: true, admitted: false });
    const closed = await removed.signal.closed;
    assert.equal(closed.code, SfuCloseCode.removed);
    assert.equal(closed.reason, "removed from this Space");
    await listener.signal.waitFor("producerClosed", (n) => n.producerId === removedProducer.id, 1000);
    assert.ok(Date.now() - start <= 1000, `closed after ${Date.now() - start} ms`);
    // Left: the staying speaker's send transport and producer, the listener's receive transport
    // and its one consumer. Nothing of the removed person's.
    const h = await roomHealth(room);
    assert.deepEqual([h?.peers, h?.media], [2, { transports: 2, producers: 1, consumers: 1 }]);

    // A fresh token does not bring them back: the pushed removal is current, the room is not asked.
    const asked = party.asked.length;
    assert.deepEqual(await upgrade(room, "u:removed1"), { status: 403, code: "forbidden" });
    assert.equal(party.asked.length, asked);
    assert.equal((await roomHealth(room))?.peers, 2);
  });

  test("a host's block on a listener who only listens closes them too", async () => {
    const room = "s_blocked";
    const speaker = await join(room, "u:speaker5");
    await grant(room, "u:speaker5", { canSpeak: true, admitted: true });
    const blocked = await join(room, "u:blocked5");
    await blocked.listen();
    await speaker.speak();
    await eventually(async () => (await blocked.inboundBytes()) > 1000, 8000, "audio at the listener");
    await grant(room, "u:blocked5", { canSpeak: false, muted: true, admitted: false });
    assert.equal((await blocked.signal.closed).code, SfuCloseCode.removed);
    assert.deepEqual((await roomHealth(room))?.media, { transports: 1, producers: 1, consumers: 0 });
  });
});

describe("a call's admission", () => {
  test("only the caller and the callee of an accepted call get in", async () => {
    party.call("accepted-call1", "u:caller01", "u:callee01", "accepted");
    assert.equal((await upgrade("c_accepted-call1", "u:caller01")).status, "open");
    assert.equal((await upgrade("c_accepted-call1", "u:callee01")).status, "open");
    assert.deepEqual(await upgrade("c_accepted-call1", "u:stranger"), { status: 403, code: "forbidden" });
  });

  test("a ringing call admits its two people (to connect ahead); declined, ended, missed or unknown no one (403)", async () => {
    party.call("call-ringing-1", "u:caller02", "u:callee02", "ringing");
    for (const sub of ["u:caller02", "u:callee02"]) {
      assert.equal((await upgrade("c_call-ringing-1", sub)).status, "open", `ringing ${sub}`);
    }
    assert.deepEqual(await upgrade("c_call-ringing-1", "u:stranger"), { status: 403, code: "forbidden" });
    for (const status of ["declined", "ended", "missed"] as const) {
      party.call(`call-${status}-1`, "u:caller02", "u:callee02", status);
      for (const sub of ["u:caller02", "u:callee02"]) {
        assert.deepEqual(
          await upgrade(`c_call-${status}-1`, sub),
          { status: 403, code: "forbidden" },
          `${status} ${sub}`,
        );
      }
    }
    assert.deepEqual(await upgrade("c_no-such-call", "u:caller02"), { status: 403, code: "forbidden" });
    // Every upgrade asks: a call that ends is closed to its own people from then on.
    party.call("ending-call1", "u:caller03", "u:callee03", "accepted");
    const c = await SignalClient.connect(sfu.wsUrl(await sfuToken("c_ending-call1", "u:caller03")));
    party.call("ending-call1", "u:caller03", "u:callee03", "ended");
    assert.deepEqual(await upgrade("c_ending-call1", "u:caller03"), { status: 403, code: "forbidden" });
    c.close();
    await eventually(
      async () => (await sfu.health()).rooms.every((r) => !r.name.startsWith("c_call-")),
      3000,
      "the ringing call's room gone once its sockets closed",
    );
  });

  test("a call room that cannot be reached lets nobody in (503)", async () => {
    party.call("unreached-1", "u:caller04", "u:callee04", "accepted");
    party.down = true;
    try {
      assert.deepEqual(await upgrade("c_unreached-1", "u:caller04"), { status: 503, code: "unavailable" });
    } finally {
      party.down = false;
    }
    await sleep(10);
    assert.equal((await upgrade("c_unreached-1", "u:caller04")).status, "open");
  });
});
