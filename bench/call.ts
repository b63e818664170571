// `deno task bench:call`: 10 audio calls between two Chromium pages on loopback, through the web,
// the call room and the real SFU. Each run is timed from the caller pressing the call button,
// with the callee accepting as soon as the ringing screen shows, to both sides decoding the
// other's audio. Calls alternate direction (the web allows 5 call attempts a minute per caller).
// Prints {"bench":"call-setup","runs":10,"p50_ms":..,"p95_ms":..}; the goal is p50 <= 1,500 ms.
import type { Page } from "playwright-core";
import { islandsReady, launchToneBrowser } from "../tests/support/browser.ts";
import { type Account, account, befriend, signedInPage } from "../tests/support/calls.ts";
import { waitFor } from "../tests/support/party.ts";
import { RECORD_PEER_CONNECTIONS } from "../tests/support/sfu.ts";
import { startStack } from "../tests/support/stack.ts";
import { percentile } from "./percentile.ts";

const RUNS = 10;

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

const stack = await startStack({ sfu: true });
const browser = await launchToneBrowser(120);
try {
  const ann = await account(stack.web, "bench_ann");
  const bob = await account(stack.web, "bench_bob");
  await befriend(stack.web, ann, bob);
  await befriend(stack.web, bob, ann);
  const pages = new Map<Account, Page>();
  for (const who of [ann, bob]) {
    const { page } = await signedInPage(browser, stack.web, who);
    await page.context().addInitScript(RECORD_PEER_CONNECTIONS);
    pages.set(who, page);
  }
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const [from, to] = run % 2 === 0 ? [ann, bob] : [bob, ann];
    const caller = pages.get(from)!;
    const callee = pages.get(to)!;
    await callee.goto(`${stack.web.url}/messages`);
    await caller.goto(`${stack.web.url}/messages/${to.user.handle}`);
    await Promise.all([islandsReady(callee), islandsReady(caller)]);
    const accept = callee.getByRole("dialog", { name: /is calling you/ }).getByRole("button", { name: "Accept" });
    const t0 = performance.now();
    await caller.getByRole("button", { name: "Audio call" }).click();
    await accept.click();
    await waitFor(
      "both sides decoding audio",
      async () => ((await decoding(caller)) && (await decoding(callee)) ? true : undefined),
      20_000,
    );
    times.push(performance.now() - t0);
    await caller.getByRole("button", { name: "End call" }).click();
    await callee.getByText(/^Call ended/).waitFor();
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      bench: "call-setup",
      runs: RUNS,
      p50_ms: Math.round(percentile(sorted, 50)),
      p95_ms: Math.round(percentile(sorted, 95)),
    }),
  );
} finally {
  await browser.close();
  await stack.close();
}
