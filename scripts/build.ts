// Builds the islands with `deno bundle` (esbuild): a few entries, each hydrating a group of
// islands (ENTRY_GROUPS), with the code they share split into chunks that esbuild names by content
// hash; each entry is renamed with its own hash so every file under /_build/ can be cached
// forever. Writes _build/manifest.json for the server (each island's entry, the chunks to preload).
// Why groups: with one entry per island, esbuild makes a chunk for every set of islands that
// shares a module, and the Space page loaded 23 files of JavaScript (many under 1 KB) before its
// first tap: on a phone's network each costs a round trip more than its bytes. Two groups make the
// Space page's scripts 4 files and fewer bytes (each chunk repeats its imports and exports).
// What the browser gets is lighter than what the server runs: by import map, the islands are
// built once per language, each carrying only its language's strings (plus the English of any
// key that language lacks); a page loads the build of its language. (The browser validates with
// real zod, like every other edge: about 11 KB gzip of each island's shared chunk.) mediasoup-client
// comes by the same import map from a build of it without what no browser runs
// (scripts/mediasoup_client_slim.ts).
// Then every file is compressed once (.br, .gz beside it) for lib/server/http/compression.ts to send.
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { resolve as resolvePath } from "node:path";
import config, { islands } from "../fresh.config.ts";
import { MIN_BYTES } from "../lib/server/http/compression.ts";
import { catalogues, type Lang, LANGS } from "../lib/i18n/mod.ts";
import { buildSlimMediasoupClient } from "./mediasoup_client_slim.ts";

const out = Deno.env.get("SPAZIO_BUILD_DIR") ?? "./_build";

/**
 * The islands bundled together, one entry per group. `main`: the pages people reach from a link
 * or from home (home, a Space live, scheduled or ended, its replay and clips, a profile, people)
 * and the shell every page with islands carries (NowPlaying, the call ringer). `account`: signing
 * in and up, settings, starting or editing a Space, messages and calls. An island in no group is
 * an entry of its own. A page loads its groups' entries (lib/server/islands.ts): an island of a
 * group already loaded is hydrated from the registry (lib/browser/islands.ts).
 */
export const ENTRY_GROUPS: Record<string, string[]> = {
  main: [
    "NowPlaying",
    "CallRinger",
    "LiveSpaces",
    "ScheduledActions",
    "ShareButton",
    "SpaceScreen",
    "EndedScreen",
    "ReplayPlayer",
    "ProfileActions",
    "PeopleSearch",
  ],
  account: [
    "SignIn",
    "SignUp",
    "AddPasskey",
    "ProfileEditor",
    "PushToggle",
    "CallSettings",
    "CreateSpace",
    "DmInbox",
    "DmThread",
    "CallScreen",
    "CallBack",
  ],
};

/** Every entry to build: the groups of islands that exist, then each island left over on its own. */
export function entryGroups(names: string[]): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const [entry, members] of Object.entries(ENTRY_GROUPS)) {
    const present = members.filter((n) => names.includes(n));
    if (present.length) groups[entry] = present;
  }
  const grouped = new Set(Object.values(groups).flat());
  for (const n of names) if (!grouped.has(n)) groups[n] = [n];
  return groups;
}
const deno = Deno.execPath();
const I18N = new URL("../lib/i18n/", import.meta.url);

/** What one language's build gave: entry URLs, and the chunks each island loads. */
interface LangBuild {
  islands: Record<string, string>;
  /** Static imports: named with <link rel="modulepreload"> in the page's head. */
  preloads: Record<string, string[]>;
  /** Dynamic imports the island makes as it hydrates (fresh.config.ts preloadDynamicImports),
   * each with every chunk it imports: preloaded at low priority (those the page does not load
   * anyway), so that first paint never waits for them, or first (lib/server/render.tsx). */
  lazy: Record<string, string[]>;
}

