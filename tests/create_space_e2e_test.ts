// "Start a Space" in Chromium against the real web and a real `partykit dev`: a title typed before
// the form's script has loaded survives the form coming alive (hydration) and names the Space; and
// the screen reads as X's "Start a Space" (a big title field, options as switches, the one action
// always in reach), shot at 360x740 and 1280x800.
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { islandsReady, launchBrowser } from "./support/browser.ts";
import { account, signedInPage, viewShots } from "./support/calls.ts";
import { PartyDev } from "./support/party.ts";
import { startWeb } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const web = await startWeb();
const dev = await PartyDev.start({ vars: { SPAZIO_WEB_URL: web.url.replace("localhost", "127.0.0.1") } });
web.deps.config.partyUrl = web.deps.config.partyPublicUrl = dev.http;
let browser: Browser;

Deno.test("start Chromium", opts, async () => {
  browser = await launchBrowser();
});

Deno.test("a title typed before the form comes alive is kept, and names the Space", opts, async () => {
  const host = await account(web, "tess");
  const { page } = await signedInPage(browser, web, host, { width: 360 });
  await page.setViewportSize({ width: 360, height: 740 });
  // The islands' scripts wait until the person has typed: the page is drawn by the server, the
  // form not yet alive, as on a slow phone.
  let release!: () => void;
  const typed = new Promise<void>((r) => (release = r));
  await page.route("**/_build/**", async (route) => {
    await typed;
    await route.continue();
  });
  // Not "domcontentloaded": that waits for the (held) module scripts.
  await page.goto(`${web.url}/spaces/new`, { waitUntil: "commit" });
  const title = page.getByLabel("Title", { exact: true });
  await title.waitFor();
  await title.fill("Late night synths");
  await page.getByLabel("Topics").fill("music, synths");
  assert.equal(await page.locator("spazio-island[data-name=CreateSpace][data-hydrated]").count(), 0);
  release();
  await islandsReady(page);
  // Alive: a switch re-renders the form; what was typed is still there.
  await page.getByRole("switch", { name: /Allow video/ }).click();
  assert.equal(await title.inputValue(), "Late night synths");
  assert.equal(await page.getByLabel("Topics").inputValue(), "music, synths");
  await page.getByRole("button", { name: "Start your Space" }).click();
  await page.waitForURL(/\/s\/[A-Za-z0-9_-]+/);
  await page.getByRole("heading", { name: "Late night synths" }).first().waitFor();
});

Deno.test("the Start a Space screen: a big title, options as switches, the action in reach", opts, async () => {
  const host = await account(web, "uma");
  const { page } = await signedInPage(browser, web, host, { width: 360 });
  for (const size of [{ width: 360, height: 740 }, { width: 1280, height: 800 }]) {
    await page.setViewportSize(size);
    await page.goto(`${web.url}/spaces/new`);
    await islandsReady(page);
    const title = page.getByLabel("Title", { exact: true });
    const fontPx = await title.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(fontPx >= 22, `the title field's text is ${fontPx}px`);
    await page.getByRole("switch", { name: /Allow video/ }).waitFor();
    const start = page.getByRole("button", { name: "Start your Space" });
    const box = await start.boundingBox();
    assert.ok(box && box.y + box.height <= size.height, `the action is off screen at ${size.width}`);
  }
  await viewShots(page, "create-space");
});

Deno.test("stop everything", opts, async () => {
  await browser.close();
  await dev.dispose();
  await web.close();
});
