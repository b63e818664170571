// Hibernation, proved: each party runs one script of events on one long-lived object, and again
// on a fresh object rebuilt from storage and connection attachments before every event (as a
// wake-up from hibernation does), and every connection must receive the same messages, the room
// must post the same requests and answer the same HTTP, and storage must hold the same.
// See tests/support/hibernation.ts for what the stand-in runtime does.
// Longer than 300 lines on purpose: one script of events per party, and a script is data read top
// to bottom.
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { DEV_ROOM_SECRET, DEV_SERVER_SECRET } from "../lib/protocol/defaults.ts";
import { mintRoomToken, signRequest, type TokenAudience } from "../lib/protocol/token.ts";
import AudienceShard from "../party/audience/room.ts";
import CallRoom from "../party/call/room.ts";
import SpaceRoom from "../party/space/room.ts";
import { createSpace } from "../party/space/lifecycle.ts";
import { syncFor } from "../party/space/state.ts";
import UserInbox from "../party/user/room.ts";
import { type PartyClass, type Recorder, type RunOptions, runScript, type Step } from "./support/hibernation.ts";

const START = 1_900_000_000_000;
const HOST = "https://party.test";

type Who = { sub: string; handle?: string; name?: string };

async function uri(party: string, room: string, aud: TokenAudience, who: Who, pk: string) {
  const token = await mintRoomToken(DEV_ROOM_SECRET, { aud, room, ...who, ttlSeconds: 3_600 }, START);
  return `${HOST}/parties/${party}/${room}?_pk=${pk}&token=${token}`;
}

function signed(party: string, room: string, body: unknown) {
  return async (now: number) => {
    const text = JSON.stringify(body);
    const headers = { "content-type": "application/json", ...(await signRequest(DEV_SERVER_SECRET, text, now)) };
    return new Request(`${HOST}/parties/${party}/${room}`, { method: "POST", headers, body: text });
  };
}

function signedGet(party: string, room: string) {
  return async (now: number) =>
    new Request(`${HOST}/parties/${party}/${room}`, { headers: await signRequest(DEV_SERVER_SECRET, "", now) });
}

/**
 * Drops what only repeats: a `listenerCount` equal to the last one a connection saw, and a state
 * push to the web equal to the last one. A client folding events, and the web, see nothing of it.
 */
function withoutRepeats(r: Recorder): Recorder {
  const seen: Recorder["seen"] = {};
  for (const [conn, list] of Object.entries(r.seen)) {
    let last = "";
    seen[conn] = list.filter((m) => {
      if (typeof m !== "string") return true;
      const e = JSON.parse(m);
      // The sync carries the count too.
      const key = JSON.stringify([e.listenerCount ?? e.count, e.listeners]);
      if (e.type === "sync") last = key;
      if (e.type !== "listenerCount") return true;
      const repeat = key === last;
      last = key;
      return !repeat;
    });
  }
  let lastPush = "";
  const posts = r.posts.map((step) =>
    step.filter((p) => {
      if (!p.includes("/api/internal/spaces/")) return true;
      const repeat = p === lastPush;
      lastPush = p;
      return !repeat;
    })
  );
  return { ...r, seen, posts };
}

/** The script's outputs in every mode must equal the long-lived run's. */
async function same(
  Party: PartyClass,
  steps: Step[],
  roomId: string,
  modes: RunOptions["mode"][] = ["hibernate"],
  { repeats = true, answer }: { repeats?: boolean; answer?: RunOptions["answer"] } = {},
): Promise<Recorder> {
  const fold = repeats ? (r: Recorder) => r : withoutRepeats;
  const base = fold(await runScript(Party, steps, { mode: "long-lived", roomId, start: START, answer }));
  assertEquals(base.objects, 1);
  for (const mode of modes) {
    const woken = fold(await runScript(Party, steps, { mode, roomId, start: START, answer }));
    // The run did rebuild the room again and again, not once.
    assert(woken.objects > steps.length / 2, `${mode}: only ${woken.objects} objects for ${steps.length} steps`);
    for (const key of ["answers", "posts", "storage", "alarms"] as const) {
      assertEquals(woken[key], base[key], `${mode}: ${key} differ`);
    }
    for (const conn of Object.keys(base.seen)) {
      assertEquals(woken.seen[conn], base.seen[conn], `${mode}: connection ${conn} saw something else`);
    }
  }
  return base;
}

