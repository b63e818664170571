// Calls as people see them in Chromium: the full-screen incoming call (a modal with Accept and
// Decline) on the callee's open pages, whatever page, taking the focus without moving the page;
// decline (by button or Escape, also before the ringing page's call connection has the call's
// state), cancel, busy and missed each seen by both sides; the call screen's
// and the overlay's controls inside the viewport on a phone and a laptop; a call the rule forbids
// shows the caller why and never rings.
// Longer than 300 lines on purpose: one browser and one party server for every way a ringing call
// ends, each a short test over the same helpers.
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { islandsReady, launchBrowser } from "./support/browser.ts";
import {
  type Account,
  account,
  assertFits,
  befriend,
  ringerOf,
  signedInPage,
  sleep,
  viewShots,
} from "./support/calls.ts";
import { PartyDev } from "./support/party.ts";
import { startWeb } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const web = await startWeb();
const dev = await PartyDev.start({ vars: { SPAZIO_WEB_URL: web.url.replace("localhost", "127.0.0.1") } });
web.deps.config.partyUrl = web.deps.config.partyPublicUrl = dev.http;
let browser: Browser;

let n = 0;
async function people() {
  n++;
  const ann = await account(web, `ann${n}`);
  const bob = await account(web, `bob${n}`);
  await befriend(web, ann, bob);
  const a = await signedInPage(browser, web, ann);
  const b = await signedInPage(browser, web, bob, { width: 360 });
  return { ann, bob, a: a.page, b: b.page };
}

async function open(page: Page, path: string) {
  await page.goto(`${web.url}${path}`);
  await islandsReady(page);
}

/** Ann presses the call button in her thread with Bob, and lands on the call screen. */
async function annCalls(a: Page, bob: Account, kind: "Audio call" | "Video call" = "Audio call") {
  await open(a, `/messages/${bob.user.handle}`);
  await a.getByRole("button", { name: kind }).click();
  await a.waitForURL(/\/calls\/[A-Za-z0-9_-]+$/);
  await islandsReady(a);
}

Deno.test("start Chromium", opts, async () => {
  browser = await launchBrowser(["--autoplay-policy=no-user-gesture-required"]);
});

Deno.test(
  "B declines from the incoming call: both see it, in words, and in the thread; the page never moved",
  opts,
  async () => {
    const { ann, bob, a, b } = await people();
    await open(b, "/calls");
    // A long page scrolled down: the overlay taking the focus must not move it.
    await b.evaluate(() => {
      document.querySelector("main")!.style.minHeight = "4000px";
      scrollTo(0, 900);
    });
    await annCalls(a, bob);
    await a.getByRole("status").getByText(`Calling ${bob.user.displayName}…`).waitFor();
    const ringer = b.getByRole("dialog", { name: `${ann.user.displayName} is calling you (audio)` });
    await ringer.getByRole("heading", { name: ann.user.displayName }).waitFor();
    await ringer.getByText("Incoming audio call").waitFor();
    assert.equal(await ringer.getAttribute("aria-modal"), "true");
    // The ring really sounds (WebAudio running), and the answer has the keyboard focus.
    await b.locator('.ringer[data-ring="on"]').waitFor();
    assert.equal(await b.evaluate(() => document.activeElement?.textContent?.trim()), "Accept");
    assert.equal(await b.evaluate(() => scrollY), 900, "the page jumped when Accept took the focus");
    await assertFits(b, "the incoming call", [
      ringer.getByRole("button", { name: "Accept" }),
      ringer.getByRole("button", { name: "Decline" }),
    ]);
    await viewShots(b, "call-ringing");
    await ringer.getByRole("button", { name: "Decline" }).click();
    await a.getByText(`${bob.user.displayName} declined the call.`).waitFor();
    await ringer.waitFor({ state: "detached" });
    await open(b, `/messages/${ann.user.handle}`);
    await b.getByRole("log").getByText("You declined an audio call").waitFor();
    await open(a, `/messages/${bob.user.handle}`);
    await a.getByRole("log").getByText("Audio call declined").waitFor();
  },
);

Deno.test("Escape on the incoming call declines it", opts, async () => {
  const { bob, a, b } = await people();
  await open(b, "/");
  await annCalls(a, bob, "Video call");
  const ringer = ringerOf(b);
  await ringer.getByText("Incoming video call").waitFor();
  await b.keyboard.press("Escape");
  await ringer.waitFor({ state: "detached" });
  await a.getByText(`${bob.user.displayName} declined the call.`).waitFor();
});

