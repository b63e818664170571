import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { searchRows, toPlainText, toWebVtt, transcriptRows } from "./transcript.ts";

const people = { "u:a": { sub: "u:a", name: "Ann <A>" }, "u:b": { sub: "u:b", handle: "bob" } };
const lines = [
  { sub: "u:a", text: "before the trim", fromMs: 0, toMs: 900 },
  { sub: "u:a", text: "welcome to the show", fromMs: 1_500, toMs: 3_000 },
  { sub: "u:b", text: "thanks for having me", fromMs: 3_661_250, toMs: 3_663_000 },
];

Deno.test("transcript rows: trimmed, named, in audio seconds", () => {
  assertEquals(transcriptRows(lines, people, 1_000), [
    { startS: 0.5, endS: 2, name: "Ann <A>", text: "welcome to the show" },
    { startS: 3660.25, endS: 3662, name: "@bob", text: "thanks for having me" },
  ]);
});

Deno.test("WebVTT and plain text of a transcript", () => {
  const rows = transcriptRows(lines, people, 1_000);
  assertEquals(
    toWebVtt(rows),
    "WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.000\n<v Ann &lt;A&gt;>welcome to the show\n\n" +
      "2\n01:01:00.250 --> 01:01:02.000\n<v @bob>thanks for having me\n",
  );
  assertEquals(toPlainText(rows), "[00:00:00] Ann <A>: welcome to the show\n[01:01:00] @bob: thanks for having me\n");
});

Deno.test("search finds the lines with every word asked, any case", () => {
  const rows = transcriptRows(lines, people, 0);
  assertEquals(searchRows(rows, "SHOW"), [1]);
  assertEquals(searchRows(rows, "the"), [0, 1]);
  assertEquals(searchRows(rows, "having thanks"), [2]);
  assertEquals(searchRows(rows, "   "), []);
  assertEquals(searchRows(rows, "nothing"), []);
});
