// The Space page's weight, by structure, not by speed (bench:pages measures that): a live Space's
// islands are a handful of script files (issue 20 item 21: it was 23), every chunk those scripts
// import is named in the page (no waterfall of imports found one by one), and mediasoup-client is
// not among them: it comes with the media session the head's early script imports (all of whose
// files the head names too), for the audio that starts before the page hydrates, and without what
// no browser runs.
import assert from "node:assert/strict";
import { account, call } from "./support/calls.ts";
import { startStack } from "./support/stack.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
/** The most script files a Space page may name for its first paint (entries and their chunks). */
const FIRST_PAINT_FILES = 6;
/** A string only mediasoup-client's code carries (its handler names itself). */
const MEDIASOUP = "mediasoup-client";

Deno.test(
  "a live Space's page: few scripts for its islands, none of them mediasoup-client; its media session's files named first",
  opts,
  async () => {
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
      // Its stylesheet comes inline (nonce'd for the policy), after the head's media files: the
      // page paints once its HTML is in, and its first bytes ask for the media code.
      assert.equal(tags(/<link rel="stylesheet"[^>]*>/g).length, 0, "a stylesheet link: one more request before paint");
      const style = html.match(/<style nonce="[\w+/=-]+">([^<]*)<\/style>/);
      assert.ok(style, "the page carries its stylesheet inline, with the nonce");
      const css = await (await fetch(`${web.url}/static/styles.css`)).text();
      for (const rule of [".space-room", ".action-bar", ".tabs"]) {
        assert.ok(css.includes(rule) && style[1].includes(rule), `${rule} in the inline stylesheet`);
      }
      const firstPreload = html.indexOf('<link rel="modulepreload"');
      assert.ok(firstPreload > 0 && firstPreload < html.indexOf("<style"), "the media files are named after the style");
      const src = (tag: string) => tag.match(/(?:src|href)="([^"]+)"/)![1];
      // The islands' files wait for the media code: listed in a JSON block (components/Layout.tsx),
      // not as tags the browser would fetch beside it.
      assert.equal(tags(/<script type="module"[^>]*>/g).length, 0, "the islands' scripts are tags: fetched at once");
      const listed = html.match(/<script type="application\/json" id="island-scripts">([^<]*)<\/script>/);
      assert.ok(listed, "the page lists its islands' files");
      const islands = JSON.parse(listed[1]) as { scripts: string[]; preloads: string[] };
      const scripts = islands.scripts;
      const headPreloads = tags(/<link rel="modulepreload"[^>]*>/g);
      for (const tag of headPreloads) {
        assert.ok(!/fetchpriority/.test(tag), `${tag}: at low priority, behind the page's first requests`);
      }
      const named = [...headPreloads.map(src), ...islands.preloads];
      // The media modules: the one the head's early script imports (lib/browser/space/early_start.ts)
      // and all it imports, named at the top of the head for the page's first wave of requests; the
      // islands' files load once it is in.
      const early = html.match(/__spazioAfterMedia=import\("(\/_build\/early_start-[\w-]+\.js)"\)/);
      assert.ok(early, "the head's early script imports the media session module, and the islands wait for it");
      const body = new Map<string, string>();
      const get = async (path: string) => {
        if (!body.has(path)) body.set(path, await (await fetch(`${web.url}${path}`)).text());
        return body.get(path)!;
      };
      /** Every file a module imports statically, all the way down, itself included. */
      const closure = async (root: string) => {
        const seen = new Set<string>();
        const visit = async (path: string) => {
          if (seen.has(path)) return;
          seen.add(path);
          for (const m of (await get(path)).matchAll(/(?:from|import)\s*"\.\/([\w.-]+\.js)"/g)) {
            await visit(`/_build/${m[1]}`);
          }
        };
        await visit(root);
        return seen;
      };
      const islandFiles = new Set<string>();
      for (const s of scripts) for (const f of await closure(s)) islandFiles.add(f);
      assert.ok(
        islandFiles.size <= FIRST_PAINT_FILES,
        `${islandFiles.size} script files for the islands:\n${[...islandFiles].join("\n")}`,
      );
      // Every chunk the scripts import, all the way down, is named by the page (no waterfall).
      for (const f of islandFiles) {
        assert.ok(scripts.includes(f) || named.includes(f), `${f} is imported but not named`);
      }
      for (const f of islandFiles) {
        assert.ok(!(await get(f)).includes(MEDIASOUP), `${f} (the islands) carries mediasoup-client`);
      }
      const mediaFiles = await closure(early[1]);
      for (const f of mediaFiles) {
        assert.ok(headPreloads.map(src).includes(f), `${f} (the media session) is imported but not named in the head`);
      }
      const media: string[] = [];
      for (const f of mediaFiles) if ((await get(f)).includes(MEDIASOUP)) media.push(f);
      assert.equal(media.length, 1, `mediasoup-client among the media session's files: ${[...mediaFiles].join(", ")}`);
      // Its slim build (scripts/mediasoup_client_slim.ts): not the package's index, which brings the
      // FakeHandler and test parameters no browser runs.
      assert.ok(!(await get(media[0])).includes("FakeHandler"), `${media[0]} carries mediasoup-client's FakeHandler`);
    } finally {
      await stack.close();
    }
  },
);