const types = (r: Recorder, conn: string) =>
  r.seen[conn].map((m) => typeof m === "string" ? JSON.parse(m).type : `close ${m.close}`);

// ---------------------------------------------------------------------------------------------
// Space

const SPACE = "sp_hib01";
const host = { sub: "u:host0001", handle: "hosta", name: "Hosta" };
const cohost = { sub: "u:cohost01", handle: "coho", name: "Coho" };
// A long name in four-byte characters: the attachment must still fit in 2 KiB.
const lis = { sub: "u:listen01", handle: "lis", name: "🎧".repeat(25) };
const lis2 = { sub: "u:listen02", handle: "lis2", name: "Lis Two" };
const lis3 = { sub: "u:listen03", handle: "lis3", name: "Lis Three" };
const anon = { sub: "a:anon0001" };

/** The web's init of the test Space, hosted by `host`. */
const spaceInit = (title: string, cohosts: Who[] = []) => ({
  type: "init" as const,
  spaceId: SPACE,
  title,
  host,
  cohosts,
  speakers: [] as Who[],
  blockedSubs: [] as string[],
});
/** A connection URI for the test Space's room. */
const spaceUri = (who: Who, pk: string) => uri("space", SPACE, "space", who, pk);

/**
 * `planned`: the co-host is named at creation and seated as they connect. Their `sync` then
 * counts them as a listener, and the room corrects it for them once they are seated.
 */