export async function build(): Promise<void> {
  await (await import("./routes.ts")).writeRoutes(); // routes.gen.ts: the routes app.tsx mounts
  const names = Object.keys(islands);
  await Deno.remove(out, { recursive: true }).catch(() => {});
  await Deno.mkdir(`${out}/entries`, { recursive: true });
  await Deno.mkdir(`${out}/static`, { recursive: true });
  const entries: string[] = [];
  const groups = entryGroups(names);
  // Absolute URLs, so that SPAZIO_BUILD_DIR may point anywhere (a second build beside this one).
  const client = new URL("../lib/browser/islands.ts", import.meta.url).href;
  for (const [entry, members] of Object.entries(groups)) {
    const file = `${out}/entries/${entry}.ts`;
    const lines = [`import { hydrateIslands } from ${JSON.stringify(client)};`];
    members.forEach((name, i) => {
      const island = new URL(`../islands/${name}.tsx`, import.meta.url).href;
      lines.push(`import C${i} from ${JSON.stringify(island)};`);
      lines.push(`hydrateIslands(${JSON.stringify(name)}, C${i} as never);`);
    });
    await Deno.writeTextFile(file, lines.join("\n") + "\n");
    entries.push(file);
  }
  const mediasoupClient = `${resolvePath(out)}/vendor/mediasoup-client.js`;
  await buildSlimMediasoupClient(mediasoupClient);
  const files = new Map<string, Uint8Array>();
  const langs = {} as Record<Lang, LangBuild>;
  for (const lang of LANGS) langs[lang] = await buildLang(lang, groups, entries, files, mediasoupClient);
  const manifest = {
    ...langs.en,
    langs,
    files: [...files.keys()].sort().map((f) => `/_build/${f}`),
  };
  await precompress(`${out}/static`);
  await Deno.writeTextFile(`${out}/manifest.json`, JSON.stringify(manifest, null, 2));
  console.log(
    `built ${names.length} islands (${Object.keys(groups).length} entries) in ${LANGS.length} languages, ` +
      `${files.size} files in ${out}/static`,
  );
}

