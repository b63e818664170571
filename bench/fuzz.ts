// `deno task bench:fuzz [--minutes N] [--seed S]`: the fuzz campaign of tests/fuzz_test.ts for
// longer (10 minutes by default) against a fresh stack (party, web, SFU). Progress goes to stderr
// every few seconds; the last line on stdout is
// {"bench":"fuzz","minutes":..,"seed":..,"messages":N,"requests":N,"errors":0,...}, where errors
// counts 5xx answers, uncaught errors in any process's log, and a failed well-behaved client.
import { failures, makeFixture, quietDepartures, runFuzz, stillServes } from "../tests/support/fuzz_campaign.ts";
import { startStack } from "../tests/support/stack.ts";

function flag(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(Deno.args[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}

const minutes = flag("minutes", 10);
const seed = flag("seed", Date.now() % 2 ** 31);
// Bound now: the campaign takes over console.error to read the web's log (it runs in this process).
const stderr = console.error.bind(console);
const log = (m: string) => stderr(`bench:fuzz: ${m}`);
log(
  `seed ${seed} (repeat with --seed ${seed}), ${minutes} min; load average ${
    Deno.loadavg().map((x) => x.toFixed(2)).join(" ")
  }`,
);

const stack = await startStack({ sfu: true });
try {
  const fx = await makeFixture(stack, "bf");
  const departures = await quietDepartures(stack, fx);
  const report = await runFuzz(stack, fx, {
    seed,
    durationMs: minutes * 60_000,
    progress: (r, ms) =>
      log(
        `${
          Math.round(ms / 1000)
        } s: ${r.messages} frames, ${r.requests} requests, ${r.serverErrors.length} 5xx, statuses ${
          JSON.stringify(r.statuses)
        }`,
      ),
  });
  const problems = [...departures.problems, ...failures(report), ...(await stillServes(stack, fx))];
  for (const p of problems.slice(0, 50)) log(`PROBLEM ${p}`);
  console.log(JSON.stringify({
    bench: "fuzz",
    minutes,
    seed,
    messages: report.messages,
    requests: report.requests,
    errors: problems.length,
    statuses: report.statuses,
    sockets: report.sockets,
    runtime_noise_lines: report.runtimeNoise + departures.runtimeNoise,
    warnings: report.warnings,
  }));
  if (problems.length) Deno.exitCode = 1;
} finally {
  await stack.close();
}