async function spaceScript({ planned = false } = {}): Promise<Step[]> {
  const u = spaceUri;
  const msg = (conn: string, body: unknown) => ({ kind: "message" as const, conn, text: JSON.stringify(body) });
  const addr = (ip: string) => ({ "cf-connecting-ip": ip });
  let t = 0;
  const at = (gap = 2_000) => (t += gap);
  const steps: Step[] = [
    {
      at: at(),
      kind: "request",
      make: signed("space", SPACE, spaceInit("Hibernation", planned ? [cohost] : [])),
    },
    { at: at(), kind: "connect", conn: "h1", uri: await u(host, "h1"), headers: addr("10.0.0.1") },
    { at: at(), kind: "connect", conn: "c1", uri: await u(cohost, "c1"), headers: addr("10.0.0.2") },
    ...(planned ? [] : [
      { at: at(), ...msg("h1", { type: "inviteToSpeak", sub: cohost.sub }) },
      { at: at(), ...msg("c1", { type: "acceptInvite" }) },
      { at: at(), ...msg("h1", { type: "addCohost", sub: cohost.sub }) },
    ]),
    { at: at(), kind: "connect", conn: "l1", uri: await u(lis, "l1"), headers: addr("10.0.0.3") },
    { at: at(), kind: "connect", conn: "a1", uri: await u(anon, "a1"), headers: addr("10.0.0.3") },
    { at: at(), kind: "connect", conn: "l2", uri: await u(lis2, "l2") },
    { at: at(), ...msg("h1", { type: "unmuteSelf", ref: "u1" }) },
    { at: at(), ...msg("l1", { type: "requestToSpeak" }) },
    { at: at(), ...msg("h1", { type: "acceptRequest", sub: lis.sub }) },
    { at: at(), ...msg("l1", { type: "unmuteSelf" }) },
    { at: at(), ...msg("l2", { type: "comment", text: "hello" }) },
    { at: at(), ...msg("l1", { type: "comment", text: "hi from stage" }) },
    {
      at: at(),
      kind: "message",
      conn: "h1",
      // The first comment's id, as the host saw it.
      text: (r) => {
        const first = r.seen.h1.map((m) => typeof m === "string" ? JSON.parse(m) : {}).find((e) =>
          e.type === "comment"
        );
        return JSON.stringify({ type: "pin", commentId: first.comment.id });
      },
    },
    // An anonymous listener may react but not comment; bad input is refused.
    { at: at(), ...msg("a1", { type: "react", emoji: "💯" }) },
    { at: at(), ...msg("a1", { type: "comment", text: "me too" }) },
    { at: at(), kind: "message", conn: "l2", text: "{not json" },
    { at: at(), ...msg("l2", { type: "end", role: "host", ref: "x" }) },
    { at: at(), ...msg("c1", { type: "report", target: { sub: lis2.sub }, reason: "spam", ref: "rp" }) },
  ];
  // A burst of reactions: ten pass, then the connection's bucket (in its attachment) is empty.
  for (let i = 0; i < 13; i++) steps.push({ at: at(10), ...msg("l2", { type: "react", emoji: "👋" }) });
  // A flood of one connection: sixty messages in a burst, then refusals.
  for (let i = 0; i < 64; i++) steps.push({ at: at(1), ...msg("a1", { type: "react", emoji: "🔥" }) });
  steps.push(
    // A speaker's connection drops and comes back on a new one.
    { at: at(2_000), kind: "disconnect", conn: "l1" },
    { at: at(), kind: "connect", conn: "l1b", uri: await u(lis, "l1b"), headers: addr("10.0.0.3") },
    { at: at(), ...msg("h1", { type: "mute", sub: lis.sub }) },
    // Two tabs of one listener: closing one leaves them present.
    { at: at(), kind: "connect", conn: "l3a", uri: await u(lis3, "l3a") },
    { at: at(), kind: "connect", conn: "l3b", uri: await u(lis3, "l3b") },
    { at: at(), ...msg("l3a", { type: "requestToSpeak" }) },
    { at: at(), kind: "disconnect", conn: "l3a" },
    { at: at(), ...msg("h1", { type: "inviteToSpeak", sub: lis2.sub }) },
    { at: at(), ...msg("l2", { type: "declineInvite" }) },
    // Removal: every connection of theirs is told and closed, and they cannot come back.
    { at: at(), ...msg("c1", { type: "remove", sub: lis2.sub }) },
    { at: at(), kind: "connect", conn: "l2b", uri: await u(lis2, "l2b") },
    // The web blocks the listener with the hand up: both their connections... the one left goes.
    { at: at(), kind: "request", make: signed("space", SPACE, { type: "updateBlocks", blockedSubs: [lis3.sub] }) },
    { at: at(), kind: "request", make: signedGet("space", SPACE) },
    { at: at(), ...msg("h1", { type: "end" }) },
    { at: at(), kind: "connect", conn: "late", uri: await u(anon, "late") },
  );
  return steps;
}

Deno.test("space room: a script gives the same outputs when the room hibernates between events", async () => {
  const r = await same(SpaceRoom, await spaceScript(), SPACE, ["hibernate"], { repeats: false });
  // The script did what it says (a few landmarks; the equality above is the point).
  const h = types(r, "h1");
  for (const t of ["sync", "roleChanged", "handRaised", "comment", "pinned", "reaction", "participantLeft", "ended"]) {
    assert(h.includes(t), `the host never saw ${t}: ${h.join(",")}`);
  }
  assert(types(r, "l2").includes("removed"));
  assertEquals(types(r, "l2b")[0], "removed");
  assertEquals(types(r, "l2b").length, 2);
  const refusals = r.seen.a1.filter((m) => typeof m === "string" && m.includes("rate_limited")).length;
  assert(refusals > 0, "the flood was never refused");
  assert(r.largestAttachment <= 2048);
});

Deno.test({
  name: "space room: a woken room does not send a listener count nobody's count changed for",
  // The count last broadcast is kept in storage (party/space/room.ts, "sentListeners"): otherwise the
  // first count after every wake-up would go to everyone again, one message per listener.
  fn: async () => {
    await same(SpaceRoom, await spaceScript(), SPACE);
  },
});

