// Ended, removed and empty states (issue 20, items 7-11), in Chromium against the real web app,
// partykit dev and SFU, driven as they were found:
// - a home page left open shows a Space appear LIVE when it starts (and leave Upcoming, where it
//   was scheduled) and leave when it ends, with no reload (it kept "1 listening · 1 on stage"
//   until reloaded, and a started Space stayed under Upcoming too);
// - a listener who moved to another page has the Space in the dock when the host ends it: the
//   dock says it ended (aloud too), offers "Listen to the replay" once the replay is made, and goes
//   on Dismiss by keyboard (it vanished without a word);
// - the host's open Space page turns into the ended page (title, host, the replay as soon as it is
//   made, Back to home), as a fresh load of the link shows (it was a bare "This Space has ended");
// - a recorded Space where nobody spoke says that nothing was recorded, in en, fr and it (it said
//   nothing: the mix had failed);
// - the replay of a deleted recording and of a Space never recorded have headings of their own (both
//   were "Something is not right").
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { islandsReady, launchToneBrowser, openSheet } from "./support/browser.ts";
import { type Account, account, call, viewShots } from "./support/calls.ts";
import { audioGrows, RECORD_PEER_CONNECTIONS } from "./support/sfu.ts";
import { startStack } from "./support/stack.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
/** Mixing a replay takes seconds; a slow machine shared with other runs, more. */
const REPLAY_MS = 120_000;
/** The home asks for the live list every 10 s. */
const HOME_MS = 40_000;

/** A browser profile at `width` x `height`, signed in as `who` if given. */
async function person(browser: Browser, url: string, who: Account | null, width: number, height: number) {
  const context = await browser.newContext({ locale: "en-US", viewport: { width, height } });
  if (who) await context.addCookies([{ name: "spazio_session", value: who.cookie.split("=")[1], url }]);
  await context.addInitScript(RECORD_PEER_CONNECTIONS);
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`[page error] ${e.message}`));
  return page;
}

/** The host ends the Space from Host tools, as on the Space screen. */
async function endFromHostTools(h: Page) {
  await openSheet(h, /^Host tools/);
  await h.getByRole("button", { name: "End Space" }).click();
  await h.getByRole("button", { name: "Yes, end it" }).click();
}

const generic = /Something is not right|Quelque chose ne va pas|Qualcosa non va/;

