// The foundation as a person uses it, in Debian's Chromium: sign up, sign out, sign in with the
// passkey (and back to where they were), edit the profile, follow, search, contacts, block,
// languages, a second passkey, the offline page.
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import {
  islandsReady,
  launchBrowser,
  newPerson,
  openMoreMenu,
  screenshots,
  signOut,
  signUp,
} from "./support/browser.ts";
import { sameOrigin, startWeb, type WebServer } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function withStack(fn: (web: WebServer, browser: Browser) => Promise<void>) {
  const web = await startWeb();
  const browser = await launchBrowser();
  try {
    await fn(web, browser);
  } finally {
    await browser.close();
    await web.close();
  }
}

/** What has the focus, by its accessible name as far as tests need it ("body" when nothing does). */
async function focusedName(page: Page): Promise<string> {
  return await page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return "body";
    return el.getAttribute("aria-label") ?? el.textContent?.trim() ?? el.tagName;
  });
}

Deno.test("sign up, sign out, sign in with the passkey, add a second passkey", opts, async () => {
  await withStack(async (web, browser) => {
    const { page } = await newPerson(browser);
    let verifyBody = "";
    page.on("request", (r) => {
      if (r.url().endsWith("/api/auth/register/verify")) verifyBody = r.postData() ?? "";
    });
    await signUp(page, web.url, "ada_l", "Ada Lovelace");
    await page.getByRole("heading", { name: "Ada Lovelace" }).waitFor();
    await screenshots(page, "profile-own");

    // The genuine response, sent again, is a replay: refused, no second account, no session.
    const replay = await fetch(
      `${web.url}/api/auth/register/verify`,
      sameOrigin(web, { method: "POST", body: verifyBody }),
    );
    assert.equal(replay.status, 400);
    assert.equal((await replay.json()).error.code, "err.challenge");
    assert.equal(replay.headers.get("set-cookie"), null);

    await signOut(page);
    await page.waitForURL(`${web.url}/`);
    await page.getByRole("link", { name: "Sign in" }).first().waitFor();
    await openMoreMenu(page);
    assert.equal(await page.getByRole("button", { name: "Sign out" }).count(), 0);

    await page.goto(`${web.url}/signin`);
    await islandsReady(page);
    await screenshots(page, "signin");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.waitForURL(`${web.url}/`);
    await page.getByRole("heading", { name: "Welcome, Ada Lovelace" }).waitFor();

    await page.goto(`${web.url}/settings`);
    await islandsReady(page);
    await page.getByText("Passkeys on this account: 1").waitFor();
    // A second authenticator stands for a second device (a phone or a security key).
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        transport: "usb",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.getByText("Passkeys on this account: 2").waitFor();
    await page.getByText("Passkey added.").waitFor();
  });
});

Deno.test("the sign-up form explains a malformed or taken handle", opts, async () => {
  await withStack(async (web, browser) => {
    const first = await newPerson(browser);
    await signUp(first.page, web.url, "grace", "Grace Hopper");

    const { page } = await newPerson(browser);
    await page.goto(`${web.url}/signup`);
    await islandsReady(page);
    await page.getByLabel("Handle").fill("no");
    await page.getByLabel("Display name").fill("Someone");
    await page.getByRole("button", { name: "Create account with a passkey" }).click();
    await page.getByText("A handle is 3 to 15 characters").waitFor();
    assert.equal(await page.getByLabel("Handle").getAttribute("aria-invalid"), "true");

    await page.getByLabel("Handle").fill("GRACE");
    await page.getByRole("button", { name: "Create account with a passkey" }).click();
    await page.getByText("This handle is taken. Try another one.").waitFor();
    await screenshots(page, "signup-taken");
    assert.equal(page.url(), `${web.url}/signup`);

    // From a Space's sign-in invitation, through "Create an account", back to the Space.
    const made = await first.page.evaluate(async () => {
      const res = await fetch("/api/spaces", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ title: "Compilers at dawn", lang: "en", scheduledFor: Date.now() + 86_400_000 }),
      });
      return await res.json();
    });
    await page.goto(`${web.url}/signin?next=${encodeURIComponent(made.url)}`);
    await page.getByRole("link", { name: "New here? Create an account" }).click();
    await page.waitForURL(`${web.url}/signup?next=${encodeURIComponent(made.url)}`);
    await islandsReady(page);
    await page.getByLabel("Handle").fill("grace_fan");
    await page.getByLabel("Display name").fill("A Fan");
    await page.getByRole("button", { name: "Create account with a passkey" }).click();
    await page.waitForURL(`${web.url}${made.url}`);
    await page.getByRole("heading", { name: "Compilers at dawn" }).waitFor();
  });
});

