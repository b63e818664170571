// The timeline a recorded Space room keeps, through the room class with the hibernation stand-in
// runtime (tests/support/hibernation.ts): the same script on one long-lived object and on a fresh
// object before every event (hibernation) or after every event (eviction) gives the same
// timeline, the same storage and the same calls to the SFU. And the web's join of that timeline
// with the SFU's speaking lines (lib/server/recordings/timeline.ts), as a table.
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { DEV_ROOM_SECRET, DEV_SERVER_SECRET } from "../lib/protocol/defaults.ts";
import { RoomTimeline } from "../lib/protocol/space_http.ts";
import { Timeline } from "../lib/protocol/recording_timeline.ts";
import { mintRoomToken, signRequest } from "../lib/protocol/token.ts";
import { buildTimeline, parseSpeaking, speakingIntervals } from "../lib/server/recordings/timeline.ts";
import SpaceRoom from "../party/space/room.ts";
import { type Recorder, runScript, type Step } from "./support/hibernation.ts";

const START = 1_900_000_000_000;
const HOST = "https://party.test";
const SPACE = "sp_rec01";
const host = { sub: "u:host0001", handle: "hosta", name: "Hosta" };
const spk = { sub: "u:speak001", handle: "spk", name: "Spea" };
const lis = { sub: "u:listen01", handle: "lis", name: "Lis" };
const anon = { sub: "a:anon0001" };

const uri = async (who: typeof host | typeof anon, pk: string) =>
  `${HOST}/parties/space/${SPACE}?_pk=${pk}&token=${await mintRoomToken(DEV_ROOM_SECRET, {
    aud: "space",
    room: SPACE,
    ...who,
    ttlSeconds: 3_600,
  }, START)}`;
