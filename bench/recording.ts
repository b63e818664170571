// `deno task bench:recording`: what recording costs the SFU's machine for 1, 5 and 13 speakers
// (bench/recording-sfu.ts, under Node beside the SFU), then the time from opening a replay page to
// its first decoded audio (the real app, KV and files, Chromium; play pressed as soon as the page
// is interactive, as an eager tap would). JSON lines on stdout, progress on stderr.
import { islandsReady, launchBrowser } from "../tests/support/browser.ts";
import { account } from "../tests/support/calls.ts";
import { recordingsFor, seedReplay } from "../tests/support/recording.ts";
import { startWeb } from "../tests/support/web.ts";

const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 10);

async function sfuCost() {
  const out = await new Deno.Command("node", {
    args: ["--import", "tsx", "../bench/recording-sfu.ts"],
    cwd: new URL("../sfu/", import.meta.url).pathname,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (out.code !== 0) throw new Error(`recording-sfu exited with ${out.code}`);
}

async function replayFirstAudio() {
  const web = await startWeb();
  const recordings = await recordingsFor(web, "spazio-bench-replay-");
  const { root } = recordings;
  const browser = await launchBrowser(["--autoplay-policy=no-user-gesture-required"]);
  const times: number[] = [];
  try {
    const host = await account(web, "benchrec");
    // Twenty minutes of speech-like sound, so that the first audio is a part of a long file.
    const { space } = await seedReplay(web, recordings, {
      hostId: host.user.id,
      title: "Bench replay",
      startedAgoMs: 3_600_000,
      endedAgoMs: 0,
      source: "anoisesrc=d=1200:c=pink:a=0.2:r=48000",
      bitrate: "32k",
    });
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
      const page = await context.newPage();
      await page.goto(`${web.url}/s/${space.id}/replay`, { waitUntil: "commit" });
      await islandsReady(page);
      // From the navigation's start to the first audio decoded and playing: the audio's clock
      // moving, seen on each frame (a timeupdate comes only every 250 ms).
      const { ms, clickAt } = await page.evaluate(() =>
        new Promise<{ ms: number; clickAt: number }>((resolve) => {
          const a = document.querySelector("audio")!;
          const clickAt = performance.now();
          const poll =
            () => (a.currentTime > 0 ? resolve({ ms: performance.now(), clickAt }) : requestAnimationFrame(poll));
          (document.querySelector(".replay-play") as HTMLButtonElement).click();
          requestAnimationFrame(poll);
          setTimeout(() => resolve({ ms: -1, clickAt }), 10_000);
        })
      );
      console.error(`replay-first-audio run ${i + 1}: play pressed at ${Math.round(clickAt)} ms (islands ready)`);
      if (ms < 0) throw new Error(`run ${i + 1}: no audio within 10 s`);
      times.push(Math.round(ms));
      console.error(`replay-first-audio run ${i + 1}: ${Math.round(ms)} ms`);
      await context.close();
    }
  } finally {
    await browser.close();
    await web.close();
    await Deno.remove(root, { recursive: true });
  }
  const s = [...times].sort((a, b) => a - b);
  const pct = (p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  console.log(JSON.stringify({ bench: "replay-first-audio", runs: s.length, p50_ms: pct(50), p95_ms: pct(95) }));
}

if (!Deno.args.includes("--replay-only")) await sfuCost();
if (!Deno.args.includes("--sfu-only")) await replayFirstAudio();
