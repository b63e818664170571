// The Space page's weight, by structure, not by speed (bench:pages measures that): what a live
// Space's page asks for before its first paint is a handful of script files (issue 20 item 21: it
// was 23), every chunk those scripts import is named in the page (no waterfall of imports found
// one by one), and mediasoup-client is not among them: it comes only as a low-priority preload,
// for the audio that starts as the page comes alive, and without what no browser runs.
import assert from "node:assert/strict";
import { account, call } from "./support/calls.ts";
import { startStack } from "./support/stack.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
/** The most script files a Space page may name for its first paint (entries and their chunks). */
const FIRST_PAINT_FILES = 6;
/** A string only mediasoup-client's code carries (its handler names itself). */
const MEDIASOUP = "mediasoup-client";

Deno.test("a live Space's page: few scripts before first paint, none of them mediasoup-client", opts, async () => {
  const stack = await startStack();
  const { web } = stack;
  try {
    const host = await account(web, "weight_host");
    const made = await call(web, host, "POST", "/api/spaces", { title: "Weigh me", lang: "en", topics: [] });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const res = await fetch(`${web.url}/s/${made.body.id}`);
    assert.equal(res.status, 200);
    const html = await res.text();
    const tags = (re: RegExp) => [...html.matchAll(re)].map((m) => m[0]);
    const src = (tag: string) => tag.match(/(?:src|href)="([^"]+)"/)![1];
    const scripts = tags(/<script type="module"[^>]*>/g).map(src);
    const preloads = tags(/<link rel="modulepreload"[^>]*>/g);
    const eager = preloads.filter((l) => !/fetchpriority="low"/.test(l)).map(src);
    const lazy = preloads.filter((l) => /fetchpriority="low"/.test(l)).map(src);
    const firstPaint = [...new Set([...scripts, ...eager])];
    assert.ok(scripts.length >= 1, "the page loads its islands");
    assert.ok(
      firstPaint.length <= FIRST_PAINT_FILES,
      `${firstPaint.length} script files before first paint:\n${firstPaint.join("\n")}`,
    );
    // Every chunk the first-paint scripts import, all the way down, is named by the page.
    const body = new Map<string, string>();
    const get = async (path: string) => {
      if (!body.has(path)) body.set(path, await (await fetch(`${web.url}${path}`)).text());
      return body.get(path)!;
    };
    const seen = new Set<string>();
    const visit = async (path: string) => {
      if (seen.has(path)) return;
      seen.add(path);
      for (const m of (await get(path)).matchAll(/(?:from|import)\s*"\.\/([\w.-]+\.js)"/g)) {
        await visit(`/_build/${m[1]}`);
      }
    };
    for (const s of scripts) await visit(s);
    for (const f of seen) assert.ok(firstPaint.includes(f), `${f} is imported before first paint but not named`);
    for (const f of firstPaint) {
      assert.ok(!(await get(f)).includes(MEDIASOUP), `${f} (before first paint) carries mediasoup-client`);
    }
    // mediasoup-client: preloaded at low priority, for the audio the page starts as it comes alive.
    const media: string[] = [];
    for (const f of lazy) if ((await get(f)).includes(MEDIASOUP)) media.push(f);
    assert.equal(media.length, 1, `mediasoup-client among the low-priority preloads: ${lazy.join(", ")}`);
    // Its slim build (scripts/mediasoup_client_slim.ts): not the package's index, which brings the
    // FakeHandler and test parameters no browser runs.
    assert.ok(!(await get(media[0])).includes("FakeHandler"), `${media[0]} carries mediasoup-client's FakeHandler`);
  } finally {
    await stack.close();
  }
});
