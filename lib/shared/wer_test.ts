import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { wordErrorRate, wordErrors, words } from "./wer.ts";

Deno.test("words: case and punctuation do not count, apostrophes stay", () => {
  assertEquals(words("Hello, World! Don't stop."), ["hello", "world", "don't", "stop"]);
});

Deno.test("word errors: a table of substitutions, deletions and insertions", () => {
  const table: [string, string, [number, number, number, number]][] = [
    ["the cat sat", "the cat sat", [0, 0, 0, 3]],
    ["the cat sat", "the bat sat", [1, 0, 0, 3]],
    ["the cat sat", "the sat", [0, 1, 0, 3]],
    ["the cat sat", "the cat sat down", [0, 0, 1, 3]],
    ["the cat sat", "", [0, 3, 0, 3]],
    ["", "hello", [0, 0, 1, 0]],
    ["welcome to the show", "welcome show today", [0, 2, 1, 4]],
  ];
  for (const [ref, hyp, [s, d, i, n]] of table) {
    const e = wordErrors(ref, hyp);
    assertEquals([e.substitutions + e.deletions + e.insertions, e.reference], [s + d + i, n], `${ref} / ${hyp}`);
  }
  assertEquals(wordErrors("a b c d", "a x c"), { substitutions: 1, deletions: 1, insertions: 0, reference: 4 });
});

Deno.test("word error rate sums errors over the corpus before dividing", () => {
  const rate = wordErrorRate([{ reference: "a b c d", hypothesis: "a b c d" }, { reference: "e f", hypothesis: "e" }]);
  assert(Math.abs(rate - 1 / 6) < 1e-9, String(rate));
});
