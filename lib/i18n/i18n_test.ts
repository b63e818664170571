import assert from "node:assert/strict";
import { catalogues, pickLang, t } from "./mod.ts";

Deno.test("every English string has a French and an Italian translation, with the same placeholders", () => {
  const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(",");
  for (const [key, value] of Object.entries(catalogues.en)) {
    for (const lang of ["fr", "it"] as const) {
      const other = (catalogues[lang] as Record<string, string>)[key];
      assert.ok(other, `${lang} lacks ${key}`);
      assert.equal(holes(other), holes(value), `${lang} ${key} placeholders`);
    }
  }
  assert.equal(Object.keys(catalogues.fr).length, Object.keys(catalogues.en).length);
  assert.equal(Object.keys(catalogues.it).length, Object.keys(catalogues.en).length);
});

Deno.test("language choice: remembered cookie, then Accept-Language by quality, then English", () => {
  const cases: [string | undefined, string | null, string][] = [
    [undefined, null, "en"],
    [undefined, "fr-CH, fr;q=0.9, en;q=0.8", "fr"],
    [undefined, "de-DE, it;q=0.7, fr;q=0.5", "it"],
    [undefined, "en;q=0.2, it;q=0.9", "it"],
    [undefined, "de, es", "en"],
    ["it", "fr", "it"],
    ["xx", "fr", "fr"],
  ];
  for (const [cookie, header, want] of cases) assert.equal(pickLang(cookie, header), want, `${cookie} ${header}`);
});

Deno.test("placeholders are filled", () => {
  assert.equal(t("fr", "home.welcome", { name: "Zoé" }), "Bienvenue, Zoé");
});