Deno.test({
  name: "space room: a pre-named co-host seated on arrival hears the corrected listener count",
  // Their sync counts them as a listener (1); once seated the count is 0 again, which everyone
  // else already heard, so the room tells them alone, in a long-lived object and a woken one alike.
  fn: async () => {
    await same(SpaceRoom, await spaceScript({ planned: true }), SPACE, ["hibernate"], { repeats: false });
  },
});

Deno.test({
  name: "space room: the per-person comment limit holds across a wake-up",
  // Presence#limits (PersonalLimits) is in memory; each connection's attachment keeps a copy of
  // its person's buckets, and a woken room takes back the newest, so the bucket is not refilled.
  fn: async () => {
    const u = spaceUri;
    const steps: Step[] = [
      {
        at: 1_000,
        kind: "request",
        make: signed("space", SPACE, spaceInit("Comments")),
      },
      { at: 2_000, kind: "connect", conn: "l1", uri: await u(lis2, "l1") },
      ...Array.from({ length: 7 }, (_, i) => ({
        at: 4_000 + i * 10,
        kind: "message" as const,
        conn: "l1",
        text: JSON.stringify({ type: "comment", text: `c${i}` }),
      })),
    ];
    await same(SpaceRoom, steps, SPACE);
  },
});

Deno.test({
  name: "space room: a person who connects while an alarm is handled is let in",
  // PartyKit refuses room.id while an alarm is handled, also to a connection that comes meanwhile;
  // the room takes its id from its state then.
  fn: async () => {
    const u = spaceUri;
    const steps: Step[] = [
      {
        at: 1_000,
        kind: "request",
        make: signed("space", SPACE, spaceInit("Alarm")),
      },
      { at: 2_000, kind: "connect", conn: "h1", uri: await u(host, "h1") },
      { at: 2_100, kind: "connect", conn: "l1", uri: await u(lis2, "l1") },
      { at: 2_200, kind: "connect", conn: "l2", uri: await u(lis3, "l2"), duringAlarm: true },
    ];
    const r = await same(SpaceRoom, steps, SPACE, ["hibernate", "evict"]);
    assertEquals(types(r, "l2")[0], "sync");
    assert(!types(r, "l2").some((t) => t.startsWith("close")), `l2 saw ${types(r, "l2")}`);
  },
});

Deno.test({
  name: "space room: listener counts due when the object is evicted still go out (alarms)",
  // The count 500 ms after a join and the web's state push are due times in storage with one
  // alarm: an eviction in between loses neither.
  fn: async () => {
    await same(SpaceRoom, await spaceScript(), SPACE, ["evict"]);
  },
});

// ---------------------------------------------------------------------------------------------
// Audience shard

const SHARD = `${SPACE}.0`;

/**
 * The Space room as its shard hears it: a welcome with the Space as a listener sees it (and one
 * person already removed), and a plain yes to reports and commands.
 */
function spaceRoomAnswers(req: Request, body: string): Response {
  if (!new URL(req.url).pathname.endsWith(`/parties/space/${SPACE}`)) return new Response("{}", { status: 404 });
  const r = JSON.parse(body);
  if (r.type !== "shardHello") return Response.json({ ok: true });
  const s = createSpace(spaceInit("Shard"), START);
  return Response.json({
    ok: true,
    sync: syncFor(s, { sub: "a:shard-view" }, 0, () => false, []),
    seq: 3,
    removed: [lis3.sub],
  });
}

