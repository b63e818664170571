// The layout's boundaries (scripts/boundaries.ts): the tree keeps them, and an import planted
// across one is caught, with the chain that reaches it.
import assert from "node:assert/strict";
import { findViolations, importsOf, readTree, type SourceFile } from "../scripts/boundaries.ts";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const tree = await readTree(root);

function planted(path: string, spec: string): SourceFile[] {
  assert(tree.some((f) => f.path === path), `${path} exists`);
  return tree.map((f) => f.path === path ? { ...f, imports: [...f.imports, spec] } : f);
}

Deno.test("the tree keeps every boundary", () => {
  const found = findViolations(tree);
  assert.deepEqual(found.map((v) => `${v.rule}: ${[...v.chain, v.target].join(" -> ")}`), []);
});

Deno.test("the walk sees the runtimes' entries and what they load", () => {
  const paths = new Set(tree.map((f) => f.path));
  for (const p of ["islands/SpaceScreen.tsx", "lib/browser/space/live.ts", "party/main.ts", "sfu/main.ts"]) {
    assert(paths.has(p), p);
  }
  assert.deepEqual(
    importsOf(
      `import a from "./a.ts";\nconst b = await import("../b.ts");\nimport "./c.ts";\nnew URL("./d.ts", import.meta.url);\nimport x from "preact";`,
    ),
    ["./a.ts", "../b.ts", "./c.ts", "./d.ts"],
  );
});

const plants: [string, string, string, RegExp][] = [
  ["an island imports a KV store", "islands/ShareButton.tsx", "../lib/server/kv/users.ts", /^browser code/],
  [
    "browser code reaches the server through a component",
    "components/Sheet.tsx",
    "../lib/server/config.ts",
    /^browser code/,
  ],
  [
    "a browser module loads the server lazily",
    "lib/browser/space/live.ts",
    "../../server/spaces/service.ts",
    /^browser code/,
  ],
  ["shared code imports browser code", "lib/shared/call_rule.ts", "../browser/api_client.ts", /^lib\/shared/],
  ["a party imports the web's config", "party/space/room.ts", "../../lib/server/config.ts", /^party\//],
  ["a party imports shared (not protocol) code", "party/call/reducer.ts", "../../lib/shared/entry_text.ts", /^party\//],
  ["the SFU imports browser code", "sfu/room.ts", "../lib/browser/media/signalling.ts", /^sfu\//],
  [
    "protocol code imports server code (so party and SFU would load it)",
    "lib/protocol/token.ts",
    "../server/config.ts",
    /^(party|sfu)\//,
  ],
];
for (const [name, path, spec, rule] of plants) {
  Deno.test(`a planted import is caught: ${name}`, () => {
    const found = findViolations(planted(path, spec));
    assert(found.length > 0, "no violation reported");
    const hit = found.find((v) => rule.test(v.rule));
    assert(hit, `no "${rule}" violation in ${JSON.stringify(found)}`);
    assert.ok(hit.chain.includes(path), `the chain ${hit.chain.join(" -> ")} names ${path}`);
  });
}

Deno.test("a file over 300 lines says why in its opening comment", async () => {
  const long: string[] = [];
  for (const f of tree) {
    const text = await Deno.readTextFile(`${root}/${f.path}`);
    const lines = text.split("\n");
    if (lines.length <= 300) continue;
    const opening = lines.slice(0, lines.findIndex((l) => !l.startsWith("//"))).join(" ");
    if (!/Longer than 300 lines/.test(opening)) long.push(`${f.path} (${lines.length} lines)`);
  }
  assert.deepEqual(long, [], "split these along a boundary you can name, or say why not");
});