Deno.test(
  "a decline before the ringing page's call connection has its state still reaches the caller",
  opts,
  async () => {
    // The ringing page holds a connection to the call room; what the room says on it is held back
    // here until after the decline, as a slow link would: the decline must not wait for it, nor be lost.
    const { bob, a, b } = await people();
    let sockets = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await b.routeWebSocket(/\/parties\/call\//, (ws) => {
      const first = ++sockets === 1;
      const server = ws.connectToServer();
      const pass = (m: string | Buffer) => {
        try {
          ws.send(m);
        } catch { /* the page closed it meanwhile */ }
      };
      server.onMessage((m) => void (first ? released.then(() => pass(m)) : pass(m)));
      ws.onMessage((m) => server.send(m));
    });
    try {
      await open(b, "/");
      await annCalls(a, bob);
      const ringer = ringerOf(b);
      await ringer.getByText("Incoming audio call").waitFor();
      for (const end = Date.now() + 10_000; sockets < 1 && Date.now() < end;) await sleep(50);
      assert.equal(sockets, 1, "the ringing page holds one connection to the call room");
      // The held call's code is in (it then takes that connection): the decline goes through it.
      await b.waitForFunction(() => performance.getEntriesByType("resource").some((e) => /\/live_call-/.test(e.name)));
      await sleep(500);
      await b.keyboard.press("Escape");
      await ringer.waitFor({ state: "detached" });
      release(); // what the room said arrives late, as on a slow link: a decline made without it is lost
      await a.getByText(`${bob.user.displayName} declined the call.`).waitFor({ timeout: 10_000 });
    } finally {
      release();
      await b.unrouteAll({ behavior: "ignoreErrors" });
    }
  },
);

Deno.test(
  "A cancels: B's ringing stops on every open page, also one opened mid-ring; both threads keep it",
  opts,
  async () => {
    const { ann, bob, a, b } = await people();
    const b2 = (await signedInPage(browser, web, bob)).page;
    // A third page of B's is the home page: every page of a signed-in person rings.
    const b3 = (await signedInPage(browser, web, bob)).page;
    await open(b3, "/");
    await open(b, "/messages");
    await annCalls(a, bob, "Video call");
    await open(b2, `/messages/${ann.user.handle}`);
    for (const p of [b, b2, b3]) {
      await p.getByRole("dialog", {
        name: `${ann.user.displayName} is calling you (video)`,
      }).waitFor();
    }
    await viewShots(a, "call-calling");
    await assertFits(a, "the caller's screen", [a.getByRole("button", { name: "Cancel call" })]);
    await a.getByRole("button", { name: "Cancel call" }).click();
    await a.getByText("You cancelled the call.").waitFor();
    for (const p of [b, b2, b3]) await ringerOf(p).waitFor({ state: "detached" });
    await b2.getByRole("log").getByText("Missed video call").waitFor();
    await b.getByRole("link", { name: new RegExp(ann.user.displayName) }).getByText("Missed video call").waitFor();
  },
);

Deno.test("B accepts: the call screen answers, the other page stops ringing, either side ends it", opts, async () => {
  const { ann, bob, a, b } = await people();
  const b2 = (await signedInPage(browser, web, bob)).page;
  await open(b, "/messages");
  await open(b2, "/calls");
  await annCalls(a, bob);
  await ringerOf(b).getByRole("button", { name: "Accept" }).click();
  await b.waitForURL(/\/calls\/.+\?answer=1$/);
  await b.getByRole("status").getByText("Connected").waitFor();
  await a.getByRole("status").getByText("Connected").waitFor();
  await ringerOf(b2).waitFor({ state: "detached" });
  for (const p of [a, b]) {
    for (const name of ["Mute", "Turn camera on", "End call"]) await p.getByRole("button", { name }).waitFor();
    await p.getByRole("timer", { name: /^Duration \d+:\d\d$/ }).waitFor();
    await p.getByRole("heading", { level: 1 }).filter({
      hasText: p === a ? bob.user.displayName : ann.user.displayName,
    }).waitFor();
    await assertFits(
      p,
      "the call screen",
      ["Mute", "Turn camera on", "End call"].map((name) => p.getByRole("button", { name })),
    );
  }
  await viewShots(b, "call-connected");
  await sleep(1_200);
  await b.getByRole("button", { name: "End call" }).click();
  await a.getByText(/^Call ended · 0:0[1-9]$/).waitFor();
  await b.getByText(/^Call ended · 0:0[1-9]$/).waitFor();
  await viewShots(a, "call-ended");
  await open(b2, "/calls");
  const row = b2.getByTestId("call-row").first();
  await row.getByText(ann.user.displayName).waitFor();
  await row.getByText(/^Audio call · 0:0[1-9]$/).waitFor();
  await row.getByText("Incoming").waitFor();
  await viewShots(b2, "call-history");
});