const post = (body: unknown) => async (now: number) => {
  const text = JSON.stringify(body);
  return new Request(`${HOST}/parties/space/${SPACE}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(await signRequest(DEV_SERVER_SECRET, text, now)) },
    body: text,
  });
};
const getTimeline = (secret = DEV_SERVER_SECRET) => async (now: number) =>
  new Request(`${HOST}/parties/space/${SPACE}?timeline`, { headers: await signRequest(secret, "", now) });

async function script(): Promise<Step[]> {
  const msg = (conn: string, body: unknown) => ({ kind: "message" as const, conn, text: JSON.stringify(body) });
  let t = 0;
  const at = (gap = 2_000) => (t += gap);
  return [
    { at: at(), kind: "request", make: post({ type: "init", spaceId: SPACE, title: "Recorded", host, record: true }) },
    { at: at(), kind: "connect", conn: "h1", uri: await uri(host, "h1") },
    { at: at(), kind: "connect", conn: "s1", uri: await uri(spk, "s1") },
    { at: at(), kind: "connect", conn: "l1", uri: await uri(lis, "l1") },
    { at: at(), kind: "connect", conn: "a1", uri: await uri(anon, "a1") },
    { at: at(), ...msg("s1", { type: "requestToSpeak" }) },
    { at: at(), ...msg("h1", { type: "acceptRequest", sub: spk.sub }) },
    { at: at(), ...msg("l1", { type: "comment", text: "first" }) },
    // Three reactions within a second are one burst; one later is another.
    { at: at(100), ...msg("a1", { type: "react", emoji: "💯" }) },
    { at: at(100), ...msg("l1", { type: "react", emoji: "💯" }) },
    { at: at(100), ...msg("a1", { type: "react", emoji: "💯" }) },
    { at: at(1_500), ...msg("a1", { type: "react", emoji: "💯" }) },
    { at: at(), ...msg("h1", { type: "pin", url: "https://example.org/notes" }) },
    // Only the host switches it; off, nothing is kept; on again continues.
    { at: at(), ...msg("s1", { type: "setRecording", on: false, ref: "no" }) },
    { at: at(), ...msg("h1", { type: "setRecording", on: false }) },
    { at: at(), ...msg("l1", { type: "comment", text: "while off" }) },
    { at: at(), ...msg("h1", { type: "setRecording", on: true }) },
    { at: at(), ...msg("l1", { type: "comment", text: "second" }) },
    { at: at(), ...msg("s1", { type: "leaveStage" }) },
    { at: at(), kind: "request", make: getTimeline("not-the-secret") },
    { at: at(), ...msg("h1", { type: "end" }) },
    { at: at(), kind: "request", make: getTimeline() },
  ];
}

const answers = (r: Recorder) => r.answers.map((a) => ({ status: a.status, body: JSON.parse(a.body) }));

Deno.test("recorded room: the timeline survives hibernation and eviction, and says what happened", async () => {
  const steps = await script();
  const base = await runScript(SpaceRoom, steps, { mode: "long-lived", roomId: SPACE, start: START });
  for (const mode of ["hibernate", "evict"] as const) {
    const woken = await runScript(SpaceRoom, steps, { mode, roomId: SPACE, start: START });
    assertEquals(answers(woken), answers(base), `${mode}: answers differ`);
    assertEquals(woken.storage.at(-1), base.storage.at(-1), `${mode}: storage differs`);
  }
  const all = answers(base);
  assertEquals(all.at(-2)?.status, 401, "an unsigned timeline read is refused");
  const tl = RoomTimeline.parse(all.at(-1)!.body);
  const init = START + 2_000;
  assertEquals(tl.startedAt, init, "recorded from the Space's creation");
  // The host from the start to the end; the speaker from acceptance to off, and again from on to leaving.
  const stage = tl.stage.map((s) => [s.sub, s.role, s.from - START, s.to === undefined ? null : s.to - START]);
  const off = steps[14].at, on = steps[16].at, left = steps[18].at, end = steps[20].at;
  const accepted = steps[6].at;
  assertEquals(
    stage.sort(),
    [
      [host.sub, "host", 2_000, off],
      [host.sub, "host", on, end],
      [spk.sub, "speaker", accepted, off],
      [spk.sub, "speaker", on, left],
    ].sort(),
  );
  assertEquals(tl.comments.map((c) => c.text), ["first", "second"], "nothing is kept while off");
  assertEquals(tl.reactions.map((r) => r.count), [3, 1]);
  // The pin when it was set, and again when recording came back on (it was still pinned).
  assertEquals(tl.pins.map((p) => [p.at - START, p.pin?.kind]), [[steps[12].at, "url"], [on, "url"]]);
  assertEquals(tl.people.map((p) => p.sub).sort(), [host.sub, lis.sub, spk.sub].sort());
  // The SFU heard each switch: on at creation, off, on, off at the end.
  const switches = base.posts.flat().filter((p) => p.includes("/control/recording")).map((p) =>
    JSON.parse(p.slice(p.indexOf("{"))).on
  );
  assertEquals(switches, [true, false, true, false]);
});

Deno.test("timeline join: speaking lines become intervals; everything is in ms from the recording's start", () => {
  const lines = parseSpeaking([
    JSON.stringify({ at: 900, subs: ["u:a0000001"] }),
    JSON.stringify({ at: 1_500, subs: ["u:a0000001", "u:b0000001"] }),
    JSON.stringify({ at: 2_000, subs: ["u:b0000001"] }),
    JSON.stringify({ at: 3_000, subs: [] }),
    JSON.stringify({ at: 4_000, subs: ["u:a0000001"] }),
    '{"at": 4500, "subs": [', // torn by a crash
  ].join("\n"));
  assertEquals(speakingIntervals(lines, 5_000), [
    { sub: "u:a0000001", from: 900, to: 2_000 },
    { sub: "u:b0000001", from: 1_500, to: 3_000 },
    { sub: "u:a0000001", from: 4_000, to: 5_000 },
  ]);
  const t = buildTimeline(1_000, 5_000, {
    startedAt: 1_000,
    people: [{ sub: "u:a0000001", name: "Ada" }],
    stage: [{ sub: "u:a0000001", role: "host", from: 1_000 }, {
      sub: "u:b0000001",
      role: "speaker",
      from: 1_200,
      to: 3_100,
    }],
    comments: [{ id: "c1", sub: "u:c0000001", text: "hi", at: 2_500 }, {
      id: "c0",
      sub: "u:c0000001",
      text: "early",
      at: 500,
    }],
    reactions: [{ emoji: "💯", count: 3, at: 1_700 }],
    pins: [{ at: 1_900, pin: null }],
  }, lines);
  Timeline.parse(t);
  assertEquals(t.stage, [{ sub: "u:a0000001", role: "host", fromMs: 0 }, {
    sub: "u:b0000001",
    role: "speaker",
    fromMs: 200,
    toMs: 2_100,
  }]);
  assertEquals(t.speaking, [
    { sub: "u:a0000001", fromMs: 0, toMs: 1_000 },
    { sub: "u:b0000001", fromMs: 500, toMs: 2_000 },
    { sub: "u:a0000001", fromMs: 3_000, toMs: 4_000 },
  ]);
  assertEquals(
    t.comments,
    [{ id: "c1", sub: "u:c0000001", text: "hi", atMs: 1_500 }],
    "what came before the start is dropped",
  );
  assertEquals(t.reactions, [{ emoji: "💯", count: 3, atMs: 700 }]);
  assertEquals(t.pins, [{ atMs: 900, pin: null }]);
  assertEquals(t.people["u:a0000001"], { sub: "u:a0000001", name: "Ada" });
  assertEquals(t.people["u:c0000001"], { sub: "u:c0000001" }, "someone the room did not name still has an entry");
  // With the SFU's on-air lines, speaking starts when the microphone went on air (the observer
  // is up to two intervals late) and never goes on past a mute.
  const air = parseSpeaking([
    JSON.stringify({ at: 600, subs: ["u:a0000001"] }),
    JSON.stringify({ at: 1_300, subs: ["u:a0000001", "u:b0000001"] }),
    JSON.stringify({ at: 1_800, subs: ["u:b0000001"] }),
    JSON.stringify({ at: 2_700, subs: [] }),
    JSON.stringify({ at: 3_500, subs: ["u:a0000001"] }),
  ].join("\n"));
  const aired = buildTimeline(1_000, 5_000, null, lines, air);
  Timeline.parse(aired);
  assertEquals(aired.onAir, [
    { sub: "u:a0000001", fromMs: 0, toMs: 800 },
    { sub: "u:b0000001", fromMs: 300, toMs: 1_700 },
    { sub: "u:a0000001", fromMs: 2_500, toMs: 4_000 },
  ]);
  assertEquals(aired.speaking, [
    { sub: "u:a0000001", fromMs: 0, toMs: 800 },
    { sub: "u:b0000001", fromMs: 300, toMs: 1_700 },
    { sub: "u:a0000001", fromMs: 2_500, toMs: 4_000 },
  ]);
  // A timeline stored before on-air lines were kept still reads, with none.
  assertEquals(Timeline.parse({ ...t, onAir: undefined }).onAir, []);
  // No room record (it could not be read): the speaking intervals alone.
  const bare = buildTimeline(1_000, 5_000, null, lines);
  assert(bare.stage.length === 0 && bare.speaking.length === 3);
});
