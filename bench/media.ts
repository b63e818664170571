// `deno task bench:media`: join-to-first-audio in Chromium, mouth-to-ear per Opus packetisation
// (bench/mouth_to_ear.ts), the SFU's fan-out capacity per packetisation (bench/fanout.ts), and two SFU
// processes joined by a PipeTransport against one (bench/fanout-edge.ts; --no-fanout-edge skips it).
// Prints one JSON line per figure (and progress on stderr). Loopback only, bounded in time.
import { islandsReady, launchToneBrowser, newPerson, signUp } from "../tests/support/browser.ts";
import { RECORD_PEER_CONNECTIONS } from "../tests/support/sfu.ts";
import { startStack } from "../tests/support/stack.ts";
import { mouthToEar } from "./mouth_to_ear.ts";
import { percentile as pct } from "./percentile.ts";

const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 20);

async function joinToFirstAudio(): Promise<void> {
  const stack = await startStack({ sfu: true });
  const browser = await launchToneBrowser(120);
  const times: number[] = [];
  try {
    const host = await newPerson(browser);
    await signUp(host.page, stack.web.url, "bench_host", "Bench Host");
    await host.page.goto(`${stack.web.url}/spaces/new`);
    await islandsReady(host.page);
    await host.page.getByLabel("Title").fill("Bench tone");
    await host.page.getByRole("button", { name: "Start your Space" }).click();
    await host.page.waitForURL(/\/s\/[A-Za-z0-9_-]+$/);
    const link = host.page.url();
    await islandsReady(host.page);
    await host.page.getByRole("button", { name: "Unmute my microphone" }).click();
    await host.page.getByRole("button", { name: "Mute my microphone" }).waitFor();
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext();
      await context.addInitScript(RECORD_PEER_CONNECTIONS);
      const page = await context.newPage();
      await page.goto(link, { waitUntil: "commit" });
      // Milliseconds since this page's navigation started, at the first decoded audio samples.
      const ms = await page.evaluate(async () => {
        const deadline = performance.now() + 15_000;
        while (performance.now() < deadline) {
          // deno-lint-ignore no-explicit-any
          for (const pc of ((window as any).__pcs ?? []) as RTCPeerConnection[]) {
            const stats = await pc.getStats();
            let samples = 0;
            stats.forEach((s) => {
              if (s.type === "inbound-rtp" && s.kind === "audio") samples += s.totalSamplesReceived ?? 0;
            });
            if (samples > 0) return performance.now();
          }
          await new Promise((r) => setTimeout(r, 5));
        }
        return -1;
      });
      // Where the time went (marks set by the page's own code), for the first runs.
      if (i < 3) {
        const marks = await page.evaluate(() =>
          performance.getEntriesByType("mark").filter((m) => m.name.startsWith("spazio:")).map((m) =>
            `${m.name.slice(7)}@${m.startTime.toFixed(0)}`
          ).join(" ")
        );
        const nav = await page.evaluate(() => {
          const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
          return `html@${n.responseEnd.toFixed(0)} dcl@${n.domContentLoadedEventEnd.toFixed(0)}`;
        });
        console.error(`  ${nav} ${marks}`);
      }
      await context.close();
      if (ms < 0) throw new Error(`run ${i + 1}: no audio within 15 s`);
      times.push(ms);
      console.error(`join-to-first-audio run ${i + 1}: ${ms.toFixed(0)} ms`);
    }
  } finally {
    await browser.close();
    await stack.close();
  }
  times.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      bench: "join-to-first-audio",
      runs: times.length,
      p50_ms: Math.round(pct(times, 50)),
      p95_ms: Math.round(pct(times, 95)),
    }),
  );
}

/** One of the Node fan-out benches (they drive mediasoup directly); its JSON lines go to stdout. */
async function fanout(script: string, env: Record<string, string>): Promise<void> {
  const out = await new Deno.Command("node", {
    args: ["--import", "tsx", `../bench/${script}`],
    cwd: "sfu",
    env,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  for (const line of text.split("\n")) if (line.startsWith("{")) console.log(line);
  if (out.code !== 0) throw new Error(`${script} exited with ${out.code}`);
}

/** Opus packetisations compared (ms per packet); MEDIA_PTIMES=40 runs one. */
const PTIMES = Deno.env.get("MEDIA_PTIMES") ?? "20,40,60";

if (!Deno.args.includes("--no-join")) await joinToFirstAudio();
if (!Deno.args.includes("--no-mouth")) await mouthToEar(PTIMES.split(",").map(Number));
if (!Deno.args.includes("--no-fanout")) {
  await fanout("fanout.ts", { FANOUT_PTIMES: Deno.env.get("FANOUT_PTIMES") ?? PTIMES });
}
// Two SFU processes joined by a PipeTransport against one, at the Space's packetisation (60 ms).
if (!Deno.args.includes("--no-fanout-edge")) {
  await fanout("fanout-edge.ts", { FANOUT_PTIME: Deno.env.get("FANOUT_PTIME") ?? "60" });
}
