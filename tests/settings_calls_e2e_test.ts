// "Who can call me" and the call screens around it, in Chromium against the real web and a real
// `partykit dev` (the SFU's control API is a sink: no media flows). Who can call me is one choice
// of five, saved as it changes and said so, put back with a message when the save is refused,
// reached from a DM thread and from the call screen, and enforced by the server; a stored choice
// of the old shape is migrated. An outgoing video call shows your own camera while it rings; the
// ended call's screen closes by itself, saying when, unless you stay; the call history marks
// unanswered calls apart, shows video calls as video, and calls back from its rows.
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { islandsReady, launchBrowser } from "./support/browser.ts";
import {
  type Account,
  account,
  befriend,
  call,
  ControlSink,
  joinCall,
  ringerOf,
  signedInPage,
  sleep,
  viewShots,
} from "./support/calls.ts";
import { PartyDev } from "./support/party.ts";
import { startWeb } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const web = await startWeb();
const sfu = new ControlSink();
const dev = await PartyDev.start({
  vars: { SPAZIO_WEB_URL: web.url.replace("localhost", "127.0.0.1"), SPAZIO_SFU_URL: sfu.url },
});
web.deps.config.partyUrl = web.deps.config.partyPublicUrl = dev.http;
let browser: Browser;

let n = 0;
async function pair(): Promise<[Account, Account]> {
  n++;
  const ann = await account(web, `ann${n}`);
  const bob = await account(web, `bob${n}`);
  await befriend(web, ann, bob);
  return [ann, bob];
}

async function open(page: Page, path: string) {
  await page.goto(`${web.url}${path}`);
  await islandsReady(page);
}

/** Whether the element is inside the viewport as the page is scrolled now. */
async function inView(page: Page, selector: string): Promise<boolean> {
  return await page.locator(selector).first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth;
  });
}

/** Places a call as `from` and ends it with what `how` says, through the call room. */
async function finishedCall(from: Account, to: Account, video: boolean, how: "decline" | "answer") {
  const r = await call(web, from, "POST", "/api/calls", { to: to.user.handle, video });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const a = await joinCall(web, dev, from, r.body.callId);
  const b = await joinCall(web, dev, to, r.body.callId);
  if (how === "decline") b.send({ type: "decline" });
  else {
    b.send({ type: "accept" });
    await a.waitFor("status", (e) => e.call.status === "accepted");
    await sleep(1_100);
    a.send({ type: "hangup" });
  }
  await a.waitFor("status", (e) => ["declined", "ended"].includes(e.call.status));
  await a.close();
  await b.close();
}

Deno.test("start Chromium", opts, async () => {
  browser = await launchBrowser(["--autoplay-policy=no-user-gesture-required"]);
});

