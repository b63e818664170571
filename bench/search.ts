// `deno run -A bench/search.ts`: people search on 100,000 accounts in an embedded KV.
// Prints the time of prefix searches as typed (1 to 4 letters), as one JSON line.
import { UserStore } from "../lib/server/kv/users.ts";

const N = Number(Deno.env.get("BENCH_ACCOUNTS") ?? 100_000);
const dir = await Deno.makeTempDir({ prefix: "spazio-bench-search-" });
const kv = await Deno.openKv(`${dir}/kv.sqlite`);
const users = new UserStore(kv);
const first = ["Ada", "Émile", "Zoë", "Marco", "Giulia", "Luca", "Chloé", "Noah", "Sofia", "Léo", "Aurora", "Mattia"];
const last = ["Rossi", "Martin", "Bernard", "Ferrari", "Dubois", "Bianchi", "Müller", "García", "Núñez", "Colombo"];

const t0 = performance.now();
let made = 0;
await Promise.all(Array.from({ length: 8 }, async (_, w) => {
  for (let i = w; i < N; i += 8) {
    const name = `${first[i % first.length]} ${last[(i * 7) % last.length]}`;
    await users.create({ handle: `u${i.toString(36)}_${w}`.slice(0, 15), displayName: name }, {
      id: `c${i}`,
      publicKey: new Uint8Array([1]),
      counter: 0,
      transports: [],
      createdAt: 0,
      label: "b",
    });
    if (++made % 20_000 === 0) console.error(`${made} accounts`);
  }
}));
console.error(`made ${N} accounts in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const queries = [
  "e",
  "em",
  "emi",
  "emil",
  "z",
  "zo",
  "zoe",
  "mar",
  "marc",
  "gar",
  "mull",
  "u1",
  "u1a",
  "nun",
  "col",
  "leo",
];
const times: number[] = [];
for (let round = 0; round < 20; round++) {
  for (const q of queries) {
    const s = performance.now();
    const found = await users.search(q);
    times.push(performance.now() - s);
    if (round === 0 && found.length === 0 && !q.startsWith("u1")) throw new Error(`no result for ${q}`);
  }
}
times.sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)];
console.log(
  JSON.stringify({
    bench: "people-search",
    accounts: N,
    queries: times.length,
    p50_ms: +pct(50).toFixed(2),
    p95_ms: +pct(95).toFixed(2),
  }),
);
kv.close();
await Deno.remove(dir, { recursive: true });
