// A call is connected on both pages while it rings, and nothing of it is heard before the answer:
// the caller's microphone is taken and the callee's ringing page is connected (its peer
// connections up) without asking for the callee's microphone, while the SFU holds it all, so that
// not a byte of audio reaches either side until Accept; after it both hear. Chromium with a tone for a microphone, through the real SFU and party server.
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { islandsReady, launchToneBrowser } from "./support/browser.ts";
import { type Account, account, befriend, signedInPage, sleep } from "./support/calls.ts";
import { waitFor } from "./support/party.ts";
import { type MediaStats, READ_STATS, RECORD_PEER_CONNECTIONS } from "./support/sfu.ts";
import { type Stack, startStack } from "./support/stack.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const stats = (page: Page) => page.evaluate(READ_STATS) as Promise<MediaStats>;

/** Counts the page's microphone requests (`window.__micAsked`). */
const COUNT_MIC = `(() => {
  window.__micAsked = 0;
  const md = navigator.mediaDevices;
  const gum = md.getUserMedia.bind(md);
  md.getUserMedia = (c) => { if (c && c.audio) window.__micAsked++; return gum(c); };
})();`;

/** How many of the page's peer connections are connected. */
const connectedPcs = (page: Page) =>
  page.evaluate(() =>
    // deno-lint-ignore no-explicit-any
    ((window as any).__pcs as RTCPeerConnection[]).filter((pc) => pc.connectionState === "connected").length
  );
/** How many peer connections the page has made so far. */
// deno-lint-ignore no-explicit-any
const pcsMade = (page: Page) => page.evaluate(() => ((window as any).__pcs as RTCPeerConnection[]).length);
// deno-lint-ignore no-explicit-any
const micAsked = (page: Page) => page.evaluate(() => (window as any).__micAsked as number);

/** A signed-in page that records its peer connections and counts its microphone requests. */
async function page(who: Account): Promise<Page> {
  const { page } = await signedInPage(browser, stack.web, who);
  await page.context().addInitScript(RECORD_PEER_CONNECTIONS);
  await page.context().addInitScript(COUNT_MIC);
  return page;
}

/** Waits (15 s at most) until the page hears the other side: audio bytes in, above silence. */
const hears = (p: Page, who: string) =>
  waitFor(`${who} hearing the other side`, async () => {
    const s = await stats(p);
    return s.inboundAudioBytes > 4_000 && s.maxAudioLevel > 0.01 ? s : undefined;
  }, 15_000);

let stack: Stack;
let browser: Browser;

Deno.test("start the stack and Chromium with a tone for a microphone", opts, async () => {
  stack = await startStack({ sfu: true });
  browser = await launchToneBrowser(60);
});

Deno.test(
  "a ringing call is connected on both pages and nothing is heard before Accept; then both hear",
  opts,
  async () => {
    const ann = await account(stack.web, "ann_ring");
    const bob = await account(stack.web, "bob_ring");
    await befriend(stack.web, ann, bob);
    const [a, b] = [await page(ann), await page(bob)];
    await b.goto(`${stack.web.url}/messages`);
    await islandsReady(b);
    await a.goto(`${stack.web.url}/messages/${bob.user.handle}`);
    await islandsReady(a);
    await a.getByRole("button", { name: "Audio call" }).click();
    const ringer = b.getByRole("dialog", { name: /is calling you/ });
    await ringer.waitFor();

    // While it rings: both pages' send and receive connections up, Ann's microphone taken (its
    // frames are sealed once the keys are agreed, at the answer), Bob's never asked for.
    for (const [p, who] of [[a, "Ann"], [b, "Bob"]] as const) {
      await waitFor(
        `${who}'s send and receive connections up while it rings`,
        async () => (await connectedPcs(p)) >= 2 || undefined,
      );
    }
    assert.equal(await micAsked(a), 1, "Ann's microphone is taken as she calls");
    assert.equal(await micAsked(b), 0, "Bob's microphone was asked for before he answered");
    // Nothing heard: the SFU holds it all. The ring goes on a while (past the media watch's stall
    // time: a quiet held path is not a dead one, and is not rebuilt).
    const made = [await pcsMade(a), await pcsMade(b)];
    await sleep(4_000);
    for (const [p, who] of [[a, "Ann"], [b, "Bob"]] as const) {
      assert.equal((await stats(p)).inboundAudioBytes, 0, `${who} received audio before the answer`);
    }
    await ringer.getByRole("button", { name: "Accept" }).click();
    for (const [p, who] of [[a, "Ann"], [b, "Bob"]] as const) assert.ok((await hears(p, who)).maxAudioLevel > 0.01);
    assert.ok((await micAsked(b)) > 0, "Bob's microphone was asked for once he answered");
    assert.deepEqual([await pcsMade(a), await pcsMade(b)], made, "the connections made while it rang were rebuilt");
    await a.getByRole("button", { name: "End call" }).click();
    await b.getByText(/^Call ended/).waitFor();
  },
);

