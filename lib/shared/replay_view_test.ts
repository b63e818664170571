import assert from "node:assert/strict";
import type { Timeline } from "../protocol/recording_timeline.ts";
import { audioSeconds, clock, hasMoments, momentAt, replayKeyAction, speakerMarks, timelineMs } from "./replay_view.ts";
import { EMPTY_TIMELINE } from "../protocol/recording_timeline.ts";

const H = "u:host1", A = "u:alice", B = "u:bobby";
const T: Timeline = {
  startedAt: 1_700_000_000_000,
  people: {
    [H]: { sub: H, name: "Hana", handle: "hana" },
    [A]: { sub: A, name: "Alice" },
    [B]: { sub: B, handle: "bob" },
  },
  stage: [
    { sub: A, role: "speaker", fromMs: 5_000, toMs: 20_000 },
    { sub: H, role: "host", fromMs: 0 },
    { sub: B, role: "cohost", fromMs: 10_000 },
  ],
  onAir: [],
  speaking: [
    { sub: H, fromMs: 1_000, toMs: 4_000 },
    { sub: A, fromMs: 6_000, toMs: 9_000 },
    { sub: B, fromMs: 12_000, toMs: 14_000 },
    { sub: H, fromMs: 13_000, toMs: 30_000 },
  ],
  comments: [
    { id: "c2", sub: B, text: "second", atMs: 11_000 },
    { id: "c1", sub: A, text: "first", atMs: 3_000 },
  ],
  reactions: [{ emoji: "❤️", count: 3, atMs: 7_000 }],
  pins: [
    { atMs: 2_000, pin: { kind: "url", url: "https://example.com/", by: H } },
    { atMs: 15_000, pin: null },
  ],
  transcript: [],
};

Deno.test("the moment of a replay: stage, who speaks, comments so far, bursts, the pin, next speaker", () => {
  const cases: {
    ms: number;
    stage: string[];
    speaking: string[];
    comments: string[];
    bursts: number;
    pin: boolean;
    next: number | null;
  }[] = [
    { ms: 0, stage: [H], speaking: [], comments: [], bursts: 0, pin: false, next: 6_000 },
    { ms: 2_000, stage: [H], speaking: [H], comments: [], bursts: 0, pin: true, next: 6_000 },
    { ms: 3_000, stage: [H], speaking: [H], comments: ["c1"], bursts: 0, pin: true, next: 6_000 },
    { ms: 6_500, stage: [H, A], speaking: [A], comments: ["c1"], bursts: 0, pin: true, next: 12_000 },
    { ms: 7_000, stage: [H, A], speaking: [A], comments: ["c1"], bursts: 1, pin: true, next: 12_000 },
    { ms: 9_400, stage: [H, A], speaking: [], comments: ["c1"], bursts: 1, pin: true, next: 12_000 },
    { ms: 9_600, stage: [H, A], speaking: [], comments: ["c1"], bursts: 0, pin: true, next: 12_000 },
    // Host, then the co-host, then the speaker, whatever order they came up in.
    { ms: 11_500, stage: [H, B, A], speaking: [], comments: ["c1", "c2"], bursts: 0, pin: true, next: 13_000 },
    { ms: 12_500, stage: [H, B, A], speaking: [B], comments: ["c1", "c2"], bursts: 0, pin: true, next: null },
    { ms: 13_500, stage: [H, B, A], speaking: [B, H], comments: ["c1", "c2"], bursts: 0, pin: true, next: null },
    { ms: 25_000, stage: [H, B], speaking: [H], comments: ["c1", "c2"], bursts: 0, pin: false, next: null },
  ];
  for (const c of cases) {
    const m = momentAt(T, c.ms);
    assert.deepEqual(m.stage.map((s) => s.sub), c.stage, `stage at ${c.ms}`);
    assert.deepEqual(
      m.stage.filter((s) => s.speaking).map((s) => s.sub).sort(),
      [...c.speaking].sort(),
      `speaking at ${c.ms}`,
    );
    assert.deepEqual(m.comments.map((x) => x.id), c.comments, `comments at ${c.ms}`);
    assert.equal(m.reactions.length, c.bursts, `bursts at ${c.ms}`);
    assert.equal(m.pin !== null, c.pin, `pin at ${c.ms}`);
    assert.equal(m.nextSpeakerMs, c.next, `next speaker from ${c.ms}`);
  }
});

