// Calls in French and Italian, by keyboard only, on a 360 px phone: the incoming call takes the
// focus, Enter answers, Tab reaches every in-call control by its name, Enter hangs up; the new
// words of the call screen, the overlay and the thread come in each language.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { islandsReady, launchBrowser } from "./support/browser.ts";
import { account, befriend, signedInPage } from "./support/calls.ts";
import { PartyDev } from "./support/party.ts";
import { startWeb } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** Tabs forward until the focused element has this name (aria-label or text); fails after 30 presses. */
async function tabTo(page: Page, name: string) {
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return el?.getAttribute("aria-label") ?? el?.textContent?.trim();
    });
    if (focused === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

Deno.test("a call between an Italian caller and a French callee, by keyboard at 360 px", opts, async () => {
  const web = await startWeb();
  const dev = await PartyDev.start({ vars: { SPAZIO_WEB_URL: web.url.replace("localhost", "127.0.0.1") } });
  web.deps.config.partyUrl = web.deps.config.partyPublicUrl = dev.http;
  const browser = await launchBrowser(["--autoplay-policy=no-user-gesture-required"]);
  try {
    const gianna = await account(web, "gianna");
    const benoit = await account(web, "benoit");
    await befriend(web, gianna, benoit);
    const a = (await signedInPage(browser, web, gianna, { locale: "it-IT", width: 360 })).page;
    const b = (await signedInPage(browser, web, benoit, { locale: "fr-FR", width: 360 })).page;
    await b.goto(`${web.url}/messages`);
    await islandsReady(b);
    await b.getByRole("heading", { name: "Messages" }).waitFor();
    await a.goto(`${web.url}/messages/benoit`);
    await islandsReady(a);
    await tabTo(a, "Chiamata audio");
    await a.keyboard.press("Enter");
    await a.waitForURL(/\/calls\//);
    await a.getByRole("status").getByText("Chiamata a Benoit…").waitFor();
    await a.getByRole("button", { name: "Annulla chiamata" }).waitFor();

    const ringer = b.getByRole("dialog", { name: "Gianna vous appelle (audio)" });
    await ringer.getByText("Appel audio entrant").waitFor();
    assert.equal(await b.evaluate(() => document.activeElement?.textContent?.trim()), "Accepter");
    await b.keyboard.press("Enter");
    await b.waitForURL(/answer=1/);
    await b.getByRole("status").getByText("Connecté").waitFor();
    await a.getByRole("status").getByText("Connesso").waitFor();
    for (const name of ["Couper le micro", "Allumer la caméra", "Raccrocher"]) await tabTo(b, name);
    for (const name of ["Disattiva microfono", "Accendi videocamera", "Termina chiamata"]) {
      await a.getByRole("button", { name }).waitFor();
    }
    await a.getByRole("link", { name: "Torna ai messaggi con Benoit (la chiamata continua)" }).waitFor();
    await b.getByRole("timer", { name: /^Durée \d+:\d\d$/ }).waitFor();
    await b.keyboard.press("Enter");
    await a.getByText(/^Chiamata terminata · \d:\d\d$/).waitFor();
    await b.getByText(/^Appel terminé · \d:\d\d$/).waitFor();
    // Nothing on the phone-sized call screen is wider than the screen.
    for (const p of [a, b]) assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= 360));
  } finally {
    await browser.close();
    await dev.dispose();
    await web.close();
  }
});