Deno.test("edit the profile, follow, search, add a contact, block", opts, async () => {
  await withStack(async (web, browser) => {
    const bob = await newPerson(browser);
    await signUp(bob.page, web.url, "bob", "Bob Martín");
    const amy = await newPerson(browser, { width: 360 });
    await signUp(amy.page, web.url, "amy", "Amy Noether");
    const page = amy.page;

    await page.goto(`${web.url}/settings`);
    await islandsReady(page);
    await page.getByLabel("Bio").fill("Algebra and symmetry.");
    await page.getByLabel("Display name").fill("Emmy Noether");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.getByText("Profile saved.").waitFor();
    await page.goto(`${web.url}/@amy`);
    await page.getByRole("heading", { name: "Emmy Noether" }).waitFor();
    await page.getByText("Algebra and symmetry.").waitFor();

    // Search is prefix, case- and accent-insensitive, and updates as you type.
    await page.goto(`${web.url}/people`);
    await islandsReady(page);
    await page.getByRole("searchbox", { name: "Search people" }).fill("MART");
    await page.getByRole("link", { name: /Bob Martín/ }).waitFor();
    await page.getByRole("searchbox", { name: "Search people" }).fill("zzz");
    await page.getByText("Nobody matches “zzz”.").waitFor();
    await screenshots(page, "people-search");

    await page.goto(`${web.url}/@bob`);
    await islandsReady(page);
    assert.equal(await page.getByTestId("followers").textContent(), "0");
    await page.getByRole("button", { name: "Follow", exact: true }).click();
    await page.getByRole("button", { name: "Unfollow" }).waitFor();
    await page.getByText("You follow Bob Martín.").waitFor();
    assert.equal(await focusedName(page), "Unfollow");
    assert.equal(await page.getByTestId("followers").textContent(), "1");
    await page.reload();
    assert.equal(await page.getByTestId("followers").textContent(), "1");

    await islandsReady(page);
    await page.getByRole("button", { name: "Add to contacts" }).click();
    await page.getByRole("button", { name: "Remove from contacts" }).waitFor();
    // Confirmed by a toast; the focus stays on the button that was pressed.
    await page.getByRole("status").getByText("Bob Martín is in your contacts.").waitFor();
    assert.equal(await focusedName(page), "Remove from contacts");
    await page.goto(`${web.url}/people`);
    await page.getByRole("list", { name: "My contacts" }).getByRole("link", { name: /Bob Martín/ }).waitFor();

    await page.goto(`${web.url}/@bob`);
    await islandsReady(page);
    await page.getByRole("button", { name: "Block" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Block", exact: true }).click();
    await page.getByText("You blocked @bob.").waitFor();
    // Follow and Message went away; the pressed button, now Unblock, keeps the focus.
    assert.equal(await focusedName(page), "Unblock");
    assert.equal(await page.getByRole("button", { name: "Follow", exact: true }).count(), 0);
    assert.equal(
      await page.getByTestId("followers").textContent(),
      "0",
      "blocking undoes the follow",
    );
    await screenshots(page, "profile-blocked");

    // Bob cannot follow Amy while she blocks him.
    await bob.page.goto(`${web.url}/@amy`);
    await islandsReady(bob.page);
    await bob.page.getByRole("button", { name: "Follow", exact: true }).click();
    await bob.page.getByText("You are not allowed to do that.").waitFor();
  });
});

Deno.test("the language follows Accept-Language, and the switch is remembered", opts, async () => {
  await withStack(async (web, browser) => {
    const { page } = await newPerson(browser, { locale: "it-IT" });
    await page.goto(`${web.url}/`);
    assert.equal(await page.locator("html").getAttribute("lang"), "it");
    await page.getByRole("link", { name: "Accedi" }).first().waitFor();

    await openMoreMenu(page, "Altro");
    await page.getByRole("group", { name: "Lingua" }).getByRole("button", { name: "Français" }).click();
    await page.getByRole("link", { name: "Se connecter" }).first().waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), "fr");
    await page.goto(`${web.url}/signup`);
    await page.getByRole("heading", { name: "Créer votre compte" }).waitFor();
    await screenshots(page, "signup-fr");

    await openMoreMenu(page, "Plus");
    await page.getByRole("group", { name: "Langue" }).getByRole("button", { name: "Italiano" }).click();
    await page.getByRole("heading", { name: "Crea il tuo account" }).waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), "it");
    await page.goto(`${web.url}/people`);
    await page.getByRole("heading", { name: "Persone" }).waitFor();
  });
});

