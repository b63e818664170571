// Recording on the live page, in Chromium against the real web app, partykit dev and SFU: the
// host turns Record on in Host tools and an anonymous listener on a phone sees REC beside LIVE
// (nothing on the page moves when it comes); a pre-named co-host has Host tools but no Record
// switch; a signed-in listener who raises a hand is told the Space is being recorded, and told
// again when the host brings them up; the anonymous listener's clip sheet leads to sign-in (no
// clip button), and the signed-in one clips the last 30 s (progress, then the clip's link and a
// share button); the host turns Record off and REC goes for everyone.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { closeSheet, islandsReady, launchBrowser, newPerson, openSheet } from "./support/browser.ts";
import { account, signedInPage } from "./support/calls.ts";
import { startStack } from "./support/stack.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const ARTIFACTS = Deno.env.get("SPAZIO_ARTIFACTS") ?? "test-artifacts";
const rec = (p: Page) => p.getByTestId("rec-indicator");
const recordSwitch = (p: Page) => p.getByRole("switch", { name: /^Record Everyone sees REC/ });

Deno.test(
  "recording screens: the host's Record switch shows REC to a listener; a co-host has no switch; the stage is told",
  opts,
  async () => {
    const stack = await startStack({ sfu: true });
    const { web } = stack;
    const browser = await launchBrowser();
    try {
      const [hostAcc, cohostAcc, guestAcc] = [
        await account(web, "rechost"),
        await account(web, "reccohost"),
        await account(web, "recguest"),
      ];
      const { page: h } = await signedInPage(browser, web, hostAcc);
      await h.goto(`${web.url}/spaces/new`);
      await islandsReady(h);
      await h.getByLabel("Title").fill("Recorded talk");
      await h.getByLabel("Topics").fill("radio");
      await h.getByText("Co-hosts and speakers").click();
      await h.getByLabel("Co-hosts (up to 2)").fill("reccohost");
      await h.getByRole("button", { name: "Start your Space" }).click();
      await h.waitForURL(/\/s\/[A-Za-z0-9_-]+$/);
      const link = h.url();
      await islandsReady(h);
      assert.equal(await rec(h).count(), 0, "not recorded until the host says so");
      // The host speaks (the fake microphone's tone), so there is something to record and clip.
      await h.getByRole("button", { name: "Unmute my microphone" }).click();
      await h.getByRole("button", { name: "Mute my microphone" }).waitFor();

      const { page: l } = await newPerson(browser, { width: 360 });
      await l.goto(link);
      await islandsReady(l);
      await l.getByRole("heading", { name: "Recorded talk" }).waitFor();
      const { page: c } = await signedInPage(browser, web, cohostAcc);
      await c.goto(link);
      await islandsReady(c);
      await c.locator(".stage .member", { hasText: "Reccohost" }).getByText("Co-host", { exact: true }).waitFor();
      const { page: g } = await signedInPage(browser, web, guestAcc, { width: 360 });
      await g.goto(link);
      await islandsReady(g);
      await g.getByRole("button", { name: "Request to speak" }).click();
      await g.getByText("Request sent. A host will answer.").waitFor();
      assert.equal(await g.getByText("This Space is being recorded.").count(), 0);
      const titleBefore = await l.locator("h1").boundingBox();
      const topicsBefore = await l.locator(".space-topics").boundingBox();

      await openSheet(h, /^Host tools/);
      await recordSwitch(h).click();
      await h.getByText("Recording started").waitFor();
      assert.ok(await recordSwitch(h).isChecked());
      await closeSheet(h);
      await rec(l).waitFor();
      assert.equal(await l.getByRole("img", { name: "Recording" }).count(), 1);
      await rec(c).waitFor();
      assert.deepEqual(await l.locator("h1").boundingBox(), titleBefore, "the title did not move when REC came");
      assert.deepEqual(
        await l.locator(".space-topics").boundingBox(),
        topicsBefore,
        "the topics did not move when REC came",
      );
      await l.screenshot({ path: `${ARTIFACTS}/recording-live-listener-360.png` });
      await h.screenshot({ path: `${ARTIFACTS}/recording-live-host-1280.png` });

      await openSheet(c, /^Host tools/);
      await c.getByRole("switch", { name: /^Allow video/ }).waitFor();
      assert.equal(await recordSwitch(c).count(), 0, "a co-host has no Record switch");
      await closeSheet(c);

      await g.locator(".hand-note").getByText("This Space is being recorded.").waitFor();
      await openSheet(h, /^Host tools, 1 requests to speak/);
      await h.getByRole("button", { name: "Accept Recguest" }).click();
      await closeSheet(h);
      await g.getByRole("button", { name: "Unmute my microphone" }).waitFor();
      await g.locator("#toasts").getByText("This Space is being recorded.").waitFor();

      // Clips need an account (as on X): the anonymous listener's clip sheet offers only to sign in,
      // a link back to this Space, and nothing asks the server for a clip it would refuse.
      const clipAsks: string[] = [];
      l.on("request", (r) => void (r.url().includes("/clips") && clipAsks.push(`${r.method()} ${r.url()}`)));
      await openSheet(l, "Clip the last 30 s");
      const sheet = l.locator("dialog[open]");
      const signIn = sheet.getByRole("link", { name: "Sign in to clip" });
      await signIn.waitFor();
      assert.equal(await sheet.getByRole("button", { name: "Clip the last 30 s" }).count(), 0, "no clip button");
      assert.equal(await signIn.getAttribute("href"), `/signin?next=${encodeURIComponent(new URL(link).pathname)}`);
      assert.deepEqual(clipAsks, []);
      await l.screenshot({ path: `${ARTIFACTS}/recording-live-clip-signin-360.png` });
      await closeSheet(l);
      await openSheet(g, "Clip the last 30 s");
      const gSheet = g.locator("dialog[open]");
      await gSheet.getByRole("button", { name: "Clip the last 30 s" }).click();
      await gSheet.getByRole("link", { name: "Open the clip" }).waitFor({ timeout: 15_000 });
      await gSheet.getByRole("button", { name: "Share" }).waitFor();
      await g.screenshot({ path: `${ARTIFACTS}/recording-live-clip-360.png` });
      await closeSheet(g);

      await openSheet(h, /^Host tools/);
      await recordSwitch(h).click();
      await h.getByText("Recording stopped").waitFor();
      await closeSheet(h);
      await rec(l).waitFor({ state: "detached" });
      await rec(c).waitFor({ state: "detached" });
    } finally {
      await browser.close();
      await stack.close();
    }
  },
);
