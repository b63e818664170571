// Where the web sends a Space's people when there are several SFUs: table-driven over what each
// SFU's /healthz answers (a fetch stand-in; the SFU's edge test places against real processes).
import assert from "node:assert/strict";

import { originOf, parseSfuList } from "./sfu_edge.ts";
import { type PlacedSfu, SfuPlacement } from "./sfu_placement.ts";

const SFUS: PlacedSfu[] = ["a", "b", "c"].map((id) => ({
  id,
  url: `http://${id}.internal`,
  publicUrl: `https://${id}.example`,
}));
/** A Space whose origin is "a", so ties and fallbacks are visible. */
const SPACE = Array.from({ length: 500 }, (_, i) => `sp${i}`).find((s) => originOf(s, ["a", "b", "c"]) === "a")!;

type Answer = { score: number; ok?: boolean } | "down";

function healthFetch(answers: Record<string, Answer>, asked: string[] = []): typeof fetch {
  return ((input: string | URL | Request) => {
    const host = new URL(String(input)).host.split(".")[0];
    asked.push(host);
    const a = answers[host];
    if (a === "down" || a === undefined) return Promise.reject(new TypeError("connection refused"));
    return Promise.resolve(Response.json({ ok: a.ok ?? true, load: { peers: 0, workers: 1, score: a.score } }));
  }) as typeof fetch;
}

const cases: { what: string; onStage: boolean; answers: Record<string, Answer>; want: string }[] = [
  {
    what: "people on stage go to the origin, however loaded",
    onStage: true,
    answers: { a: { score: 900 }, b: { score: 0 }, c: { score: 0 } },
    want: "a",
  },
  {
    what: "a listener goes to the least loaded SFU",
    onStage: false,
    answers: { a: { score: 50 }, b: { score: 10 }, c: { score: 30 } },
    want: "b",
  },
  {
    what: "the origin wins a tie (no pipe needed)",
    onStage: false,
    answers: { a: { score: 10 }, b: { score: 10 }, c: { score: 10 } },
    want: "a",
  },
  {
    what: "a dead SFU is skipped",
    onStage: false,
    answers: { a: { score: 50 }, b: "down", c: { score: 40 } },
    want: "c",
  },
  {
    what: "an SFU that is not whole (ok false) is skipped",
    onStage: false,
    answers: { a: { score: 50 }, b: { score: 1, ok: false }, c: "down" },
    want: "a",
  },
  { what: "none answering: the origin", onStage: false, answers: { a: "down", b: "down", c: "down" }, want: "a" },
];

for (const c of cases) {
  Deno.test(`sfu placement: ${c.what}`, async () => {
    const placement = new SfuPlacement(SFUS, { fetch: healthFetch(c.answers) });
    assert.deepEqual((await placement.pick(SPACE, c.onStage)).id, c.want);
  });
}

Deno.test("sfu placement: load figures are cached for a moment, so a burst of joins asks each SFU once", async () => {
  const asked: string[] = [];
  const answers: Record<string, Answer> = { a: { score: 5 }, b: { score: 1 }, c: { score: 3 } };
  const placement = new SfuPlacement(SFUS, { fetch: healthFetch(answers, asked), ttlMs: 60_000 });
  const picks = await Promise.all(Array.from({ length: 20 }, () => placement.pick(SPACE, false)));
  assert(picks.every((p) => p.id === "b"));
  assert.deepEqual(asked.sort(), ["a", "b", "c"]);
});

Deno.test("sfu placement: after the cache lapses, an SFU that died is no longer chosen", async () => {
  const answers: Record<string, Answer> = { a: { score: 5 }, b: { score: 1 }, c: { score: 3 } };
  const placement = new SfuPlacement(SFUS, { fetch: healthFetch(answers), ttlMs: 1 });
  assert.deepEqual((await placement.pick(SPACE, false)).id, "b");
  answers.b = "down";
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual((await placement.pick(SPACE, false)).id, "c");
});

Deno.test("sfu list: id=url entries; malformed ones and repeated ids are refused", () => {
  assert.deepEqual(parseSfuList(" a=http://10.0.0.1:4443/ , b=https://sfu-b.example"), [
    { id: "a", url: "http://10.0.0.1:4443" },
    { id: "b", url: "https://sfu-b.example" },
  ]);
  assert.deepEqual(parseSfuList(undefined), []);
  for (const bad of ["http://x", "A=http://x", "a=ftp://x", "a=http://x,a=http://y", "=http://x"]) {
    assert.throws(() => parseSfuList(bad), Error, bad);
  }
});

Deno.test("origin: the same pick for the same Space, spread over the SFUs", () => {
  const ids = ["a", "b", "c"];
  const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
  for (let i = 0; i < 3000; i++) counts[originOf(`space${i}`, ids)!]++;
  for (const id of ids) assert(counts[id] > 800, `${id} is the origin of ${counts[id]} of 3000`);
  assert.deepEqual(originOf("space7", ids), originOf("space7", [...ids].reverse()));
  assert.deepEqual(originOf("space7", []), undefined);
});