Deno.test(
  "two ringing tabs of the callee: the one the other replaced on the SFU answers, and both people hear",
  opts,
  async () => {
    const ann = await account(stack.web, "ann_tabs");
    const bob = await account(stack.web, "bob_tabs");
    await befriend(stack.web, ann, bob);
    const a = await page(ann);
    const b1 = await page(bob);
    await b1.goto(`${stack.web.url}/messages`);
    await islandsReady(b1);
    await a.goto(`${stack.web.url}/messages/${bob.user.handle}`);
    await islandsReady(a);
    await a.getByRole("button", { name: "Audio call" }).click();
    const ringers = [b1.getByRole("dialog", { name: /is calling you/ })];
    await ringers[0].waitFor();
    // Bob's first tab connects while it rings (its Device made its offers, both connections up).
    await waitFor("Bob's first tab connected while it rings", async () => (await connectedPcs(b1)) >= 2 || undefined);
    // Then a second tab of Bob's, in the same browser profile, opened mid-ring: it rings too and
    // connects; the SFU keeps one connection per person, the newest, so the first tab is replaced.
    // Answer on the replaced one: it started its media and has no connection left up. (Opened
    // together, which tab is replaced, and whether it had started its media by then, is a race:
    // the test opens them in turn so that it always tests this case.) Before the fixes in
    // SfuSession this failed 3 runs in 14 here: the replaced tab's build went on after close()
    // and opened a socket that replaced the other tab in turn, or left a second send transport
    // that never connected; and a consumer made for a producer that closed meanwhile (the other
    // tab's) was kept and played in place of the answering tab's: Ann heard nothing.
    const b2 = await b1.context().newPage();
    await b2.goto(`${stack.web.url}/messages`);
    await islandsReady(b2);
    ringers.push(b2.getByRole("dialog", { name: /is calling you/ }));
    await ringers[1].waitFor();
    await waitFor("Bob's first tab replaced on the SFU by his second", async () => {
      const up = [await connectedPcs(b1), await connectedPcs(b2)];
      return up[0] === 0 && up[1] >= 2 || undefined;
    }, 15_000);
    await ringers[0].getByRole("button", { name: "Accept" }).click();
    await ringers[1].waitFor({ state: "detached" });
    for (const [p, who] of [[a, "Ann"], [b1, "Bob"]] as const) await hears(p, who);
    await a.getByRole("button", { name: "End call" }).click();
  },
);

Deno.test(
  "a ringing tab replaced on the SFU while it still connects stops there: it opens no socket that replaces the other tab",
  opts,
  async () => {
    const ann = await account(stack.web, "ann_midway");
    const bob = await account(stack.web, "bob_midway");
    await befriend(stack.web, ann, bob);
    const a = await page(ann);
    const b1 = await page(bob);
    // What the SFU says on Bob's first tab's socket (its welcome, its answers, its close) is held
    // back until his second tab has connected and replaced it: the first tab's build is in flight
    // (waiting for its welcome, then for its answers) when it is replaced, as on a slow link. The
    // close that then comes is final: the build must end there, not retry with a new socket, which
    // would replace the second tab in turn. (This does not force the race 6633ef9 fixed, a build
    // that went on after close() while it waited for its credentials: with that guard taken out,
    // this test passed twice here; start()'s retry stops at a closed session.)
    let sockets = 0;
    let release!: () => void;
    const released = new Promise<void>((r) => release = r);
    await b1.routeWebSocket((url) => url.searchParams.has("welcome"), (ws) => {
      sockets++;
      const server = ws.connectToServer();
      server.onMessage((m) =>
        void released.then(() => {
          try {
            ws.send(m);
          } catch { /* the page closed it meanwhile */ }
        })
      );
      server.onClose((code, reason) => void released.then(() => ws.close({ code, reason })));
      ws.onMessage((m) => {
        try {
          server.send(m);
        } catch { /* the SFU closed it */ }
      });
    });
    try {
      await b1.goto(`${stack.web.url}/messages`);
      await islandsReady(b1);
      await a.goto(`${stack.web.url}/messages/${bob.user.handle}`);
      await islandsReady(a);
      await a.getByRole("button", { name: "Audio call" }).click();
      await b1.getByRole("dialog", { name: /is calling you/ }).waitFor();
      await waitFor("Bob's first tab's socket to the SFU", () => sockets >= 1 || undefined);
      const b2 = await b1.context().newPage();
      await b2.goto(`${stack.web.url}/messages`);
      await islandsReady(b2);
      await b2.getByRole("dialog", { name: /is calling you/ }).waitFor();
      await waitFor("Bob's second tab connected", async () => (await connectedPcs(b2)) >= 2 || undefined, 15_000);
      release();
      // The first tab hears it was replaced mid-build. Its build must stop: a new socket (it
      // would come 250 ms after the close) would replace the second tab, whose connections drop.
      await sleep(3_000);
      assert.equal(sockets, 1, "the replaced tab opened another socket to the SFU");
      assert.ok((await connectedPcs(b2)) >= 2, "Bob's second tab lost its connections");
      assert.equal(await connectedPcs(b1), 0, "the replaced tab still has connections up");
      // Answered on the second tab, the call is heard both ways.
      await b2.getByRole("dialog", { name: /is calling you/ }).getByRole("button", { name: "Accept" }).click();
      for (const [p, who] of [[a, "Ann"], [b2, "Bob"]] as const) await hears(p, who);
      await a.getByRole("button", { name: "End call" }).click();
    } finally {
      release();
      await b1.unrouteAll({ behavior: "ignoreErrors" });
    }
  },
);

Deno.test("stop everything", opts, async () => {
  await browser?.close();
  await stack?.close();
});