async function shardScript(): Promise<Step[]> {
  const u = (who: Who, pk: string) => uri("audience", SHARD, "audience", who, pk);
  const deliver = (seq: number, to: string, event: unknown) =>
    signed("audience", SHARD, { type: "deliver", deliveries: [{ seq, to, event }] });
  const react = (conn: string) => ({
    kind: "message" as const,
    conn,
    text: JSON.stringify({ type: "react", emoji: "👋" }),
  });
  return [
    { at: 1_000, kind: "connect", conn: "l1", uri: await u(lis, "l1") },
    // Its join is reported within 250 ms, on an alarm; a reaction rides on the next report.
    { at: 2_000, ...react("l1") },
    // Arrives while that report's alarm is handled: PartyKit refuses room.id to it meanwhile.
    { at: 2_100, kind: "connect", conn: "l2", uri: await u(lis2, "l2"), duringAlarm: true },
    { at: 3_000, ...react("l2") },
    { at: 3_050, ...react("l1") },
    // A delta from the room reaches everyone; one it already passed on (seq 4 again) does not.
    { at: 4_000, kind: "request", make: deliver(4, "all", { type: "muted", sub: host.sub, by: host.sub }) },
    { at: 4_100, kind: "request", make: deliver(4, "all", { type: "muted", sub: host.sub, by: host.sub }) },
    // A listener the room removes is told, closed, and refused when they come back.
    {
      at: 5_000,
      kind: "request",
      make: deliver(5, lis2.sub, { type: "removed", message: "You were removed from this Space." }),
    },
    { at: 6_000, kind: "connect", conn: "l2b", uri: await u(lis2, "l2b") },
    // Removed before the shard existed (the welcome names them): refused too.
    { at: 6_500, kind: "connect", conn: "l3", uri: await u(lis3, "l3") },
    { at: 7_000, kind: "disconnect", conn: "l1" },
  ];
}

Deno.test("audience shard: a script gives the same outputs when the shard hibernates or is evicted between events", async () => {
  const r = await same(AudienceShard, await shardScript(), SHARD, ["hibernate", "evict"], { answer: spaceRoomAnswers });
  // A listener who arrived during the report's alarm was let in like any other.
  assertEquals(types(r, "l2"), ["sync", "muted", "removed", "close 4003"]);
  assertEquals(types(r, "l1"), ["sync", "muted"]);
  assertEquals(types(r, "l2b"), ["removed", "close 4003"]);
  assertEquals(types(r, "l3"), ["removed", "close 4003"]);
  // The reports: the count, and the three reactions summed over the two listeners.
  const reports = r.posts.flat().filter((p) => p.includes('"shardReport"')).map((p) =>
    JSON.parse(p.slice(p.indexOf("{")))
  );
  assertEquals(reports.map((x) => x.count), [1, 1, 2, 2, 1, 0]);
  const waves = reports.reduce((n, x) => n + (x.reactions["👋"] ?? 0), 0);
  assertEquals(waves, 3);
});

// ---------------------------------------------------------------------------------------------
// Call

const CALL = "call_hib_0001";
const caller = { sub: "u:caller01", handle: "ann", name: "Ann" };
const callee = { sub: "u:callee01", handle: "bob", name: "Bob" };

function callInit(id: string) {
  return signed("call", id, {
    type: "init",
    callId: id,
    caller: { ...caller, id: "caller01" },
    callee: { ...callee, id: "callee01" },
    video: false,
    ringMs: 30_000,
  });
}

async function callScript(): Promise<Step[]> {
  const u = (who: Who, pk: string) => uri("call", CALL, "call", who, pk);
  const msg = (conn: string, body: unknown) => ({ kind: "message" as const, conn, text: JSON.stringify(body) });
  const steps: Step[] = [
    { at: 1_000, kind: "request", make: callInit(CALL) },
    { at: 2_000, kind: "connect", conn: "a1", uri: await u(caller, "a1") },
    { at: 3_000, kind: "connect", conn: "b1", uri: await u(callee, "b1") },
    { at: 4_000, kind: "connect", conn: "b2", uri: await u(callee, "b2") },
    { at: 5_000, kind: "message", conn: "b1", text: "{nope" },
    { at: 6_000, ...msg("b2", { type: "cancel", ref: "c" }) },
    { at: 7_000, ...msg("b1", { type: "accept" }) },
    // Only the answering connection speaks for the callee.
    { at: 8_000, ...msg("b2", { type: "hangup" }) },
  ];
  // A flood: the bucket (in the attachment) allows ten, then refuses.
  for (let i = 0; i < 14; i++) steps.push({ at: 9_000 + i, ...msg("a1", { type: "accept" }) });
  steps.push(
    { at: 12_000, kind: "request", make: signed("call", CALL, { type: "state" }) },
    // The answering connection drops: the call ends by the clock (an alarm) 30 s later.
    { at: 13_000, kind: "disconnect", conn: "b1" },
    { at: 14_000, kind: "disconnect", conn: "b2" },
    { at: 15_000, kind: "alarm" },
    { at: 50_000, kind: "connect", conn: "a2", uri: await u(caller, "a2") },
    { at: 51_000, kind: "request", make: signed("call", CALL, { type: "end" }) },
  );
  return steps;
}

