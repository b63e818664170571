// Two real SFU processes of one list: a Space's speaker produces on its origin, a listener placed
// on the other SFU (an edge) hears them through a PipeTransport the edge opened on demand. The
// room's grants, pushed to either SFU, hold on both; the pipe goes with the edge's last listener;
// an edge killed with SIGKILL loses its listeners to the origin, hearing again within 10 s.
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, test } from "node:test";
import { originOf } from "../../lib/protocol/sfu_edge.ts";
import { SfuPlacement } from "../../lib/protocol/sfu_placement.ts";
import { FakeParty } from "./support/fake-party.ts";
import { MediaPeer } from "./support/media-peer.ts";
import { eventually, type RunningSfu, sfuToken, sleep, startSfu } from "./support/sfu-process.ts";

let party: FakeParty;
let origin: RunningSfu;
let edge: RunningSfu;
const peers: MediaPeer[] = [];
const IDS = ["a", "b"];
/** A Space whose origin is "a" (the SFU the room pushes to here), and one whose origin is "b". */
const SPACE = spaceWithOrigin("a");
const OTHER_SPACE = spaceWithOrigin("b");
const ROOM = `s_${SPACE}`;
let seq = 10;

function spaceWithOrigin(id: string): string {
  for (let i = 0; i < 1000; i++) if (originOf(`edge${i}`, IDS) === id) return `edge${i}`;
  throw new Error("no Space id found");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

before(async () => {
  party = await FakeParty.start();
  party.grant(SPACE, "u:speaker1", { canSpeak: true, muted: false, seq: 1 });
  const [pa, pb] = [await freePort(), await freePort()];
  const list = `a=http://127.0.0.1:${pa},b=http://127.0.0.1:${pb}`;
  const common = { SPAZIO_PARTY_URL: party.url, SPAZIO_SFU_PEERS: list };
  [origin, edge] = await Promise.all([
    startSfu({
      ...common,
      SPAZIO_SFU_ID: "a",
      SPAZIO_SFU_PORT: String(pa),
      SPAZIO_SFU_RTC_MIN_PORT: "42000",
      SPAZIO_SFU_RTC_MAX_PORT: "42999",
    }),
    startSfu({
      ...common,
      SPAZIO_SFU_ID: "b",
      SPAZIO_SFU_PORT: String(pb),
      SPAZIO_SFU_RTC_MIN_PORT: "43000",
      SPAZIO_SFU_RTC_MAX_PORT: "43999",
    }),
  ]);
});

after(async () => {
  for (const p of peers) p.close();
  await Promise.all([origin?.stop(), edge?.stop()]);
  await party?.close();
});

async function join(sfu: RunningSfu, sub: string, room = ROOM): Promise<MediaPeer> {
  const peer = await MediaPeer.join(sfu.wsUrl(await sfuToken(room, sub)));
  peers.push(peer);
  return peer;
}

/** Whether RTP keeps arriving at `peer` over `ms`. */
async function hearing(peer: MediaPeer, ms = 600): Promise<boolean> {
  const before = await peer.inboundBytes();
  await sleep(ms);
  return (await peer.inboundBytes()) > before + 200;
}

const roomOn = async (sfu: RunningSfu) => (await sfu.health()).rooms.find((r) => r.name === ROOM);

function grant(sub: string, g: { canSpeak?: boolean; muted?: boolean; admitted?: boolean }) {
  return { room: ROOM, sub, canSpeak: false, muted: false, admitted: true, video: false, seq: ++seq, ...g };
}

let speaker: MediaPeer;
let listener: MediaPeer;

test("a listener on an edge hears the speaker on the origin, through a pipe the edge opened", async () => {
  speaker = await join(origin, "u:speaker1");
  await speaker.speak();
  listener = await join(edge, "a:edgelistener1");
  await listener.listen();
  await eventually(async () => (await listener.inboundBytes()) > 1000, 8000, "audio at the edge listener");
  const onEdge = await roomOn(edge);
  assert.equal(onEdge?.role, "edge");
  assert.deepEqual(onEdge?.upstream, { open: true, producers: 1 });
  const onOrigin = await roomOn(origin);
  assert.equal(onOrigin?.role, "origin");
  assert.equal(onOrigin?.edges, 1, "one pipe, from the one edge");
  assert.equal((await edge.health()).sfuId, "b");
});

test("a server mute pushed to the origin silences the edge listener, and the unmute brings the audio back", async () => {
  assert.equal(
    (await origin.control("/control/grant", grant("u:speaker1", { canSpeak: true, muted: true }))).status,
    200,
  );
  await listener.signal.waitFor("producerPaused", (n) => n.by === "server" && n.sub === "u:speaker1");
  await sleep(300);
  assert.equal(await hearing(listener, 1000), false, "no audio reaches the edge while muted");
  assert.equal(
    (await origin.control("/control/grant", grant("u:speaker1", { canSpeak: true, muted: false }))).status,
    200,
  );
  // The room's unmute lets the speaker unmute; their page then resumes the producer.
  await speaker.signal.request("resumeProducer", { producerId: speaker.producer!.id });
  await listener.signal.waitFor("producerResumed", (n) => n.sub === "u:speaker1");
  await eventually(() => hearing(listener), 5000, "audio again after the unmute");
});

test("a grant pushed to the edge reaches the origin: the speaker is muted there", async () => {
  const from = speaker.signal.notifications.length;
  assert.equal(
    (await edge.control("/control/grant", grant("u:speaker1", { canSpeak: true, muted: true }))).status,
    200,
  );
  await speaker.signal.waitFor("grantChanged", (n) => n.muted, 3000, from);
  await listener.signal.waitFor("producerPaused", (n) => n.by === "server", 3000);
  assert.equal(
    (await origin.control("/control/grant", grant("u:speaker1", { canSpeak: true, muted: false }))).status,
    200,
  );
  await speaker.signal.request("resumeProducer", { producerId: speaker.producer!.id });
  await eventually(() => hearing(listener), 5000, "audio again after the unmute");
});

test("an edge sends nobody on air: a listener brought on stage is told to connect again (1012), and speaks on the origin", async () => {
  const promoted = await join(edge, "u:promoted1");
  await promoted.listen();
  // A listener's page that tries to produce on the edge is refused.
  await assert.rejects(promoted.speak(), /forbidden/);
  party.grant(SPACE, "u:promoted1", { canSpeak: true, muted: false, seq: seq + 1 });
  assert.equal((await origin.control("/control/grant", grant("u:promoted1", { canSpeak: true }))).status, 200);
  const closed = await promoted.signal.closed;
  assert.equal(closed.code, 1012, "the page reconnects with fresh tokens, which place people on stage on the origin");
  const onStage = await join(origin, "u:promoted1");
  await onStage.speak();
  await eventually(
    async () => (await onStage.outboundBytes()) > 1000,
    8000,
    "the promoted speaker sending on the origin",
  );
  await listener.signal.waitFor("newConsumer", (n) => n.sub === "u:promoted1", 5000);
  onStage.close();
  await listener.signal.waitFor("producerClosed", (n) => n.sub === "u:promoted1", 5000);
});

test("a removal pushed to the origin closes an edge listener's media within 1 s, and they cannot come back", async (t) => {
  const removed = await join(edge, "a:edgeremoved1");
  await removed.listen();
  await eventually(async () => (await removed.inboundBytes()) > 500, 8000, "audio at the listener to remove");
  party.grant(SPACE, "a:edgeremoved1", { admitted: false, seq: seq + 1 });
  const sent = Date.now();
  assert.equal((await origin.control("/control/grant", grant("a:edgeremoved1", { admitted: false }))).status, 200);
  const closed = await removed.signal.closed;
  t.diagnostic(`edge listener's socket closed ${Date.now() - sent} ms after the removal reached the origin`);
  assert.ok(Date.now() - sent < 1000, `closed after ${Date.now() - sent} ms`);
  assert.equal(closed.code, 4003);
  await eventually(async () => (await roomOn(edge))?.peers === 1, 2000, "only the first listener left on the edge");
  await assert.rejects(join(edge, "a:edgeremoved1"), /HTTP 403/);
});

test("an edge asked for a Space it was not assigned refuses, and nothing changes", async () => {
  // The edge is asked for a pipe as if it were the origin of a Space whose origin is "a".
  const ask = {
    room: ROOM,
    edge: "a",
    ip: "127.0.0.1",
    port: 9,
    srtp: { cryptoSuite: "AES_CM_128_HMAC_SHA1_80", keyBase64: "x".repeat(40) },
  };
  const before = await edge.health();
  const refused = await edge.control("/internal/pipe/open", ask);
  assert.equal(refused.status, 403);
  assert.match((refused.json as { message: string }).message, /not the origin of Space .*its origin is a/);
  // Nor does the origin serve a Space it is not the origin of, or an SFU not in the list.
  const other = await origin.control("/internal/pipe/open", { ...ask, room: `s_${OTHER_SPACE}`, edge: "b" });
  assert.equal(other.status, 403);
  const stranger = await origin.control("/internal/pipe/open", { ...ask, edge: "zz" });
  assert.equal(stranger.status, 403);
  // Unsigned, or signed with another secret: refused before anything is read.
  assert.equal((await origin.control("/internal/pipe/open", { ...ask, edge: "b" }, "not-the-secret")).status, 401);
  const forgedEvent = await edge.control("/internal/pipe/event", {
    type: "producerClosed",
    room: ROOM,
    link: "nosuchlink",
    producerId: "x",
  });
  assert.equal(forgedEvent.status, 404);
  const after = await edge.health();
  assert.deepEqual(after.rooms, before.rooms);
  assert.equal((await roomOn(origin))?.edges, 1);
  await eventually(() => hearing(listener), 3000, "the listener still hears");
});

test("the pipe closes when the edge's last listener leaves", async () => {
  listener.close();
  await eventually(async () => !(await roomOn(edge)), 5000, "the edge's room closed");
  await eventually(async () => (await roomOn(origin))?.edges === 0, 5000, "the origin's pipe to the edge closed");
  // The speaker is unaffected, and a new edge listener opens a new pipe.
  listener = await join(edge, "a:edgelistener2");
  await listener.listen();
  await eventually(() => hearing(listener), 8000, "audio at a new edge listener");
  assert.equal((await roomOn(origin))?.edges, 1);
});

test("when the origin's worker dies, the speaker rebuilds there and the edge rebuilds its pipe: the edge listener hears again within 10 s", async (t) => {
  const [pid] = await origin.workerPids();
  process.kill(pid, "SIGKILL");
  const killedAt = Date.now();
  await eventually(
    async () => {
      await speaker.rebuilt();
      return hearing(listener, 300);
    },
    10_000,
    "audio at the edge listener after the origin's worker died",
  );
  t.diagnostic(`edge listener hearing again ${Date.now() - killedAt} ms after the origin's worker died`);
  await eventually(
    async () => (await roomOn(edge))?.upstream?.open === true && (await roomOn(origin))?.edges === 1,
    5000,
    "one pipe again",
  );
});

test("an edge killed with SIGKILL: its listener is placed on a live SFU and hears the speaker within 10 s", async (t) => {
  const placement = new SfuPlacement(
    [{ id: "a", url: origin.url, publicUrl: origin.url }, { id: "b", url: edge.url, publicUrl: edge.url }],
    { ttlMs: 1000, timeoutMs: 300 },
  );
  const speakerSaw = speaker.signal.notifications.length;
  process.kill(edge.pid, "SIGKILL");
  const killedAt = Date.now();
  await listener.signal.closed;
  // As the page does: fresh tokens from the web, which places the listener again, then reconnects.
  let back: MediaPeer | null = null;
  for (let attempt = 0; !back && Date.now() - killedAt < 10_000; attempt++) {
    const sfu = await placement.pick(SPACE, false);
    try {
      back = await join(sfu.id === "a" ? origin : edge, "a:edgelistener2");
    } catch {
      await sleep(250 * (attempt + 1));
    }
  }
  assert.ok(back, "placed on a live SFU");
  await back.listen();
  await eventually(() => hearing(back!, 300), 10_000 - (Date.now() - killedAt), "audio again after the edge died");
  t.diagnostic(`audio back at the listener ${Date.now() - killedAt} ms after the edge was killed`);
  assert.ok(Date.now() - killedAt < 10_000, `audio back after ${Date.now() - killedAt} ms`);
  // Nobody's role changed: the speaker was neither told of a grant change nor asked to reconnect.
  assert.deepEqual(
    speaker.signal.notifications.slice(speakerSaw).filter((n) => n.type === "grantChanged" || n.type === "reconnect"),
    [],
  );
  assert.equal((await roomOn(origin))?.media.producers, 1);
  // The origin drops its pipe to the dead edge (the lease lapses) and keeps serving.
  await eventually(async () => (await roomOn(origin))?.edges === 0, 25_000, "the pipe to the dead edge dropped");
});