Deno.test(
  "who can call me: one choice, saved as it changes, reached from a thread and the call screen, enforced",
  opts,
  async () => {
    const [ann, bob] = await pair();
    n++;
    const eve = await account(web, `eve${n}`);
    // Bob wrote to Eve, who is in none of his groups.
    assert.equal((await call(web, bob, "POST", `/api/messages/${eve.user.handle}`, { text: "hi" })).status, 201);
    const { context, page: b } = await signedInPage(browser, web, bob, { width: 360 });
    await b.setViewportSize({ width: 360, height: 740 });

    // From the thread with Eve, "Who can call me" opens the choice, in view.
    await open(b, `/messages/${eve.user.handle}`);
    await b.getByRole("link", { name: "Who can call me" }).click();
    await b.waitForURL(/\/settings#calls$/);
    await islandsReady(b);
    const group = b.getByRole("group", { name: "Who can call me" });
    await group.waitFor();
    assert.ok(await inView(b, "#calls h2"), "the calls section is on screen");
    const names = ["Nobody", "Contacts", "People I follow", "Verified accounts", "Everyone"];
    const radios = await group.getByRole("radio").all();
    assert.equal(radios.length, 5);
    for (const [i, name] of names.entries()) {
      assert.match(await radios[i].evaluate((el) => (el as HTMLInputElement).labels![0].innerText), new RegExp(name));
    }
    assert.equal(await b.locator("#calls").getByRole("checkbox").count(), 0, "no checkboxes");
    assert.equal(await b.locator("#calls").getByRole("button", { name: /save/i }).count(), 0, "no Save button");
    assert.ok(await group.getByRole("radio", { name: /^People I follow/ }).isChecked(), "the default");
    await viewShots(b, "settings-who-can-call");

    // Everyone: saved at once, said so, and Eve's call goes through.
    await group.getByRole("radio", { name: /^Everyone/ }).check();
    await b.locator("#calls").getByRole("status").getByText("Saved").waitFor();
    assert.deepEqual((await call(web, bob, "GET", "/api/settings/calls")).body.settings, { who: "everyone" });
    const placed = await call(web, eve, "POST", "/api/calls", { to: bob.user.handle, video: false });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const eveSide = await joinCall(web, dev, eve, placed.body.callId);
    eveSide.send({ type: "cancel" });
    await eveSide.waitFor("status", (e) => e.call.status === "cancelled");
    await eveSide.close();

    // Nobody: even Ann, a contact he wrote to, is refused by the server.
    await group.getByRole("radio", { name: /^Nobody/ }).check();
    await b.locator("#calls").getByRole("status").getByText("Saved").waitFor();
    const refused = await call(web, ann, "POST", "/api/calls", { to: bob.user.handle, video: false });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, "call.err.calling_off");
    await open(b, "/settings#calls");
    assert.ok(await b.getByRole("radio", { name: /^Nobody/ }).isChecked(), "kept after a reload");

    // Signed out elsewhere: the save is refused, said so, and the last saved choice comes back.
    await context.clearCookies();
    // click, not check: check() also asserts the radio stays chosen, and the refused choice is put
    // back as soon as the answer comes, which on a quick answer is before check() looks.
    await b.getByRole("radio", { name: /^Contacts/ }).click();
    await b.locator("#calls .save-status.error").waitFor();
    assert.notEqual((await b.locator("#calls .save-status").innerText()).trim(), "");
    assert.ok(await b.getByRole("radio", { name: /^Nobody/ }).isChecked(), "the refused choice was put back");
    assert.deepEqual((await call(web, bob, "GET", "/api/settings/calls")).body.settings, { who: "nobody" });

    // From the call screen too (Ann calls Eve, who takes calls from everyone she wrote to).
    await call(web, eve, "PUT", "/api/settings/calls", { who: "everyone" });
    await call(web, eve, "POST", `/api/messages/${ann.user.handle}`, { text: "call me" });
    const a = (await signedInPage(browser, web, ann, { width: 360 })).page;
    await open(a, `/messages/${eve.user.handle}`);
    await a.getByRole("button", { name: "Audio call" }).click();
    await a.waitForURL(/\/calls\//);
    await a.getByRole("link", { name: "Who can call me" }).click();
    await a.waitForURL(/\/settings#calls$/);
    await a.getByRole("group", { name: "Who can call me" }).waitFor();
  },
);

Deno.test("a choice stored in the old shape is shown as the choice that lets in the same people", opts, async () => {
  const [, bob] = await pair();
  await web.deps.kv.set(["call_settings", bob.user.id], {
    enabled: true,
    allow: { contacts: true, following: false, verified: true, everyone: false },
  });
  const b = (await signedInPage(browser, web, bob)).page;
  await open(b, "/settings");
  assert.ok(await b.getByRole("radio", { name: /^Verified accounts/ }).isChecked());
  assert.deepEqual((await web.deps.kv.get(["call_settings", bob.user.id])).value, { who: "verified" });
});

Deno.test(
  "an outgoing video call shows your camera while it rings; the ended screen closes by itself unless you stay",
  opts,
  async () => {
    const [ann, bob] = await pair();
    const a = (await signedInPage(browser, web, ann, { width: 360 })).page;
    const b = (await signedInPage(browser, web, bob)).page;
    await open(b, "/");
    await open(a, `/messages/${bob.user.handle}`);
    await a.getByRole("button", { name: "Video call" }).click();
    await a.waitForURL(/\/calls\//);
    await ringerOf(b).waitFor();
    await a.locator('video[aria-label="You"]').waitFor();
    await a.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('video[aria-label="You"]');
      return !!v && v.videoWidth > 0 && !v.paused;
    });
    await viewShots(a, "call-video-ringing");

    // Cancelled: the screen says it closes, when, and then does, back to the thread.
    await a.getByRole("button", { name: "Cancel call" }).click();
    await a.getByText("You cancelled the call.").waitFor();
    await a.getByRole("timer").getByText(/^Closing in \d s$/).waitFor();
    assert.equal(await a.locator('video[aria-label="You"]').count(), 0, "the preview stops with the ringing");
    await viewShots(a, "call-ended-closing");
    await a.waitForURL(new RegExp(`/messages/${bob.user.handle}$`), { timeout: 15_000 });

    // Declined, and Ann stays: the screen is still there well after it would have closed.
    await open(b, "/");
    await a.getByRole("button", { name: "Audio call" }).click();
    await a.waitForURL(/\/calls\//);
    await ringerOf(b).getByRole("button", { name: "Decline" }).click();
    await a.getByText(`${bob.user.displayName} declined the call.`).waitFor();
    await a.getByRole("button", { name: "Stay here" }).click();
    await a.getByRole("timer").waitFor({ state: "detached" });
    await sleep(7_000);
    assert.match(a.url(), /\/calls\//, "the screen closed although Ann chose to stay");
    await a.locator(".call-done").getByText("Back to messages").waitFor();
  },
);

Deno.test("call history: unanswered calls marked apart, video as video, call back from the row", opts, async () => {
  const [ann, bob] = await pair();
  await finishedCall(ann, bob, false, "answer");
  await finishedCall(ann, bob, true, "decline");
  const a = (await signedInPage(browser, web, ann, { width: 360 })).page;
  await a.setViewportSize({ width: 360, height: 740 });
  await open(a, "/calls");
  const rows = a.getByTestId("call-row");
  assert.equal(await rows.count(), 2);
  const declined = rows.nth(0);
  const answered = rows.nth(1);
  await declined.getByText("Video call declined").waitFor();
  await answered.getByText(/^Audio call · 0:0\d$/).waitFor();
  // The mark: a "Not answered" icon in the danger colour, against "Answered" in the quiet one.
  await declined.getByRole("img", { name: "Not answered" }).waitFor();
  await answered.getByRole("img", { name: "Answered" }).waitFor();
  const colour = (row: typeof rows) => row.locator(".history-line").evaluate((el) => getComputedStyle(el).color);
  assert.notEqual(await colour(declined), await colour(answered), "an unanswered call looks like an answered one");
  // Video as video: the video call's row calls back by video, the audio call's by audio.
  const back = declined.getByRole("button", { name: `Video call ${bob.user.displayName} back` });
  await answered.getByRole("button", { name: `Call ${bob.user.displayName} back` }).waitFor();
  await declined.getByRole("img", { name: "Video call" }).waitFor();
  await answered.getByRole("img", { name: "Audio call" }).waitFor();
  await viewShots(a, "call-history-marks");
  const b = (await signedInPage(browser, web, bob)).page;
  await open(b, "/");
  await back.click();
  await a.waitForURL(/\/calls\/[A-Za-z0-9_-]+$/);
  await b.getByRole("dialog", { name: `${ann.user.displayName} is calling you (video)` }).waitFor();
  await a.getByRole("button", { name: "Cancel call" }).click();
  await ringerOf(b).waitFor({ state: "detached" });
});

Deno.test("stop everything", opts, async () => {
  await browser.close();
  await dev.dispose();
  await sfu.close();
  await web.close();
});