async function buildLang(
  lang: Lang,
  groups: Record<string, string[]>,
  entries: string[],
  files: Map<string, Uint8Array>,
  mediasoupClient: string,
): Promise<LangBuild> {
  const raw = `${out}/raw/${lang}`;
  const map = `${out}/entries/import_map.${lang}.json`;
  const imports = { ...await catalogueStubs(lang), "mediasoup-client": new URL(`file://${mediasoupClient}`).href };
  await Deno.writeTextFile(map, JSON.stringify({ imports }, null, 2));
  const { code } = await new Deno.Command(deno, {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--format",
      "esm",
      "--code-splitting",
      // SPAZIO_NO_MINIFY=1 keeps names and file comments, for reading a CPU profile.
      ...(Deno.env.get("SPAZIO_NO_MINIFY") ? [] : ["--minify"]),
      "--import-map",
      map,
      "--outdir",
      raw,
      ...entries,
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) throw new Error(`deno bundle (${lang}) failed with exit code ${code}`);
  const result: LangBuild = { islands: {}, preloads: {}, lazy: {} };
  for await (const f of Deno.readDir(raw)) {
    if (!f.isFile || !f.name.endsWith(".js")) continue;
    const bytes = await Deno.readFile(`${raw}/${f.name}`);
    const base = f.name.replace(/\.js$/, "");
    let target = f.name;
    if (Object.hasOwn(groups, base)) {
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
      const hash = [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
      target = `${base}-${hash}.js`;
      for (const name of groups[base]) result.islands[name] = `/_build/${target}`;
    }
    // Chunks without strings come out the same in every language: one file serves them all.
    const before = files.get(target);
    if (before && !sameBytes(before, bytes)) {
      throw new Error(`two different ${target} in the ${lang} build`);
    }
    files.set(target, bytes);
    await Deno.writeFile(`${out}/static/${target}`, bytes);
  }
  const missing = Object.values(groups).flat().filter((n) => !result.islands[n]);
  if (missing.length) throw new Error(`no ${lang} bundle was produced for ${missing.join(", ")}`);
  // Every file an island will load, so that pages name them instead of the browser finding them
  // one import at a time: its entry's static chunks, and (where the config says the island loads
  // them as it hydrates) those dynamic imports with their own chunks. esbuild names the chunk of a
  // dynamic import after its module (space_audio.ts: space_audio-<hash>.js); the other dynamic
  // imports of a group (a call's media) are not preloaded.
  const staticImport = /(?:from|import)\s*"\.\/([\w.-]+\.js)"/g;
  const dynamicImport = /import\s*\(\s*"\.\/([\w.-]+\.js)"\s*\)/g;
  const closure = async (roots: string[], seen = new Set<string>()) => {
    const visit = async (file: string) => {
      for (const m of (await Deno.readTextFile(`${out}/static/${file}`)).matchAll(staticImport)) {
        if (!seen.has(m[1])) (seen.add(m[1]), await visit(m[1]));
      }
    };
    for (const r of roots) await visit(r);
    return seen;
  };
  for (const [name, url] of Object.entries(result.islands)) {
    const entry = url.replace("/_build/", "");
    const own = await closure([entry]);
    result.preloads[name] = [...own].map((f) => `/_build/${f}`);
    const wanted: readonly string[] = (config.preloadDynamicImports as Record<string, readonly string[]>)[name] ?? [];
    if (!wanted.length) continue;
    const stems = wanted.map((m) => m.replace(/^.*\//, "").replace(/\.tsx?$/, ""));
    const dynamic = new Set<string>();
    for (const f of [entry, ...own]) {
      for (const m of (await Deno.readTextFile(`${out}/static/${f}`)).matchAll(dynamicImport)) {
        if (stems.some((stem) => m[1].startsWith(`${stem}-`))) dynamic.add(m[1]);
      }
    }
    const missed = stems.filter((stem) => ![...dynamic].some((f) => f.startsWith(`${stem}-`)));
    if (missed.length) throw new Error(`${name}: no dynamic import of ${missed.join(", ")} in its bundle`);
    const later = await closure([...dynamic], new Set(dynamic));
    // All of it, the chunks the page loads anyway included: a page that runs this code first
    // (the Space page's early media, lib/server/render.tsx) names them all at the top of its head.
    result.lazy[name] = [...later].filter((f) => f !== entry).map((f) => `/_build/${f}`);
  }
  return result;
}

/**
 * Import-map entries that swap each catalogue file under lib/i18n/ (a module of plain data: no
 * function among its exports) for a copy holding `lang` only. A catalogue is an export named
 * after a language (`export const fr = {...}`) or an object keyed by languages
 * (`export const spaces = { en: {...}, fr: {...}, it: {...} }`). English stays where `lang`
 * lacks a key, so t() falls back as it does on the server.
 */
async function catalogueStubs(lang: Lang): Promise<Record<string, string>> {
  const isLangKey = (k: string) => (LANGS as readonly string[]).includes(k);
  const keep = (of: string, strings: Record<string, string>) =>
    of === lang
      ? strings
      : of === "en"
      ? Object.fromEntries(Object.entries(strings).filter(([k]) => !(k in catalogues[lang])))
      : {};
  const map: Record<string, string> = {};
  const dir = `${resolvePath(out)}/i18n/${lang}`;
  await Deno.mkdir(dir, { recursive: true });
  for (const f of Deno.readDirSync(I18N)) {
    if (
      !f.isFile || !f.name.endsWith(".ts") || f.name.endsWith("_test.ts") || f.name === "mod.ts"
    ) continue;
    const url = new URL(f.name, I18N).href;
    const mod: Record<string, unknown> = await import(url);
    if (Object.values(mod).some((v) => typeof v === "function")) continue;
    const lines = Object.entries(mod).map(([name, value]) => {
      let data = value;
      if (isLangKey(name)) data = keep(name, value as Record<string, string>);
      else if (value && typeof value === "object" && Object.keys(value).every(isLangKey)) {
        data = Object.fromEntries(
          Object.entries(value).map(([l, s]) => [l, keep(l, s as Record<string, string>)]),
        );
      }
      return `export const ${name} = ${JSON.stringify(data)};`;
    });
    await Deno.writeTextFile(
      `${dir}/${f.name}`,
      `// Generated by scripts/build.ts: ${f.name} for ${lang} pages.\n${lines.join("\n")}\n`,
    );
    map[url] = new URL(`file://${dir}/${f.name}`).href;
  }
  return map;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Writes name.br (brotli, best quality) and name.gz (gzip -9) beside each file worth it, once,
 * so that the server sends them as they are (lib/server/http/compression.ts#precompressedBuild).
 */
async function precompress(dir: string): Promise<void> {
  for await (const f of Deno.readDir(dir)) {
    if (!f.isFile || !f.name.endsWith(".js")) continue;
    const bytes = await Deno.readFile(`${dir}/${f.name}`);
    if (bytes.length < MIN_BYTES) continue;
    const br = brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    });
    await Deno.writeFile(`${dir}/${f.name}.br`, br);
    await Deno.writeFile(`${dir}/${f.name}.gz`, gzipSync(bytes, { level: 9 }));
  }
}

if (import.meta.main) await build();