Deno.test(
  "ended, removed and empty states: home, dock, the ended page, nothing recorded, no replay",
  opts,
  async (t) => {
    const stack = await startStack({ sfu: true });
    const { web } = stack;
    const browser = await launchToneBrowser(240);
    try {
      const hostAcc = await account(web, "endhost");
      const h = await person(browser, web.url, hostAcc, 1280, 800);
      const home = await person(browser, web.url, null, 360, 740);
      const l = await person(browser, web.url, null, 360, 740);
      // Scheduled first: the open home lists it under Upcoming until the host starts it.
      const made = await call(web, hostAcc, "POST", "/api/spaces", {
        title: "Night radio",
        lang: "en",
        record: true,
        scheduledFor: Date.now() + 3_600_000,
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const id: string = made.body.id;
      await home.goto(`${web.url}/`);
      await islandsReady(home);
      await home.getByText("Nobody is live right now").waitFor();
      const upcoming = home.locator("section[aria-labelledby=upcoming-h] .space-card", { hasText: "Night radio" });
      await upcoming.waitFor();
      const started = await call(web, hostAcc, "POST", `/api/spaces/${id}/start`);
      assert.equal(started.status, 200, JSON.stringify(started.body));
      const link = `${web.url}/s/${id}`;
      await h.goto(link);
      await islandsReady(h);
      await h.getByRole("button", { name: "Unmute my microphone" }).click();
      await h.getByRole("button", { name: "Mute my microphone" }).waitFor();

      await t.step("home: a Space that starts appears LIVE without a reload", async () => {
        const card = home.locator("section[aria-labelledby=live-h] .space-card", { hasText: "Night radio" });
        await card.waitFor({ timeout: HOME_MS });
        await card.getByText("LIVE").waitFor();
        // ... and leaves Upcoming (it stayed there, beside its live card, until a reload); it was
        // the only one, so no bare Upcoming heading is left either.
        await upcoming.waitFor({ state: "hidden" });
        await home.locator("#upcoming-h").waitFor({ state: "hidden" });
        await viewShots(home, "ended-home-live");
      });

      // The listener hears the host, then browses: the Space goes on in the dock.
      await l.goto(link);
      await islandsReady(l);
      await audioGrows(l, "the host at the listener");
      await l.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Search" }).click();
      await l.waitForURL(`${web.url}/people`);
      const dock = l.locator(".dock");
      await dock.waitFor();
      await audioGrows(l, "the host while the listener is on People");

      await endFromHostTools(h);

      await t.step("the open Space page becomes the ended page, with the replay once it is made", async () => {
        await h.getByRole("heading", { level: 1, name: "This Space has ended" }).waitFor();
        await h.getByText("Night radio, hosted by Endhost, has ended.").waitFor();
        await h.getByRole("link", { name: "Back to home" }).waitFor();
        await h.getByRole("link", { name: "Endhost’s profile" }).waitFor();
        const replay = h.getByRole("link", { name: "Listen to the replay" });
        await replay.waitFor({ timeout: REPLAY_MS });
        assert.equal(await h.getByRole("status").filter({ hasText: "The replay is ready." }).count(), 1);
        await viewShots(h, "ended-space-page");
        await replay.click();
        await h.waitForURL(`${link}/replay`);
        await h.getByRole("button", { name: "Play", exact: true }).waitFor();
      });

      await t.step("the dock on another page says the Space ended and offers the replay", async () => {
        await dock.getByText("This Space has ended").waitFor();
        await l.getByRole("status").filter({ hasText: "Night radio has ended." }).waitFor({ state: "attached" });
        const replay = dock.getByRole("link", { name: "Listen to the replay" });
        await replay.waitFor({ timeout: REPLAY_MS });
        assert.equal(await replay.getAttribute("href"), `/s/${id}/replay`);
        await viewShots(l, "ended-dock");
        for (const size of [{ width: 360, height: 740 }, { width: 1280, height: 800 }]) {
          await l.setViewportSize(size);
          const box = (await dock.getByRole("button", { name: "Dismiss" }).boundingBox())!;
          assert.ok(box.x >= 0 && box.x + box.width <= size.width && box.y + box.height <= size.height, "Dismiss fits");
          assert.ok((await replay.boundingBox())!.x >= 0, "the replay link fits");
        }
        await l.setViewportSize({ width: 360, height: 740 });
        await dock.getByRole("button", { name: "Dismiss" }).focus();
        await l.keyboard.press("Enter");
        await dock.waitFor({ state: "detached" });
        assert.equal(l.url(), `${web.url}/people`, "Dismiss stays on the page");
      });

      await t.step("home: the ended Space leaves the live list without a reload", async () => {
        await home.locator("section[aria-labelledby=live-h] .space-card", { hasText: "Night radio" }).waitFor({
          state: "detached",
          timeout: HOME_MS,
        });
        await home.getByText("Nobody is live right now").waitFor();
        // Nor does it come back under Upcoming, where it was scheduled.
        assert.equal(await upcoming.isVisible(), false, "the ended Space is back under Upcoming");
        assert.equal(await home.getByText("1 listening").count(), 0);
      });

      await t.step("a recorded Space where nobody spoke says nothing was recorded, in en, fr and it", async () => {
        const silent = await call(web, hostAcc, "POST", "/api/spaces", {
          title: "Silent room",
          lang: "en",
          record: true,
        });
        assert.equal(silent.status, 201);
        await h.goto(`${web.url}/s/${silent.body.id}`);
        await islandsReady(h);
        await h.getByRole("button", { name: "Unmute my microphone" }).waitFor();
        await endFromHostTools(h);
        const said = "Nothing was recorded: nobody spoke while the Space was recorded, so there is no replay.";
        await h.getByText(said).waitFor({ timeout: REPLAY_MS });
        assert.equal(await h.getByRole("link", { name: "Listen to the replay" }).count(), 0);
        // A fresh load of the link says the same, in each language.
        for (
          const [lang, text] of [
            ["en", said],
            ["fr", "Rien n’a été enregistré : personne n’a parlé"],
            ["it", "Non è stato registrato nulla: nessuno ha parlato"],
          ]
        ) {
          await h.context().addCookies([{ name: "spazio_lang", value: lang, url: web.url }]);
          await h.goto(`${web.url}/s/${silent.body.id}`);
          await h.getByText(text).waitFor();
          await h.goto(`${web.url}/s/${silent.body.id}/replay`);
          await h.getByText(text).waitFor();
        }
        await h.goto(`${web.url}/s/${silent.body.id}`);
        await viewShots(h, "ended-nothing-recorded-it");
        await h.context().addCookies([{ name: "spazio_lang", value: "en", url: web.url }]);
      });

      await t.step(
        "the replay of a deleted recording and of a Space never recorded say so in their heading",
        async () => {
          assert.equal((await call(web, hostAcc, "DELETE", `/api/spaces/${id}/recording`)).status, 200);
          const gone = await h.goto(`${link}/replay`);
          assert.equal(gone?.status(), 410);
          await h.getByRole("heading", { level: 1, name: "This replay was deleted" }).waitFor();
          await h.getByText("The host deleted the recording of Night radio.").waitFor();
          assert.equal(await h.getByText(generic).count(), 0);
          await viewShots(h, "ended-replay-deleted");
          await h.getByRole("link", { name: "Back to the Space" }).click();
          await h.getByRole("heading", { level: 1, name: "This Space has ended" }).waitFor();
          await h.getByText("This recording was deleted.").waitFor();

          const later = await call(web, hostAcc, "POST", "/api/spaces", {
            title: "Never taped",
            lang: "en",
            scheduledFor: Date.now() + 3_600_000,
          });
          assert.equal(later.status, 201);
          assert.equal((await call(web, hostAcc, "POST", `/api/spaces/${later.body.id}/cancel`)).status, 200);
          const never = await h.goto(`${web.url}/s/${later.body.id}/replay`);
          assert.equal(never?.status(), 404);
          await h.getByRole("heading", { level: 1, name: "No replay of this Space" }).waitFor();
          await h.getByText("Never taped was not recorded, so there is nothing to play back.").waitFor();
          assert.equal(await h.getByText(generic).count(), 0);
          await viewShots(h, "ended-replay-never-recorded");
        },
      );
    } finally {
      await browser.close();
      await stack.close();
    }
  },
);
