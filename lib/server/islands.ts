// Server side of islands: which islands a page used (to load their bundles) and where the bundles are.
import { join } from "node:path";
import type { Lang } from "../i18n/mod.ts";

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

/** One language's build of the islands (scripts/build.ts builds each language's strings apart). */
export interface LangBuild {
  /** Island name -> URL of its entry bundle (content-hashed). */
  islands: Record<string, string>;
  /** Island name -> the chunks it imports, to preload with the page. */
  preloads: Record<string, string[]>;
  /** Island name -> the chunks it imports dynamically as it hydrates, to preload at low priority. */
  lazy?: Record<string, string[]>;
}

/** The build: English at the top level (what older readers of the manifest expect), every language in `langs`. */
export interface BuildManifest extends LangBuild {
  langs?: Partial<Record<Lang, LangBuild>>;
  /** Every file under /_build/. */
  files: string[];
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

function build(lang: Lang): LangBuild | null {
  return manifest?.langs?.[lang] ?? manifest;
}

/** The entry bundle of an island, in the page's language. */
export function islandUrl(name: string, lang: Lang): string {
  const url = build(lang)?.islands[name];
  if (!url) throw new Error(`island ${name} is not in the build; run \`deno task build\``);
  return url;
}

/** The chunks a page's islands import: fetched with the page, before they are asked for. */
export function islandPreloads(names: string[], lang: Lang): string[] {
  return [...new Set(names.flatMap((n) => build(lang)?.preloads[n] ?? []))];
}

/**
 * The chunks those islands import as soon as they hydrate (the Space page's media client): worth
 * fetching early, never worth delaying first paint for, so the page asks for them at low priority.
 */
export function islandLazyPreloads(names: string[], lang: Lang): string[] {
  const first = new Set(islandPreloads(names, lang));
  return islandLazyModules(names, lang).filter((f) => !first.has(f));
}

/**
 * Every chunk those islands import as they hydrate, the ones the page loads anyway included, in
 * the order they are needed: for a page that runs that code first (render.tsx).
 */
export function islandLazyModules(names: string[], lang: Lang): string[] {
  return [...new Set(names.flatMap((n) => build(lang)?.lazy?.[n] ?? []))];
}
