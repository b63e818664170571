// `deno task test`: installs what the tests need, runs every test (Deno's: units, party, web,
// browser; Node's: the SFU), and ends with one line `N passed, N failed`.
import { existsSync } from "node:fs";
import { setup } from "./setup.ts";

const artifacts = `${Deno.cwd()}/test-artifacts`;
await Deno.mkdir(artifacts, { recursive: true });
const { workerBin } = await setup({ browser: true });
const env = {
  ...Deno.env.toObject(),
  SPAZIO_ARTIFACTS: artifacts,
  ...(workerBin ? { MEDIASOUP_WORKER_BIN: workerBin } : {}),
};

let passed = 0;
let failed = 0;
// The names of failed tests, printed again just above the summary: CI keeps only the log's tail.
const failures: string[] = [];
const unescape = (s: string) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

// Deno's tests, with a JUnit report to count from (Deno's own summary line is not the one CI reads).
// Tests that load the party classes themselves run as a second program: partykit's types bring in
// Cloudflare's worker globals (Response.json() typed as unknown, a different DOM), which clash
// with the browser types of the islands the other tests load.
// Every test under party/ (beside the room code) runs there too.
const partyTests: string[] = [];
(function walk(dir: string) {
  for (const e of Deno.readDirSync(dir)) {
    if (e.isDirectory && e.name !== "node_modules") walk(`${dir}/${e.name}`);
    else if (e.isFile && /_test\.tsx?$/.test(e.name)) partyTests.push(`${dir}/${e.name}`);
  }
})("party");
const OWN_PROGRAM = ["tests/party_hibernation_test.ts", "tests/party_recording_timeline_test.ts", ...partyTests.sort()];
const filter = Deno.args.length ? Deno.args : [];
const runs = filter.length ? [{ name: "deno", args: filter }] : [
  // --ignore replaces deno.json's test.exclude, so that list goes in too.
  {
    name: "deno",
    args: [
      `--ignore=${
        [...JSON.parse(Deno.readTextFileSync("deno.json")).test.exclude, "party/", ...OWN_PROGRAM].join(",")
      }`,
    ],
  },
  { name: "deno-party", args: OWN_PROGRAM },
];
for (const run of runs) {
  const junit = `${artifacts}/${run.name}-junit.xml`;
  await Deno.remove(junit).catch(() => {});
  const deno = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", `--junit-path=${junit}`, ...run.args],
    env,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  let runFailed = 0;
  if (existsSync(junit)) {
    const xml = await Deno.readTextFile(junit);
    const cases = [...xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)];
    for (const c of cases) {
      if (/<failure|<error/.test(c[2] ?? "")) {
        runFailed++;
        const attr = (s: string, a: string) => unescape(s.match(new RegExp(`\\b${a}="([^"]*)"`))?.[1] ?? "");
        const why = attr((c[2] ?? "").match(/<(?:failure|error)\b[^>]*>/)?.[0] ?? "", "message");
        failures.push(`${attr(c[0], "classname")}: ${attr(c[0], "name")}${why ? ` -- ${why.slice(0, 300)}` : ""}`);
      } else if (!/<skipped/.test(c[2] ?? "")) passed++;
    }
  }
  if (deno.code !== 0 && runFailed === 0) {
    runFailed++; // a crash outside any test (or a type error) still fails the run
    failures.push(`${run.name}: exited ${deno.code} outside any test`);
  }
  failed += runFailed;
}

// The SFU's tests run under Node (mediasoup is a Node library).
if (!filter.length && existsSync("sfu/test") && existsSync("sfu/node_modules")) {
  // Node 20 takes no globs after --test: name the files.
  const files = [...Deno.readDirSync("sfu/test")].filter((f) => f.isFile && f.name.endsWith(".test.ts"))
    .map((f) => `test/${f.name}`).sort();
  const node = await new Deno.Command("node", {
    args: ["--import", "tsx", "--test", "--test-reporter=tap", "--test-reporter-destination=stdout", ...files],
    cwd: "sfu",
    env,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const tap = new TextDecoder().decode(node.stdout);
  console.log(tap);
  const p = Number(tap.match(/^# pass (\d+)/m)?.[1] ?? 0);
  const f = Number(tap.match(/^# fail (\d+)/m)?.[1] ?? 0);
  passed += p;
  failed += f;
  for (const m of tap.matchAll(/^\s*not ok \d+ - (.*)$/gm)) failures.push(`node: ${m[1]}`);
  if (node.code !== 0 && f === 0) {
    failed++;
    failures.push(`node: exited ${node.code} outside any test`);
  }
}

if (failures.length) console.log(`Failed:\n${failures.map((f) => `  ${f}`).join("\n")}`);
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 && passed > 0 ? 0 : 1);