Deno.test("the moment names people as the timeline shows them, and copes with someone it does not name", () => {
  const m = momentAt({ ...T, people: { [H]: T.people[H] } }, 12_500);
  assert.equal(m.stage[0].name, "Hana");
  assert.equal(m.stage[1].sub, B);
  assert.equal(m.stage[1].name, undefined);
  assert.equal(m.comments[1].name, undefined);
  assert.equal(momentAt(T, 12_500).comments[1].handle, "bob");
  // A burst keeps its key while it shows, so it animates once.
  assert.equal(momentAt(T, 7_000).reactions[0].key, momentAt(T, 8_000).reactions[0].key);
});

Deno.test("replay time and timeline time, with the host's trim", () => {
  const cases: [number, number, number][] = [
    // [audio s, trim ms, timeline ms]
    [0, 0, 0],
    [1.5, 0, 1_500],
    [0, 10_000, 10_000],
    [2.25, 10_000, 12_250],
  ];
  for (const [s, trim, ms] of cases) {
    assert.equal(timelineMs(s, trim), ms);
    assert.equal(audioSeconds(ms, trim), s);
  }
  assert.equal(audioSeconds(4_000, 10_000), 0, "before the trim is the replay's start");
});

Deno.test("replay keys: Space/K, arrows/J/L, N; none while a control has the focus", () => {
  const page = { tagName: "DIV" };
  const cases: [string, string | null][] = [
    [" ", "toggle"],
    ["k", "toggle"],
    ["ArrowLeft", "back"],
    ["j", "back"],
    ["ArrowRight", "forward"],
    ["l", "forward"],
    ["n", "nextSpeaker"],
    ["N", "nextSpeaker"],
    ["x", null],
    ["Enter", null],
  ];
  for (const [key, action] of cases) assert.equal(replayKeyAction(key, page), action, key);
  for (const tagName of ["INPUT", "BUTTON", "A"]) assert.equal(replayKeyAction("n", { tagName }), null, tagName);
});

Deno.test("a timeline with nothing in it leaves just the player", () => {
  assert.equal(hasMoments(null), false);
  assert.equal(hasMoments(EMPTY_TIMELINE(1)), false);
  assert.equal(hasMoments({ ...EMPTY_TIMELINE(1), comments: T.comments }), true);
  assert.equal(hasMoments(T), true);
});

Deno.test("clock", () => {
  const cases: [number, string][] = [[0, "0:00"], [9.9, "0:09"], [75, "1:15"], [3_725, "1:02:05"], [-3, "0:00"]];
  for (const [s, out] of cases) assert.equal(clock(s), out);
});

Deno.test("speaker marks: each person's words on the bar, moved by the trim, cut to the audio, close ones joined", () => {
  const round = (ms: ReturnType<typeof speakerMarks>) =>
    ms.map((m) => [m.sub, m.name, Math.round(m.left * 10) / 10, Math.round(m.width * 10) / 10]);
  // 40 s of audio from the start: H 1-4 s, A 6-9 s, B 12-14 s, H 13-30 s.
  assert.deepEqual(round(speakerMarks(T, 0, 40_000)), [
    [H, "Hana", 2.5, 7.5],
    [A, "Alice", 15, 7.5],
    [B, "@bob", 30, 5],
    [H, "Hana", 32.5, 42.5],
  ]);
  // Trimmed at 10 s, 20 s of audio: what was before is gone, what runs past the end is cut.
  assert.deepEqual(round(speakerMarks(T, 10_000, 20_000)), [
    [B, "@bob", 10, 10],
    [H, "Hana", 15, 85],
  ]);
  // One person's words 1.5 s apart are one mark; a very short word is still a sliver.
  const close: Timeline = {
    ...T,
    speaking: [
      { sub: A, fromMs: 0, toMs: 1_000 },
      { sub: A, fromMs: 2_500, toMs: 3_000 },
      { sub: B, fromMs: 50_000, toMs: 50_010 },
    ],
  };
  assert.deepEqual(round(speakerMarks(close, 0, 100_000)), [[A, "Alice", 0, 3], [B, "@bob", 50, 0.6]]);
  assert.deepEqual(speakerMarks(T, 0, 0), []);
});
