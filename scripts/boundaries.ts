// Where code may import from, by where it runs (DESIGN.md, "Layout"). Walks every relative import
// (static, dynamic, `new URL(…, import.meta.url)`) from each runtime's entry files and reports a
// file that reaches a folder its runtime must not load:
// - browser (islands/, lib/browser/, and every component they render): no lib/server/, routes/,
//   app.tsx, main.ts, party/, sfu/, scripts/;
// - lib/shared/: no lib/server/ or lib/browser/ (both sides load it);
// - party/ and sfu/: nothing in lib/ but lib/protocol/ and lib/i18n/, and not each other.
// `tests/layout_boundary_test.ts` runs it on the tree and on planted imports.

/** A file's path from the repository's root and the relative specifiers it imports. */
export type SourceFile = { path: string; imports: string[] };

export type Violation = { from: string; chain: string[]; target: string; rule: string };

type Rule = { name: string; entries: (p: string) => boolean; forbidden: (p: string) => boolean };

const under = (...dirs: string[]) => (p: string) => dirs.some((d) => p.startsWith(d));

export const RULES: Rule[] = [
  {
    name: "browser code imports no server code",
    entries: under("islands/", "lib/browser/"),
    forbidden: (p) =>
      under("lib/server/", "routes/", "party/", "sfu/", "scripts/")(p) || p === "app.tsx" ||
      p === "main.ts",
  },
  {
    name: "lib/shared/ is loaded by both sides: it imports neither",
    entries: under("lib/shared/"),
    forbidden: under("lib/server/", "lib/browser/", "routes/", "islands/"),
  },
  {
    name: "party/ imports only lib/protocol/ and lib/i18n/ of lib/",
    entries: (p) => p.startsWith("party/") && !p.endsWith("_test.ts"),
    forbidden: (p) => !under("party/", "lib/protocol/", "lib/i18n/")(p),
  },
  {
    name: "sfu/ imports only lib/protocol/ and lib/i18n/ of lib/",
    entries: (p) => p.startsWith("sfu/") && !p.startsWith("sfu/node_modules/"),
    forbidden: (p) => !under("sfu/", "lib/protocol/", "lib/i18n/")(p),
  },
];

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)["'](\.{1,2}\/[^"']+)["']/g;

/** The relative specifiers of one source text (comments are not stripped: none name a path so). */
export function importsOf(text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((m) => m[1]);
}

function resolve(from: string, spec: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const seg of spec.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== ".") parts.push(seg);
  }
  return parts.join("/");
}

/** Every rule broken in `files`, with the import chain from the entry to the forbidden file. */
export function findViolations(files: SourceFile[], rules = RULES): Violation[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const out: Violation[] = [];
  for (const rule of rules) {
    for (const entry of files.filter((f) => rule.entries(f.path))) {
      // Breadth-first from the entry, remembering how each file was reached.
      const via = new Map<string, string | null>([[entry.path, null]]);
      const queue = [entry.path];
      while (queue.length) {
        const at = queue.shift()!;
        for (const spec of byPath.get(at)?.imports ?? []) {
          const target = resolve(at, spec);
          // Folders and non-code files (a script run by path, say) are resources, not imports.
          if (!/\.(ts|tsx|mjs|js|cjs)$/.test(target) || via.has(target)) continue;
          via.set(target, at);
          if (rule.forbidden(target)) {
            const chain: string[] = [];
            for (let p: string | null = at; p; p = via.get(p) ?? null) chain.unshift(p);
            out.push({ from: entry.path, chain, target, rule: rule.name });
            continue;
          }
          queue.push(target);
        }
      }
    }
  }
  // One line per (rule, forbidden target, first importer): an entry's neighbours repeat it.
  const seen = new Set<string>();
  return out.filter((v) => {
    const key = `${v.rule}|${v.target}|${v.chain[v.chain.length - 1]}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** The repository's source files, read from disk. */
export async function readTree(root: string): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  const skip = new Set(["node_modules", ".git", "_build", "data", ".partykit", "test-artifacts"]);
  async function walk(dir: string): Promise<void> {
    for await (const e of Deno.readDir(`${root}/${dir}`)) {
      const path = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory && !skip.has(e.name)) await walk(path);
      else if (e.isFile && /\.(ts|tsx|mjs|js|cjs)$/.test(e.name) && !path.startsWith("static/")) {
        files.push({ path, imports: importsOf(await Deno.readTextFile(`${root}/${path}`)) });
      }
    }
  }
  await walk("");
  return files;
}

if (import.meta.main) {
  const found = findViolations(await readTree(Deno.cwd()));
  for (const v of found) console.log(`${v.rule}: ${[...v.chain, v.target].join(" -> ")}`);
  console.log(found.length ? `${found.length} boundary violations` : "no boundary violations");
  Deno.exit(found.length ? 1 : 0);
}
