// `deno task bench:call`: audio calls between two Chromium pages on loopback, through the web, the
// call room and the real SFU; every call is end-to-end encrypted (the call's worker on every
// sender and receiver). Each run is timed from the caller pressing the call button, with the
// callee accepting as soon as the ringing screen shows, to both sides decoding the other's audio.
// Calls alternate direction (the web allows 5 call attempts a minute per caller).
//   {"bench":"call-setup","runs":10,"p50_ms":..,"p95_ms":..}: encrypted (the goal: p50 <= 1,500 ms)
//   {"bench":"call-setup-plain",...}: the same with two browsers that cannot encrypt, where each
//     page presses "Continue without encryption" as soon as it shows (so it includes that step)
//   {"bench":"e2ee-cpu",...}: Chromium's CPU (all its processes) over 10 s of a video call,
//     encrypted and plain; the difference over the 4 streams (2 audio, 2 video; each sealed on
//     one page and opened on the other) is the extra CPU per encrypted stream.
import type { Browser, Page } from "playwright-core";
import { islandsReady, launchToneBrowser } from "../tests/support/browser.ts";
import { type Account, account, befriend, signedInPage } from "../tests/support/calls.ts";
import { waitFor } from "../tests/support/party.ts";
import { RECORD_PEER_CONNECTIONS } from "../tests/support/sfu.ts";
import { startStack } from "../tests/support/stack.ts";
import { percentile } from "./percentile.ts";

const RUNS = 10;
const CPU_WINDOW_MS = 10_000;
const NO_FRAME_API = `
  delete window.RTCRtpScriptTransform;
  delete RTCRtpSender.prototype.createEncodedStreams;
  delete RTCRtpReceiver.prototype.createEncodedStreams;
`;

/** Whether this page is decoding audio from the other side now. */
const decoding = (page: Page) =>
  page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    for (const pc of (window as any).__pcs as RTCPeerConnection[]) {
      if (pc.connectionState === "closed") continue;
      let ok = false;
      (await pc.getStats()).forEach((s) => {
        if (s.type === "inbound-rtp" && s.kind === "audio" && (s.totalSamplesReceived ?? 0) > 0) ok = true;
      });
      if (ok) return true;
    }
    return false;
  });

/** CPU seconds (user + system) of a process and all its descendants, from /proc. */
function treeCpuS(root: number): number {
  const tick = 100; // USER_HZ on Linux
  const kids = new Map<number, number[]>();
  const cpu = new Map<number, number>();
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const pid = Number(e.name);
      const ppid = Number(f[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), pid]);
      cpu.set(pid, (Number(f[11]) + Number(f[12])) / tick);
    } catch { /* gone */ }
  }
  let total = 0;
  const walk = (pid: number) => {
    total += cpu.get(pid) ?? 0;
    for (const k of kids.get(pid) ?? []) walk(k);
  };
  walk(root);
  return total;
}

/** The pid of the Chromium launched with this marker in its command line. */
function chromiumPid(marker: string): number {
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${e.name}/cmdline`);
      if (cmd.includes(marker) && !cmd.includes("--type=")) return Number(e.name);
    } catch { /* gone */ }
  }
  throw new Error("Chromium's process was not found");
}

const stack = await startStack({ sfu: true });
const browsers: Browser[] = [];
try {
  const ann = await account(stack.web, "bench_ann");
  const bob = await account(stack.web, "bench_bob");
  await befriend(stack.web, ann, bob);
  await befriend(stack.web, bob, ann);

  const pagesIn = async (browser: Browser, plain: boolean) => {
    const pages = new Map<Account, Page>();
    for (const who of [ann, bob]) {
      const { page } = await signedInPage(browser, stack.web, who);
      await page.context().addInitScript(RECORD_PEER_CONNECTIONS);
      if (plain) await page.context().addInitScript(NO_FRAME_API);
      pages.set(who, page);
    }
    return pages;
  };

  /** A plain call goes on once each page has pressed "Continue without encryption". */
  const goPlain = (page: Page) =>
    page.getByRole("button", { name: "Continue without encryption" }).click({ timeout: 20_000 });

  /** One call from `from` to `to`, timed from the call button to both decoding; left open. */
  const oneCall = async (
    pages: Map<Account, Page>,
    from: Account,
    to: Account,
    plain: boolean,
    kind = "Audio call",
  ) => {
    const caller = pages.get(from)!;
    const callee = pages.get(to)!;
    await callee.goto(`${stack.web.url}/messages`);
    await caller.goto(`${stack.web.url}/messages/${to.user.handle}`);
    await Promise.all([islandsReady(callee), islandsReady(caller)]);
    const accept = callee.getByRole("dialog", { name: /is calling you/ }).getByRole("button", { name: "Accept" });
    const t0 = performance.now();
    await caller.getByRole("button", { name: kind }).click();
    await accept.click();
    if (plain) await Promise.all([goPlain(caller), goPlain(callee)]);
    await waitFor(
      "both sides decoding audio",
      async () => ((await decoding(caller)) && (await decoding(callee)) ? true : undefined),
      20_000,
    );
    return { ms: performance.now() - t0, caller, callee };
  };

  const setup = async (plain: boolean) => {
    const marker = `--spazio-bench=${crypto.randomUUID()}`;
    const browser = await launchToneBrowser(180, 440, [marker]);
    browsers.push(browser);
    const pages = await pagesIn(browser, plain);
    // The web's 5 call attempts a minute per caller: the encrypted round's calls must age out.
    if (plain) await new Promise((r) => setTimeout(r, 65_000));
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const [from, to] = run % 2 === 0 ? [ann, bob] : [bob, ann];
      const { ms, caller, callee } = await oneCall(pages, from, to, plain);
      times.push(ms);
      await caller.getByRole("button", { name: "End call" }).click();
      await callee.getByText(/^Call ended/).waitFor();
      console.error(`${plain ? "plain" : "encrypted"} run ${run + 1}: ${Math.round(ms)} ms`);
    }
    const sorted = [...times].sort((a, b) => a - b);
    console.log(JSON.stringify({
      bench: plain ? "call-setup-plain" : "call-setup",
      runs: RUNS,
      p50_ms: Math.round(percentile(sorted, 50)),
      p95_ms: Math.round(percentile(sorted, 95)),
    }));
    // 10 s of a video call: Chromium's CPU, all processes (the call's worker included).
    await new Promise((r) => setTimeout(r, 65_000)); // the web's 5 call attempts a minute per caller
    const { caller, callee } = await oneCall(pages, ann, bob, plain, "Video call");
    await new Promise((r) => setTimeout(r, 3_000));
    const pid = chromiumPid(marker);
    const before = treeCpuS(pid);
    await new Promise((r) => setTimeout(r, CPU_WINDOW_MS));
    const cpu = (treeCpuS(pid) - before) / (CPU_WINDOW_MS / 1000);
    await caller.getByRole("button", { name: "End call" }).click();
    await callee.getByText(/^Call ended/).waitFor();
    await browser.close();
    return cpu;
  };

  const encrypted = await setup(false);
  const plain = await setup(true);
  console.log(JSON.stringify({
    bench: "e2ee-cpu",
    window_s: CPU_WINDOW_MS / 1000,
    chromium_cores_encrypted: Math.round(encrypted * 1000) / 1000,
    chromium_cores_plain: Math.round(plain * 1000) / 1000,
    streams: 4,
    extra_core_pct_per_stream: Math.round(((encrypted - plain) / 4) * 10_000) / 100,
  }));
} finally {
  for (const b of browsers) await b.close().catch(() => {});
  await stack.close();
}
