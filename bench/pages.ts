// `deno task bench:pages`: Lighthouse (mobile preset, simulated slow 4G and a 4x slower CPU) in
// Debian's Chromium on the pages people land on: home, a live Space as an anonymous listener, a
// profile, and sign-up. Prints one JSON line per page, progress on stderr. The whole stack runs
// (web + party + SFU), so the Space page connects to its room and loads its media chunk as it
// does for real. Goals (issue 8): performance >= 95, accessibility 100, Space first paint <= 1.8 s.
// BENCH_REPORTS=dir keeps each page's full Lighthouse report there. `--only space,home` runs
// only those pages (home, space, profile, signup). `--runs N` (default 3) runs Lighthouse N times
// per page and reports the run with the median performance score, with every run's score and TBT:
// on 2 shared cores one run's total blocking time swings 230-970 ms for the same build.
import { gzipSync } from "node:zlib";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../tests/support/browser.ts";
import { account, call } from "../tests/support/calls.ts";
import { startStack } from "../tests/support/stack.ts";

interface NetworkRecord {
  url: string;
  resourceType?: string;
  mimeType?: string;
  transferSize?: number;
  resourceSize?: number;
  statusCode?: number;
}

const log = (s: string) => console.error(`[bench:pages] ${s}`);
const PAGES = ["home", "space", "profile", "signup"];
const onlyAt = Deno.args.indexOf("--only");
const only = onlyAt >= 0 ? (Deno.args[onlyAt + 1] ?? "").split(",").filter(Boolean) : PAGES;
const unknown = only.filter((p) => !PAGES.includes(p));
if (unknown.length || !only.length) throw new Error(`--only takes some of ${PAGES.join(",")}; got ${unknown}`);
const runsAt = Deno.args.indexOf("--runs");
const RUNS = runsAt >= 0 ? Number(Deno.args[runsAt + 1]) : 3;
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 15) {
  throw new Error(`--runs takes 1-15; got ${Deno.args[runsAt + 1]}`);
}

/** One Lighthouse run against `url`; the JSON report. */
// deno-lint-ignore no-explicit-any
async function lighthouse(url: string, keep?: string): Promise<Record<string, any>> {
  const out = await Deno.makeTempFile({ suffix: ".json" });
  // With BENCH_REPORTS, Lighthouse also keeps its trace there (`<page>-0.trace.json`) to read long tasks.
  const assets = keep ? [`--save-assets`] : [];
  try {
    const run = await new Deno.Command("node", {
      args: [
        "node_modules/lighthouse/cli/index.js",
        url,
        "--only-categories=performance,accessibility",
        "--output=json",
        `--output-path=${keep ?? out}`,
        ...assets,
        "--quiet",
        `--chrome-flags=--headless=new ${CHROMIUM_FLAGS.join(" ")}`,
      ],
      env: { CHROME_PATH: CHROMIUM_PATH },
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (run.code !== 0) {
      throw new Error(`lighthouse failed on ${url}: ${new TextDecoder().decode(run.stderr)}`);
    }
    return JSON.parse(await Deno.readTextFile(keep ?? out));
  } finally {
    await Deno.remove(out).catch(() => {});
  }
}

/**
 * The JavaScript the page loaded, as gzip would send it (level 6, what servers use on the fly),
 * so that runs before and after compression compare; and the bytes actually on the wire.
 */
async function jsBytes(
  records: NetworkRecord[],
): Promise<{ gzip: number; transfer: number; files: number }> {
  const scripts = records.filter((r) =>
    r.resourceType === "Script" && r.url.startsWith("http") && (r.statusCode ?? 200) < 400
  );
  let gzip = 0;
  let transfer = 0;
  for (const r of scripts) {
    const body = new Uint8Array(
      await (await fetch(r.url, { headers: { "accept-encoding": "identity" } })).arrayBuffer(),
    );
    gzip += gzipSync(body, { level: 6 }).length;
    transfer += r.transferSize ?? 0;
  }
  return { gzip, transfer, files: scripts.length };
}

const stack = await startStack({ sfu: true });
try {
  const { web } = stack;
  log(`stack up: web ${web.url}, party ${stack.party.http}, sfu ${stack.sfu?.http}`);
  const host = await account(web, "bench_host");
  const made = await call(web, host, "POST", "/api/spaces", {
    title: "Bench Space",
    lang: "en",
    topics: ["bench"],
  });
  if (made.status !== 201) {
    throw new Error(`could not create the Space: ${made.status} ${JSON.stringify(made.body)}`);
  }
  const pages: [string, string][] = [
    ["home", "/"],
    ["space", `/s/${made.body.id}`],
    ["profile", `/@${host.user.handle}`],
    ["signup", "/signup"],
  ];
  for (const [page, path] of pages.filter(([p]) => only.includes(p))) {
    log(`lighthouse ${page} (${path})`);
    const keep = Deno.env.get("BENCH_REPORTS");
    if (keep) await Deno.mkdir(keep, { recursive: true });
    // deno-lint-ignore no-explicit-any
    const reports: Record<string, any>[] = [];
    for (let i = 0; i < RUNS; i++) {
      reports.push(await lighthouse(`${web.url}${path}`, keep ? `${keep}/${page}-${i}.json` : undefined));
    }
    const score = (r: (typeof reports)[number]) => r.categories.performance.score as number;
    const tbt = (r: (typeof reports)[number]) => Math.round(r.audits["total-blocking-time"].numericValue);
    const report = [...reports].sort((a, b) => score(a) - score(b))[Math.floor(RUNS / 2)];
    const records: NetworkRecord[] = report.audits["network-requests"]?.details?.items ?? [];
    const js = await jsBytes(records);
    const failed = (cat: string) =>
      report.categories[cat].auditRefs
        .filter((a: { id: string; weight: number }) => a.weight > 0 && (report.audits[a.id].score ?? 1) < 1)
        .map((a: { id: string }) => a.id);
    log(
      `${page}: failing performance audits ${failed("performance").join(", ") || "none"}; accessibility ${
        failed("accessibility").join(", ") || "none"
      }`,
    );
    const bfcache = report.audits["bf-cache"];
    if (bfcache && bfcache.score !== 1) {
      log(
        `${page}: back/forward cache: ${
          JSON.stringify(bfcache.details?.items?.map((i: { reason: string }) => i.reason))
        }`,
      );
    }
    console.log(JSON.stringify({
      bench: "lighthouse",
      page,
      performance: Math.round(report.categories.performance.score * 100),
      accessibility: Math.round(report.categories.accessibility.score * 100),
      fcp_ms: Math.round(report.audits["first-contentful-paint"].numericValue),
      lcp_ms: Math.round(report.audits["largest-contentful-paint"].numericValue),
      tbt_ms: Math.round(report.audits["total-blocking-time"].numericValue),
      js_gzip_bytes: js.gzip,
      js_transfer_bytes: js.transfer,
      js_files: js.files,
      runs: reports.map((r) => ({ performance: Math.round(score(r) * 100), tbt_ms: tbt(r) })),
    }));
  }
} finally {
  await stack.close();
}