Deno.test("B already on a call: A hears busy; B, still talking, is told A tried", opts, async () => {
  const { ann, bob, a, b } = await people();
  n++;
  const carl = await account(web, `carl${n}`);
  await befriend(web, carl, bob);
  const c = (await signedInPage(browser, web, carl)).page;
  await open(b, "/messages");
  await annCalls(c, bob);
  await ringerOf(b).getByRole("button", { name: "Accept" }).click();
  await b.getByRole("status").getByText("Connected").waitFor();
  await annCalls(a, bob);
  await a.getByText(`${bob.user.displayName} is on another call.`).waitFor();
  await b.getByText(`${ann.user.displayName} tried to call you.`).waitFor();
  assert.equal(await ringerOf(b).count(), 0);
  await c.getByRole("status").getByText("Connected").waitFor();
});

Deno.test("a call the rule forbids says why in plain words and never rings", opts, async () => {
  const { bob, b } = await people();
  n++;
  const eve = await account(web, `eve${n}`);
  const e = (await signedInPage(browser, web, eve)).page;
  await open(b, "/messages");
  await open(e, `/messages/${bob.user.handle}`);
  await e.getByRole("button", { name: "Audio call" }).click();
  await e.getByRole("alert").getByText(/only takes calls from people they chose/).waitFor();
  await sleep(500);
  assert.equal(await ringerOf(b).count(), 0);
  assert.match(e.url(), /\/messages\//);
});

Deno.test("nobody answers in the ring time: a missed call for both", opts, async () => {
  const { ann, bob, a, b } = await people();
  // The web's ring time (SPAZIO_RING_MS), 6 s rather than 30 s for this call only.
  web.deps.config.ringMs = 6_000;
  await open(b, "/messages");
  try {
    await annCalls(a, bob);
  } finally {
    delete web.deps.config.ringMs;
  }
  await ringerOf(b).waitFor();
  await a.getByText(`${bob.user.displayName} didn't answer.`).waitFor({ timeout: 16_000 });
  await ringerOf(b).waitFor({ state: "detached" });
  await b.getByRole("link", { name: new RegExp(ann.user.displayName) }).getByText("Missed audio call").waitFor();
  await open(a, `/messages/${bob.user.handle}`);
  await a.getByRole("log").getByText("Audio call, no answer").waitFor();
});

Deno.test("a person in a Space is told a call leaves it; calling or answering leaves the Space", opts, async () => {
  const { ann, bob, a, b } = await people();
  await open(a, "/spaces/new");
  await a.getByLabel("Title").fill("Evening chat");
  await a.getByRole("button", { name: "Start your Space" }).click();
  await a.waitForURL(/\/s\/[A-Za-z0-9_-]+$/);
  const space = a.url();
  await islandsReady(a);
  await open(b, new URL(space).pathname);
  // Ann browses to Bob's thread (partial navigation): her Space plays on in the dock.
  await a.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Messages" }).click();
  await a.waitForURL(`${web.url}/messages`);
  await islandsReady(a);
  await a.getByRole("link", { name: new RegExp(bob.user.displayName) }).click();
  await a.waitForURL(`${web.url}/messages/${bob.user.handle}`);
  await islandsReady(a);
  const dock = a.getByRole("region", { name: "Now playing" });
  await dock.waitFor();
  await a.getByRole("button", { name: "Audio call" }).click();
  const confirm = a.getByRole("dialog", { name: "Leave the Space?" });
  await confirm.getByText(`You're in the Space “Evening chat”. Calling ${bob.user.displayName} leaves it.`).waitFor();
  await viewShots(a, "call-leaves-space");
  await confirm.getByRole("button", { name: "Stay in the Space" }).click();
  await confirm.waitFor({ state: "hidden" });
  assert.match(a.url(), /\/messages\//);
  await dock.waitFor();
  await a.getByRole("button", { name: "Audio call" }).click();
  await confirm.getByRole("button", { name: "Leave the Space and call" }).click();
  await a.waitForURL(/\/calls\/[A-Za-z0-9_-]+$/);
  await dock.waitFor({ state: "detached" });
  assert.equal(await a.locator("body.has-dock").count(), 0, "the Space still plays beside the call");

  // Bob, listening in the Space, is told answering leaves it; it does.
  const ringer = ringerOf(b);
  await ringer.getByText("Answering leaves the Space “Evening chat”.").waitFor();
  await ringer.getByRole("button", { name: "Accept" }).click();
  await b.waitForURL(/\/calls\/.+\?answer=1$/);
  await b.getByRole("status").getByText("Connected").waitFor();
  await sleep(500);
  assert.equal(
    await b.getByRole("region", { name: "Now playing" }).count(),
    0,
    "Bob's Space still plays beside the call",
  );
  assert.equal(await b.locator("body.has-dock").count(), 0, "Bob's Space still plays beside the call");
  await b.getByRole("button", { name: "End call" }).click();
  await a.getByText(/^Call ended/).waitFor();
  void ann;
});

Deno.test("stop everything", opts, async () => {
  await browser.close();
  await dev.dispose();
  await web.close();
});
