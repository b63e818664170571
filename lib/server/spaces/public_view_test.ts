import assert from "node:assert/strict";
import { mix } from "../recordings/mix.ts";
import type { RecordingRecord } from "../recordings/service.ts";
import { SPACE_LANGS } from "../kv/spaces.ts";
import { CARD_LANGS } from "../../protocol/space_public.ts";
import { NOTHING_TO_MIX, replayState } from "./public_view.ts";

const rec = (status: RecordingRecord["status"], error?: string): RecordingRecord => ({
  spaceId: "s1",
  hostSub: "u:h",
  status,
  startedAt: 0,
  trimStartMs: 0,
  clipsAllowed: true,
  ...(error ? { error } : {}),
});

Deno.test("an ended Space's replay state, from its recording", () => {
  const cases: [RecordingRecord | null, string][] = [
    [null, "none"],
    [rec("recording"), "making"],
    [rec("mixing"), "making"],
    [rec("ready"), "ready"],
    [rec("deleted"), "gone"],
    [rec("failed", "nothing to mix: no track was recorded"), "empty"],
    [rec("failed", "ffmpeg failed (1): broken"), "failed"],
    [rec("failed"), "failed"],
  ];
  for (const [r, want] of cases) assert.equal(replayState(r), want, `${r?.status} ${r?.error}`);
});

Deno.test("the mix's error for a Space where nobody spoke is the one replayState reads as empty", async () => {
  const err = await mix([], { opus: "/nonexistent.ogg", aac: "/nonexistent.m4a" }).catch((e: Error) => e);
  assert.ok(err instanceof Error);
  assert.ok(err.message.startsWith(NOTHING_TO_MIX), err.message);
});

Deno.test("cards know every language a Space may be in", () => {
  assert.deepEqual([...CARD_LANGS], [...SPACE_LANGS]);
});
