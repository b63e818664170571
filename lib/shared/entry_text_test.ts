// How calls read in threads, lists and on /calls for each side.
import assert from "node:assert/strict";
import { callText, entryPreview, formatDuration } from "./entry_text.ts";
import type { CallOutcome, DmEntry } from "../protocol/dm.ts";

const call = (outcome: CallOutcome, video = false, durationS = 0): Extract<DmEntry, { kind: "call" }> => ({
  kind: "call",
  id: "x",
  from: "caller1",
  to: "callee1",
  at: 0,
  callId: "c1",
  video,
  outcome,
  durationS,
});

Deno.test("durations read like a phone's", () => {
  assert.deepEqual([0, 5, 65, 600, 3725].map(formatDuration), ["0:00", "0:05", "1:05", "10:00", "1:02:05"]);
});

Deno.test("each outcome reads right from each side", () => {
  const cases: [CallOutcome, boolean, string, string][] = [
    ["answered", false, "Audio call · 2:05", "Audio call · 2:05"],
    ["answered", true, "Video call · 2:05", "Video call · 2:05"],
    ["declined", false, "Audio call declined", "You declined an audio call"],
    ["cancelled", true, "Cancelled video call", "Missed video call"],
    ["missed", false, "Audio call, no answer", "Missed audio call"],
    ["busy", false, "Audio call, line busy", "Missed audio call (you were on another call)"],
  ];
  for (const [outcome, video, caller, callee] of cases) {
    const e = call(outcome, video, 125);
    assert.equal(callText("en", e, "caller1"), caller, `${outcome} caller`);
    assert.equal(callText("en", e, "callee1"), callee, `${outcome} callee`);
  }
  assert.equal(callText("fr", call("missed"), "callee1"), "Appel audio manqué");
  assert.equal(callText("it", call("answered", true, 61), "caller1"), "Videochiamata · 1:01");
});

Deno.test("the list previews a long text and says when it was yours", () => {
  const text = (from: string, t: string): DmEntry => ({ kind: "text", id: "x", from, to: "b", text: t, at: 0 });
  assert.equal(entryPreview("en", text("me", "hi"), "me"), "You: hi");
  assert.equal(entryPreview("en", text("b", "x".repeat(200)), "me").length, 80);
});
