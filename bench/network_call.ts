// The call part of `bench:network`: two people whose pages both go through the network emulator
// call each other (alternating who calls; the web allows 5 call attempts a minute per caller),
// each run ringing 1 s and then timed from the callee's Accept to both pages hearing the other
// (inbound audio above silence), as `deno task bench:call` does on loopback.
import type { Browser, Page } from "playwright-core";
import { islandsReady } from "../tests/support/browser.ts";
import { type Account, account, befriend, signedInPage } from "../tests/support/calls.ts";
import { AUDIBLE_LEVEL, inboundAudio } from "../tests/support/listening.ts";
import { waitFor } from "../tests/support/party.ts";
import { RECORD_PEER_CONNECTIONS } from "../tests/support/sfu.ts";
import type { WebServer } from "../tests/support/web.ts";
import { marksSince, TRACE_JOIN } from "./network_listeners.ts";

/** How long the call rings before the callee taps Accept (people do not answer in 0.1 s). */
const RING_BEFORE_ACCEPT_MS = 1_000;

/**
 * Per run, ms from Accept to both sides hearing: from the bench's click (`times`, as it has always
 * been measured: Playwright's click waits for the button to be still first), and from the page's
 * own click event (`fromTap`, what the person would count from).
 */
export async function acceptToBothHear(
  browser: Browser,
  web: WebServer,
  runs: number,
): Promise<{ times: number[]; fromTap: number[] }> {
  const suffix = Date.now() % 100_000;
  const ann = await account(web, `net_ann_${suffix}`);
  const bob = await account(web, `net_bob_${suffix}`);
  await befriend(web, ann, bob);
  await befriend(web, bob, ann);
  const pages = new Map<Account, Page>();
  try {
    for (const who of [ann, bob]) {
      const { page } = await signedInPage(browser, web, who);
      await page.context().addInitScript(RECORD_PEER_CONNECTIONS);
      await page.context().addInitScript(TRACE_JOIN);
      pages.set(who, page);
    }
    const hears = async (page: Page) => (await inboundAudio(page)).level > AUDIBLE_LEVEL;
    const times: number[] = [];
    const fromTap: number[] = [];
    for (let run = 0; run < runs; run++) {
      const [from, to] = run % 2 === 0 ? [ann, bob] : [bob, ann];
      const caller = pages.get(from)!;
      const callee = pages.get(to)!;
      await callee.goto(`${web.url}/messages`);
      await caller.goto(`${web.url}/messages/${to.user.handle}`);
      await Promise.all([islandsReady(callee), islandsReady(caller)]);
      const accept = callee.getByRole("dialog", { name: /is calling you/ }).getByRole("button", { name: "Accept" });
      await caller.getByRole("button", { name: "Audio call" }).click();
      await accept.waitFor({ timeout: 20_000 });
      // A person takes a moment to answer: the ringing tab's connection and token are ready by then.
      await new Promise((r) => setTimeout(r, RING_BEFORE_ACCEPT_MS));
      await callee.evaluate(() =>
        document.addEventListener("click", () => performance.mark("spazio:accept-tap"), { capture: true, once: true })
      );
      const t0 = Date.now();
      await accept.click();
      await waitFor(
        "both sides of the call hearing each other",
        async () => ((await hears(caller)) && (await hears(callee)) ? true : undefined),
        30_000,
      );
      const heard = Date.now();
      times.push(heard - t0);
      const tap = await callee.evaluate(() =>
        performance.timeOrigin + (performance.getEntriesByName("spazio:accept-tap")[0]?.startTime ?? NaN)
      );
      fromTap.push(heard - tap);
      console.error(
        `  call ${run + 1}: both hear ${times.at(-1)} ms after Accept (${
          fromTap.at(-1)?.toFixed(0)
        } after the page got the tap)`,
      );
      if (run === 0) {
        console.error(`    callee: ${await marksSince(callee, t0)}`);
        console.error(`    caller: ${await marksSince(caller, t0)}`);
      }
      await caller.getByRole("button", { name: "End call" }).click();
      await callee.getByText(/^Call ended/).waitFor();
    }
    return { times, fromTap };
  } finally {
    for (const p of pages.values()) await p.context().close().catch(() => {});
  }
}