Deno.test("call room: a script gives the same outputs when the room hibernates or is evicted between events", async () => {
  const r = await same(CallRoom, await callScript(), CALL, ["hibernate", "evict"]);
  assertEquals(types(r, "b1"), ["sync", "error", "status"]);
  assert(types(r, "a1").includes("error"), "the flood was never refused");
  assert(r.seen.a2.some((m) => typeof m === "string" && m.includes('"ended"')));
});

Deno.test("call room: a call that rang out on an alarm still admits and answers in the object the alarm woke", async () => {
  const u = (who: Who, pk: string) => uri("call", CALL, "call", who, pk);
  const steps: Step[] = [
    { at: 1_000, kind: "request", make: callInit(CALL) },
    { at: 2_000, kind: "connect", conn: "a1", uri: await u(caller, "a1") },
    { at: 3_000, kind: "alarm" },
    // Within seconds of the alarm the object that it woke is still the one in memory.
    { at: 33_000, stay: true, kind: "connect", conn: "b1", uri: await u(callee, "b1") },
    { at: 34_000, stay: true, kind: "request", make: signed("call", CALL, { type: "state" }) },
  ];
  const r = await same(CallRoom, steps, CALL);
  assertEquals(types(r, "b1")[0], "sync");
  assert(r.seen.b1[0].toString().includes('"missed"'));
  assertEquals(r.answers.map((a) => a.status), [200, 200]);
});

// ---------------------------------------------------------------------------------------------
// User inbox

const USER = "inbox01";
const me = { sub: `u:${USER}`, handle: "me", name: "Me" };

async function inboxScript(): Promise<Step[]> {
  const u = (pk: string) => uri("user", USER, "user", me, pk);
  const ping = (conn: string, at: number) => ({ at, kind: "message" as const, conn, text: '{"type":"ping"}' });
  const deliver = (at: number) => ({
    at,
    kind: "request" as const,
    make: signed("user", USER, { type: "deliver", events: [{ type: "read", peerId: "peer0001" }] }),
  });
  const steps: Step[] = [
    { at: 1_000, kind: "connect", conn: "t1", uri: await u("t1") },
    { at: 2_000, kind: "connect", conn: "t2", uri: await u("t2") },
    // Someone else's token for this inbox is refused.
    { at: 2_500, kind: "connect", conn: "x", uri: await uri("user", USER, "user", { sub: "u:other001" }, "x") },
    ping("t1", 3_000),
    { at: 3_500, kind: "message", conn: "t2", text: '{"type":"dm"}' },
    deliver(4_000),
  ];
  for (let i = 0; i < 14; i++) steps.push(ping("t2", 5_000 + i));
  steps.push({ at: 6_000, kind: "disconnect", conn: "t1" }, deliver(7_000));
  // Twenty tabs are allowed, the twenty-first is not.
  for (let i = 0; i < 20; i++) {
    steps.push({ at: 8_000 + i * 10, kind: "connect", conn: `m${i}`, uri: await u(`m${i}`) });
  }
  steps.push(deliver(9_000), ping("t2", 20_000));
  return steps;
}

Deno.test("user inbox: a script gives the same outputs when the room hibernates or is evicted between events", async () => {
  const r = await same(UserInbox, await inboxScript(), USER, ["hibernate", "evict"]);
  assertEquals(types(r, "x"), ["close 4001"]);
  assert(types(r, "t2").includes("error"));
  assertEquals(r.answers.map((a) => JSON.parse(a.body).delivered), [2, 1, 20]);
  assertEquals(types(r, "m19"), ["close 4029"]);
});