Deno.test("with the network cut, a page load shows the offline page", opts, async () => {
  await withStack(async (web, browser) => {
    const { context, page } = await newPerson(browser);
    await page.goto(`${web.url}/`);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((r) => navigator.serviceWorker.addEventListener("controllerchange", r, { once: true }));
      }
    });
    await context.setOffline(true);
    await page.goto(`${web.url}/people?q=ada`);
    await page.getByRole("heading", { name: "You are offline" }).waitFor();
    await screenshots(page, "offline");
    // "Try again" goes back to the page that failed, not home.
    assert.equal(await page.getByRole("link", { name: "Try again" }).getAttribute("href"), "/people?q=ada");
    await context.setOffline(false);
    await page.getByRole("link", { name: "Try again" }).click();
    await page.getByRole("searchbox", { name: "Search people" }).waitFor();
    assert.equal(page.url(), `${web.url}/people?q=ada`);
  });
});

Deno.test(
  "a scheduled Space: a reminder confirmed by a toast; cancelling asks first, and the focus follows",
  opts,
  async () => {
    await withStack(async (web, browser) => {
      const host = await newPerson(browser, { width: 360 });
      await signUp(host.page, web.url, "hedy", "Hedy Host");
      const fan = await newPerson(browser, { width: 360 });
      await signUp(fan.page, web.url, "fan_1", "Fan One");
      const made = await host.page.evaluate(async () => {
        const res = await fetch("/api/spaces", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ title: "Radio plays", lang: "en", scheduledFor: Date.now() + 86_400_000 }),
        });
        return await res.json();
      });

      // The fan, from the home page's card.
      await fan.page.goto(`${web.url}/`);
      await islandsReady(fan.page);
      const card = fan.page.getByRole("article").filter({ hasText: "Radio plays" });
      await card.getByRole("button", { name: "Set reminder" }).click();
      await fan.page.getByRole("status").getByText("Reminder set.").waitFor();
      assert.equal(await focusedName(fan.page), "Reminder set");

      // The host: Cancel opens a dialog that takes the focus; Escape gives it back.
      const page = host.page;
      await page.goto(`${web.url}${made.url}`);
      await islandsReady(page);
      await page.getByRole("button", { name: "Cancel the Space" }).click();
      const dialog = page.getByRole("dialog", { name: "Cancel this Space?" });
      await dialog.waitFor();
      assert.equal(await focusedName(page), "Keep it");
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "hidden" });
      assert.equal(await focusedName(page), "Cancel the Space");
      await page.getByRole("button", { name: "Cancel the Space" }).click();
      await dialog.getByRole("button", { name: "Yes, cancel it" }).click();
      // The button is gone: the focus goes to the words that say what happened.
      await page.getByText("This Space was cancelled.").waitFor();
      assert.equal(await focusedName(page), "This Space was cancelled.");
      await screenshots(page, "space-cancelled");
      await fan.page.goto(`${web.url}${made.url}`);
      await fan.page.getByRole("heading", { name: "This Space was cancelled." }).waitFor();
    });
  },
);
