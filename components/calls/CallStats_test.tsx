// The connection reading says a weak or poor connection in words beside its icon (in each
// language), not only by the icon's colour; a good one stays a quiet icon.
import assert from "node:assert/strict";
import { signal } from "@preact/signals";
import { renderToString } from "preact-render-to-string";
import { QualityButton } from "./CallStats.tsx";
import type { CallMedia } from "../../lib/browser/calls/call_media.ts";
import type { Quality } from "../../lib/browser/calls/call_quality.ts";

function shown(lang: "en" | "fr" | "it", q: Quality): string {
  const media = { quality: signal(q), samples: signal([]) } as unknown as CallMedia;
  const html = renderToString(<QualityButton lang={lang} media={media} />);
  const button = html.match(/<button[^>]*class="call-icon-btn quality"[^>]*>([\s\S]*?)<\/button>/)?.[1] ?? "";
  return button.replace(/<svg[\s\S]*?<\/svg>/g, "").replace(/<[^>]+>/g, "").trim();
}

Deno.test("a poor or weak connection is said in words beside the icon", () => {
  assert.equal(shown("en", "poor"), "Poor connection");
  assert.equal(shown("en", "fair"), "Weak connection");
  assert.equal(shown("fr", "poor"), "Connexion faible");
  assert.equal(shown("it", "poor"), "Connessione scarsa");
  assert.equal(shown("en", "good"), "");
});
