// `deno task bench:video`: video in Spaces. First the time from a speaker tapping "Turn my camera
// on" to the first frame a listener's page presents (real room, SFU and Chromium, both pages in
// one browser so their clocks agree), then the SFU's video fan-out per worker (bench/video-fanout.ts,
// under Node beside the SFU). Prints one JSON line per figure, progress on stderr. Loopback only,
// bounded in time: BENCH_RUNS (10) camera runs, VIDEO_MAX_SECONDS (240) for the fan-out.
import {
  closeSheet,
  islandsReady,
  launchToneBrowser,
  newPerson,
  openSheet,
  signUp,
  startSpaceAsHost,
} from "../tests/support/browser.ts";
import { startStack } from "../tests/support/stack.ts";
import { percentile as pct } from "./percentile.ts";

const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 10);

async function cameraToListener(): Promise<void> {
  const stack = await startStack({ sfu: true });
  const browser = await launchToneBrowser(600);
  const times: number[] = [];
  try {
    const host = await newPerson(browser, { width: 1280 });
    await signUp(host.page, stack.web.url, "bench_cam", "Bench Cam");
    const h = host.page;
    const link = await startSpaceAsHost(h, stack.web.url, "Bench camera");
    await openSheet(h, /^Host tools/);
    await h.getByRole("switch", { name: /Allow video/ }).click();
    await h.getByRole("switch", { name: /Allow video/, checked: true }).waitFor();
    await closeSheet(h);
    const listener = await newPerson(browser, { width: 360 });
    const l = listener.page;
    await l.goto(link);
    await islandsReady(l);
    for (let i = 0; i < RUNS; i++) {
      // The listener's page notes the wall-clock time of the first frame it presents on a tile.
      const firstFrame = l.evaluate(() =>
        new Promise<number>((resolve) => {
          const deadline = Date.now() + 15_000;
          const look = () => {
            const v = document.querySelector<HTMLVideoElement>("video.tile-video");
            if (v) v.requestVideoFrameCallback(() => resolve(Date.now()));
            else if (Date.now() > deadline) resolve(-1);
            else setTimeout(look, 2);
          };
          look();
        })
      );
      const tapped = await h.evaluate(() => Date.now());
      await h.getByRole("button", { name: "Turn my camera on" }).click();
      const shown = await firstFrame;
      if (shown < 0) throw new Error(`run ${i + 1}: no frame at the listener within 15 s`);
      times.push(shown - tapped);
      console.error(`camera-to-listener run ${i + 1}: ${shown - tapped} ms`);
      await h.getByRole("button", { name: "Turn my camera off" }).click();
      await l.locator("video.tile-video").waitFor({ state: "detached", timeout: 10_000 });
      await h.getByRole("button", { name: "Turn my camera on" }).waitFor();
    }
  } finally {
    await browser.close();
    await stack.close();
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      bench: "camera-to-listener",
      runs: times.length,
      p50_ms: pct(sorted, 50),
      p95_ms: pct(sorted, 95),
      max_ms: sorted.at(-1),
    }),
  );
}

async function fanout(): Promise<void> {
  const out = await new Deno.Command("node", {
    args: ["--import", "tsx", "../bench/video-fanout.ts"],
    cwd: new URL("../sfu/", import.meta.url).pathname,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (out.code !== 0) throw new Error(`video-fanout exited with ${out.code}`);
}

if (!Deno.args.includes("--fanout-only")) await cameraToListener();
if (!Deno.args.includes("--camera-only")) await fanout();
