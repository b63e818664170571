// The service worker's source (static/sw.js) with a version stamped in from the island build, so
// that a new build refreshes the shell cache.
import { join } from "node:path";
import type { BuildManifest } from "./islands.ts";

const stamped = new Map<string, string>();

export function serviceWorkerSource(buildDir: string): string {
  let body = stamped.get(buildDir);
  if (body === undefined) {
    // Read here rather than through loadBuildManifest, which would also swap the pages' bundles.
    const build: BuildManifest = JSON.parse(Deno.readTextFileSync(join(buildDir, "manifest.json")));
    const version = Object.values(build.islands).join("|").length.toString(36) + "." + hashCode(JSON.stringify(build));
    const source = Deno.readTextFileSync(new URL("../../static/sw.js", import.meta.url));
    body = source.replace("__VERSION__", JSON.stringify(version));
    stamped.set(buildDir, body);
  }
  return body;
}

function hashCode(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h.toString(36);
}
