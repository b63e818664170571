import assert from "node:assert/strict";
import { tn } from "./plural.ts";

Deno.test("counted strings follow each language's plural rules", () => {
  const cases: [Parameters<typeof tn>[0], number, string][] = [
    ["en", 0, "0 people found"],
    ["en", 1, "1 person found"],
    ["en", 2, "2 people found"],
    ["en", 1200, "1,200 people found"],
    ["fr", 0, "0 personne trouvée"],
    ["fr", 1, "1 personne trouvée"],
    ["fr", 2, "2 personnes trouvées"],
    ["it", 1, "1 persona trovata"],
    ["it", 0, "0 persone trovate"],
    ["it", 5, "5 persone trovate"],
  ];
  for (const [lang, n, want] of cases) assert.equal(tn(lang, "people.results", n), want, `${lang} ${n}`);
});
