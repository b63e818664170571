// /e2ee-worker.js: the worker of end-to-end encrypted calls (lib/browser/calls/e2ee/worker.ts),
// from this origin as CSP's worker-src asks, at a fixed URL (no manifest lookup in the page).
// Bundled (deno bundle, as the islands are) the first time it is asked for, then kept in memory: a
// call page creates its worker while it rings, so the first call pays for it there.
import { join } from "node:path";
import type { Handlers } from "../lib/server/http/route.ts";

const built = new Map<string, Promise<string>>();

/** The build folder's copy when there is one (a build that made it), else bundled now, once. */
async function bundle(buildDir: string): Promise<string> {
  const existing = await Deno.readTextFile(join(buildDir, "e2ee-worker.js")).catch(() => null);
  if (existing !== null) return existing;
  const entry = new URL("../lib/browser/calls/e2ee/worker.ts", import.meta.url).pathname;
  // A folder of its own: the build folder may be read-only where the web runs.
  const dir = await Deno.makeTempDir({ prefix: "spazio-e2ee-worker-" });
  try {
    const out = join(dir, "e2ee-worker.js");
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "--platform", "browser", "--format", "esm", "--minify", "-o", out, entry],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) throw new Error(`bundling the e2ee worker failed: ${new TextDecoder().decode(stderr)}`);
    return await Deno.readTextFile(out);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

export const handler: Handlers = {
  async GET(c) {
    const dir = c.get("deps").config.buildDir;
    let body = built.get(dir);
    if (!body) {
      built.set(dir, body = bundle(dir));
      body.catch(() => built.delete(dir));
    }
    return c.body(await body, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": "no-cache",
    });
  },
};
