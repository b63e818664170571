// Builds one bundle per island with `deno bundle` (esbuild): shared code split into chunks that
// esbuild names by content hash; each entry is renamed with its own hash so every file under
// /_build/ can be cached forever. Writes _build/manifest.json for the server.
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import config, { islands } from "../fresh.config.ts";
import { MIN_BYTES } from "../lib/http/compression.ts";

const out = Deno.env.get("SPAZIO_BUILD_DIR") ?? "./_build";
const deno = Deno.execPath();

export async function build(): Promise<void> {
  await (await import("./routes.ts")).writeRoutes(); // routes.gen.ts: the routes lib/app.tsx mounts
  const names = Object.keys(islands);
  await Deno.remove(out, { recursive: true }).catch(() => {});
  await Deno.mkdir(`${out}/entries`, { recursive: true });
  const entries: string[] = [];
  for (const name of names) {
    const file = `${out}/entries/${name}.ts`;
    // Absolute URLs, so that SPAZIO_BUILD_DIR may point anywhere (a second build beside this one).
    const island = new URL(`../islands/${name}.tsx`, import.meta.url).href;
    const client = new URL("../lib/islands/client.ts", import.meta.url).href;
    await Deno.writeTextFile(
      file,
      `import C from ${JSON.stringify(island)};\nimport { hydrateIslands } from ${JSON.stringify(client)};\n` +
        `hydrateIslands(${JSON.stringify(name)}, C as never);\n`,
    );
    entries.push(file);
  }
  const cmd = new Deno.Command(deno, {
    args: [
      "bundle", "--platform", "browser", "--format", "esm", "--code-splitting", "--minify",
      "--outdir", `${out}/raw`, ...entries,
    ],
    stdout: "inherit",
    stderr: "inherit",
  });
  const { code } = await cmd.output();
  if (code !== 0) throw new Error(`deno bundle failed with exit code ${code}`);
  await Deno.mkdir(`${out}/static`, { recursive: true });
  const manifest = { islands: {} as Record<string, string>, files: [] as string[] };
  for await (const f of Deno.readDir(`${out}/raw`)) {
    if (!f.isFile || !f.name.endsWith(".js")) continue;
    const bytes = await Deno.readFile(`${out}/raw/${f.name}`);
    const base = f.name.replace(/\.js$/, "");
    let target = f.name;
    if (names.includes(base)) {
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
      const hash = [...digest.slice(0, 6)].map((b) => b.toString(16).padStart(2, "0")).join("");
      target = `${base}-${hash}.js`;
      manifest.islands[base] = `/_build/${target}`;
    }
    await Deno.writeFile(`${out}/static/${target}`, bytes);
    manifest.files.push(`/_build/${target}`);
  }
  // Every file an island will load (its static chunks, and its dynamic ones where the config
  // says it loads them at once), so that pages name them with <link rel="modulepreload"> instead
  // of the browser discovering them one import at a time.
  const preloads: Record<string, string[]> = {};
  for (const [name, url] of Object.entries(manifest.islands)) {
    const seen = new Set<string>();
    const dynamic = (config.preloadDynamicImports as readonly string[]).includes(name);
    const pattern = dynamic ? /(?:from|import)\s*\(?"\.\/([\w.-]+\.js)"/g : /(?:from|import)\s*"\.\/([\w.-]+\.js)"/g;
    const visit = async (file: string) => {
      const code = await Deno.readTextFile(`${out}/static/${file}`);
      for (const m of code.matchAll(pattern)) {
        if (seen.has(m[1])) continue;
        seen.add(m[1]);
        await visit(m[1]);
      }
    };
    await visit(url.replace("/_build/", ""));
    preloads[name] = [...seen].map((f) => `/_build/${f}`);
  }
  Object.assign(manifest, { preloads });
  await precompress(`${out}/static`);
  const missing = names.filter((n) => !manifest.islands[n]);
  if (missing.length) throw new Error(`no bundle was produced for ${missing.join(", ")}`);
  await Deno.writeTextFile(`${out}/manifest.json`, JSON.stringify(manifest, null, 2));
  console.log(`built ${names.length} islands, ${manifest.files.length} files in ${out}/static`);
}

/**
 * Writes name.br (brotli, best quality) and name.gz (gzip -9) beside each file worth it, once,
 * so that the server sends them as they are (lib/http/compression.ts#precompressedBuild).
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
