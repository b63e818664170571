// A Space as people live it, in Chromium against a real partykit dev server and the web app:
// a host starts a Space; a second person opens the link without an account and sees the stage;
// signs in, raises a hand, is accepted, arrives muted, unmutes, is muted by the host, is moved
// back, is removed, and cannot come back, also after the room's server restarts.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  closeSheet,
  islandsReady,
  launchBrowser,
  newPerson,
  openSheet,
  screenshots,
  signOut,
  signUp,
} from "./support/browser.ts";
import { startStack } from "./support/stack.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function stageNames(page: Page): Promise<string[]> {
  return await page.locator(".stage .member-name").allInnerTexts();
}

Deno.test("a Space from the host's and a listener's side, through removal and a room restart", opts, async () => {
  const stack = await startStack({ sfu: true });
  const { web, party } = stack;
  const browser = await launchBrowser();
  try {
    const host = await newPerson(browser);
    await signUp(host.page, web.url, "hostess", "Hedy Host");
    const guest = await newPerson(browser, { width: 360 });
    await signUp(guest.page, web.url, "guest_1", "Gus Guest");
    await signOut(guest.page);
    await guest.page.waitForURL(`${web.url}/`);

    // The host starts a Space from the form.
    const h = host.page;
    await h.goto(`${web.url}/spaces/new`);
    await islandsReady(h);
    await h.getByLabel("Title").fill("Jazz after midnight");
    await h.getByLabel("Topics").fill("music, jazz");
    await h.getByRole("button", { name: "Start your Space" }).click();
    await h.waitForURL(/\/s\/[A-Za-z0-9_-]+$/);
    const link = h.url();
    await islandsReady(h);
    await h.getByRole("heading", { name: "Jazz after midnight" }).waitFor();
    await h.locator(".stage .member", { hasText: "Hedy Host" }).getByText("Host", { exact: true }).waitFor();

    // Before any JavaScript runs, the page already shows the stage and the listener count.
    const html = await (await fetch(link)).text();
    assert.match(html, /Hedy Host/);
    assert.match(html, /data-testid="listener-count">0 listening/);

    // The guest opens the link without an account: the stage, and an invitation to sign in.
    const g = guest.page;
    await g.goto(link);
    await islandsReady(g);
    await g.getByRole("link", { name: "Sign in to comment or ask to speak" }).waitFor();
    assert.deepEqual(await stageNames(g), ["Hedy Host"]);
    await h.getByTestId("listener-count").filter({ hasText: "1 listening" }).waitFor();
    await openSheet(g, "Reactions");
    await g.getByRole("button", { name: "React with 👋" }).click();
    await h.locator(".burst", { hasText: "👋" }).first().waitFor();
    await closeSheet(g);
    await screenshots(g, "space-anonymous");

    // Signs in with the passkey and comes back to the Space; raises a hand.
    await g.getByRole("toolbar", { name: "Your actions" }).getByRole("link", {
      name: "Sign in to comment or ask to speak",
    }).click();
    await islandsReady(g);
    await g.getByRole("button", { name: "Sign in with a passkey" }).click();
    await g.waitForURL(link);
    await islandsReady(g);
    // Signed in, the guest is a face among the listeners on the host's screen.
    await h.locator(".listener", { hasText: "Gus Guest" }).waitFor();
    await g.getByRole("button", { name: "Request to speak" }).click();
    await g.getByText("Request sent. A host will answer.").waitFor();

    // The host accepts; the guest arrives on stage, muted, and unmutes themself.
    await openSheet(h, /^Host tools, 1 requests to speak/);
    await h.getByRole("button", { name: "Accept Gus Guest" }).click();
    await closeSheet(h);
    const guestOnHostPage = h.locator(".stage .member", { hasText: "Gus Guest" });
    await guestOnHostPage.getByRole("img", { name: "Muted" }).waitFor();
    await g.getByRole("button", { name: "Unmute my microphone" }).click();
    await guestOnHostPage.getByRole("img", { name: /^(Microphone on|Speaking)$/ }).waitFor();
    await screenshots(h, "space-host");

    // The host mutes the guest; only the guest can unmute.
    await guestOnHostPage.getByRole("button", { name: "Actions for Gus Guest" }).click();
    await h.getByRole("button", { name: "Mute Gus Guest" }).click();
    await g.getByRole("button", { name: "Unmute my microphone" }).waitFor();
    await guestOnHostPage.getByRole("img", { name: "Muted" }).waitFor();

    // The host moves the guest back to the audience.
    await guestOnHostPage.getByRole("button", { name: "Actions for Gus Guest" }).click();
    await h.getByRole("button", { name: "Move Gus Guest to the audience" }).click();
    await g.getByRole("button", { name: "Request to speak" }).waitFor();
    assert.deepEqual(await stageNames(g), ["Hedy Host"]);

    // The guest comments; the host removes them from the Space.
    await openSheet(g, /^Comments/);
    await g.getByLabel("Add a comment").fill("Lovely set!");
    await g.getByRole("button", { name: "Send" }).click();
    await closeSheet(g);
    await openSheet(h, "Comments (1)");
    await h.getByText("Lovely set!").waitFor();
    // The host pins the comment, then a link, for everybody.
    await h.getByRole("button", { name: "Pin: Lovely set!" }).click();
    await closeSheet(h);
    await g.getByRole("complementary", { name: "Pinned" }).getByText("Lovely set!").waitFor();
    await openSheet(h, /^Host tools/);
    await h.getByLabel("Pin a link").fill("https://example.org/setlist");
    await h.getByRole("button", { name: "Pin a link" }).click();
    await closeSheet(h);
    await g.getByRole("complementary", { name: "Pinned" }).getByRole("link", { name: "https://example.org/setlist" })
      .waitFor();
    await openSheet(h, /^Comments/);
    await h.getByRole("button", { name: "Remove Gus Guest from the Space" }).click();
    await g.getByText("You were removed from this Space.").waitFor();

    // They cannot come back: not with a reload, not after the room's server restarts.
    await g.reload();
    await g.getByText("You were removed from this Space.").waitFor();
    await party.restart();
    await g.reload();
    await g.getByText("You were removed from this Space.").waitFor();
    assert.equal(await g.getByRole("button", { name: "Request to speak" }).count(), 0);

    // The host, after the restart, still has the Space with its title and stage.
    await h.reload();
    await islandsReady(h);
    await h.locator(".stage .member", { hasText: "Hedy Host" }).waitFor();
    await openSheet(h, /^Comments/);
    await h.getByText("Lovely set!").waitFor();
  } finally {
    await browser.close();
    await stack.close();
  }
});
