// Builds one bundle per island with `deno bundle` (esbuild): shared code split into chunks that
// esbuild names by content hash; each entry is renamed with its own hash so every file under
// /_build/ can be cached forever. Writes _build/manifest.json for the server.
import config, { islands } from "../fresh.config.ts";

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
    await Deno.writeTextFile(
      file,
      `import C from "../../islands/${name}.tsx";\nimport { hydrateIslands } from "../../lib/islands/client.ts";\n` +
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
  const missing = names.filter((n) => !manifest.islands[n]);
  if (missing.length) throw new Error(`no bundle was produced for ${missing.join(", ")}`);
  await Deno.writeTextFile(`${out}/manifest.json`, JSON.stringify(manifest, null, 2));
  console.log(`built ${names.length} islands, ${manifest.files.length} files in ${out}/static`);
}

if (import.meta.main) await build();
