// Server side of islands: which islands a page used (to load their bundles) and where the bundles are.
import { join } from "node:path";

let used: Set<string> | null = null;

/** Collects island names while one page renders (rendering is synchronous). */
export function collectIslands<T>(render: () => T): { result: T; islands: string[] } {
  used = new Set();
  try {
    const result = render();
    return { result, islands: [...used] };
  } finally {
    used = null;
  }
}

export function markIslandUsed(name: string): void {
  used?.add(name);
}

export interface BuildManifest {
  /** Island name -> URL of its entry bundle (content-hashed). */
  islands: Record<string, string>;
  /** Every file under /_build/, for the service worker's precache of the shell. */
  files: string[];
  /** Island name -> the chunks it loads, to preload with the page. */
  preloads: Record<string, string[]>;
}

let manifest: BuildManifest | null = null;

export function loadBuildManifest(buildDir: string): BuildManifest {
  try {
    manifest = JSON.parse(Deno.readTextFileSync(join(buildDir, "manifest.json")));
  } catch {
    throw new Error(`no island build in ${buildDir}: run \`deno task build\` first`);
  }
  return manifest!;
}

export function islandUrl(name: string): string {
  const url = manifest?.islands[name];
  if (!url) throw new Error(`island ${name} is not in the build; run \`deno task build\``);
  return url;
}

export function islandPreloads(names: string[]): string[] {
  return [...new Set(names.flatMap((n) => manifest?.preloads?.[n] ?? []))];
}
