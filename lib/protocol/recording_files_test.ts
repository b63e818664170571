// The recording files' contract: the folder names, the index (what the SFU keeps, what the web
// mixes by) and the activity lines, torn or not.
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import {
  activityLineText,
  MixableSegment,
  parseActivityLines,
  parseRecordingIndex,
  tracksFolder,
} from "./recording_files.ts";

const seg = {
  file: "p1-abc-1.ogg",
  sub: "u:host",
  producerId: "p1",
  firstPacketAt: 10,
  startedAt: 5,
  endedAt: null,
};

Deno.test("recording files: a tracks folder only for ids the web makes", () => {
  const cases: [string, string[] | undefined][] = [
    ["space_1", ["spaces", "space_1", "rec"]],
    ["../x", undefined],
    ["ab", undefined],
    ["a/b/c/d", undefined],
  ];
  for (const [id, want] of cases) assertEquals(tracksFolder(id), want, id);
});

Deno.test("recording files: the index keeps the valid segments, in order", () => {
  const cases: { name: string; text: string; whole: number; mixable: number }[] = [
    {
      name: "as the SFU writes it",
      text: JSON.stringify({ segments: [seg, { ...seg, file: "p2.ogg" }] }),
      whole: 2,
      mixable: 2,
    },
    {
      name: "a file name that could leave the folder",
      text: JSON.stringify({ segments: [{ ...seg, file: "../../etc.ogg" }] }),
      whole: 0,
      mixable: 0,
    },
    {
      name: "only what the mixer needs",
      text: JSON.stringify({ segments: [{ file: "p.ogg", sub: "u:x", firstPacketAt: 1 }] }),
      whole: 0,
      mixable: 1,
    },
    { name: "not JSON (half written)", text: '{"segments": [', whole: 0, mixable: 0 },
    { name: "no list", text: "{}", whole: 0, mixable: 0 },
  ];
  for (const c of cases) {
    assertEquals(
      [parseRecordingIndex(c.text).length, parseRecordingIndex(c.text, MixableSegment).length],
      [c.whole, c.mixable],
      c.name,
    );
  }
});

Deno.test("recording files: activity lines round-trip, a torn line is skipped, order is by time", () => {
  const text = activityLineText({ at: 20, subs: ["u:b"] }) +
    activityLineText({ at: 10, subs: ["u:a"] }) + '{"at": 30, "su';
  assertEquals(parseActivityLines(text), [{ at: 10, subs: ["u:a"] }, { at: 20, subs: ["u:b"] }]);
});
