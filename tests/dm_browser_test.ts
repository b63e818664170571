// DMs as two people use them in Chromium: the Message button on a profile, live delivery in both
// directions, the thread list with avatars and unread counts, and a block shown in plain words.
// The thread is laid out like a chat app at 360x740 and 1280x800: the person and the call
// buttons at the top (never under the top bar), the composer at the foot, the log opened at the
// newest entry, call entries on one line; no list markup axe finds wrong.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { DmStore, entryId } from "../lib/server/kv/dms.ts";
import { islandsReady, launchBrowser, newPerson, signUp } from "./support/browser.ts";
import { assertFits, viewShots } from "./support/calls.ts";
import { PartyDev } from "./support/party.ts";
import { startWeb } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const AXE = await Deno.readTextFile(new URL("../node_modules/axe-core/axe.min.js", import.meta.url));

/** axe-core's violations on the page's content (the shell is another part's business). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const r = await (globalThis as any).axe.run("main", {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "best-practice"] },
    });
    // deno-lint-ignore no-explicit-any
    return r.violations.map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(" ")).join(", ")}`);
  });
}

/** The thread's layout at one size: heading below the top bar, log at its newest, no page scroll. */
async function threadLayout(page: Page, size: { width: number; height: number }) {
  await page.setViewportSize(size);
  await page.waitForTimeout(200);
  return await page.evaluate(() => {
    const box = (el: Element | null) => el?.getBoundingClientRect().toJSON();
    const log = document.querySelector('[role="log"]')!;
    const items = log.querySelectorAll("li");
    return {
      topbar: box(document.querySelector("header.topbar")),
      heading: box(document.querySelector("main h1")),
      log: box(log),
      first: box(items[0]),
      last: box(items[items.length - 1]),
      call: box(log.querySelector(".entry.call")),
      pageScrolls: document.scrollingElement!.scrollHeight > innerHeight + 1,
    };
  });
}

Deno.test("A and B exchange DMs in real time; the list counts unread; a block is explained", opts, async () => {
  const web = await startWeb();
  const dev = await PartyDev.start({ vars: { SPAZIO_WEB_URL: web.url.replace("localhost", "127.0.0.1") } });
  web.deps.config.partyUrl = web.deps.config.partyPublicUrl = dev.http;
  const browser = await launchBrowser();
  try {
    const ann = await newPerson(browser);
    const bob = await newPerson(browser, { width: 360 });
    await signUp(ann.page, web.url, "ann", "Ann Example");
    await signUp(bob.page, web.url, "bob", "Bob Example");

    await bob.page.goto(`${web.url}/messages`);
    await islandsReady(bob.page);
    await bob.page.getByText("No messages yet.").waitFor();

    await ann.page.goto(`${web.url}/@bob`);
    await islandsReady(ann.page);
    await ann.page.getByRole("link", { name: "Message", exact: true }).click();
    await ann.page.waitForURL(`${web.url}/messages/bob`);
    await islandsReady(ann.page);
    await ann.page.getByLabel("Message to Bob Example").fill("Hi Bob, got a minute?");
    await ann.page.getByRole("button", { name: "Send" }).click();
    await ann.page.getByRole("log").getByText("Hi Bob, got a minute?").waitFor();

    // Bob's open list updates without a reload.
    const row = bob.page.getByRole("link", { name: /Ann Example/ });
    await row.getByText("Hi Bob, got a minute?").waitFor();
    await row.getByText("1 unread").waitFor();
    await viewShots(bob.page, "dm-list");
    assert.deepEqual(await axeViolations(bob.page), [], "axe on the thread list");
    await row.click();
    await islandsReady(bob.page);
    await bob.page.getByRole("log").getByText("Hi Bob, got a minute?").waitFor();
    // Enter sends, as in any chat.
    await bob.page.getByLabel("Message to Ann Example").fill("Sure, call me!");
    await bob.page.getByLabel("Message to Ann Example").press("Enter");
    await ann.page.getByRole("log").getByText("Sure, call me!").waitFor();

    // A long thread with a call in it: it opens at the newest entry, in a fixed frame.
    const annId = (await web.deps.users.byHandle("ann"))!.id;
    const bobId = (await web.deps.users.byHandle("bob"))!.id;
    const store = new DmStore(web.deps.kv);
    const past = Date.now() - 3_600_000;
    for (let i = 0; i < 30; i++) {
      const [from, to] = i % 2 ? [annId, bobId] : [bobId, annId];
      await store.append({
        kind: "text",
        id: entryId(past + i * 1000),
        from,
        to,
        at: past + i * 1000,
        text: `Earlier message ${i}`,
      });
    }
    const callAt = Date.now() - 1_000;
    await store.append({
      kind: "call",
      id: entryId(callAt),
      from: annId,
      to: bobId,
      at: callAt,
      callId: "c_test_call1",
      video: false,
      outcome: "missed",
      durationS: 0,
    });
    await bob.page.reload();
    await islandsReady(bob.page);
    await bob.page.getByRole("log").getByText("Missed audio call").waitFor();
    for (const size of [{ width: 360, height: 740 }, { width: 1280, height: 800 }]) {
      const l = await threadLayout(bob.page, size);
      const at = `at ${size.width}x${size.height}`;
      assert.ok(!l.pageScrolls, `${at} the page itself scrolls`);
      assert.ok(l.heading.top >= l.topbar.bottom - 1, `${at} the name is under the top bar: ${JSON.stringify(l)}`);
      assert.ok(
        l.last.bottom <= l.log.bottom + 1 && l.last.top >= l.log.top,
        `${at} the newest entry is not in view: ${JSON.stringify(l)}`,
      );
      assert.ok(l.first.bottom <= l.log.top, `${at} the log did not open at the newest entry`);
      assert.ok(l.call.height < 40, `${at} a call entry takes more than one line (${l.call.height} px)`);
    }
    await assertFits(bob.page, "the thread", [
      bob.page.getByRole("heading", { name: "Ann Example" }),
      bob.page.getByRole("button", { name: "Audio call" }),
      bob.page.getByRole("button", { name: "Video call" }),
      bob.page.getByLabel("Message to Ann Example"),
      bob.page.getByRole("button", { name: "Send" }),
    ]);
    await viewShots(bob.page, "dm-thread");
    assert.deepEqual(await axeViolations(bob.page), [], "axe on the thread");
    await bob.page.emulateMedia({ colorScheme: "dark" });
    await viewShots(bob.page, "dm-thread-dark");
    assert.deepEqual(await axeViolations(bob.page), [], "axe on the thread, dark theme");
    await bob.page.emulateMedia({ colorScheme: "light" });

    await bob.page.goto(`${web.url}/messages`);
    await islandsReady(bob.page);
    await bob.page.getByRole("link", { name: /Ann Example/ }).getByText("Missed audio call").waitFor();

    // Bob blocks Ann: her next message is refused in plain words, and Bob gets nothing.
    await bob.page.goto(`${web.url}/@ann`);
    await islandsReady(bob.page);
    await bob.page.getByRole("button", { name: "Block" }).click();
    // Blocking asks first, in a sheet that names the person.
    await bob.page.getByRole("dialog").getByRole("button", { name: "Block", exact: true }).click();
    await bob.page.getByRole("button", { name: "Unblock" }).waitFor();
    await ann.page.getByLabel("Message to Bob Example").fill("Still there?");
    await ann.page.getByRole("button", { name: "Send" }).click();
    await ann.page.getByRole("alert").getByText("You can't send messages to this person.").waitFor();
    const stored = await web.deps.kv.get(["dm_threads", bobId, annId]);
    assert.equal((stored.value as { last: { kind: string } }).last.kind, "call");
  } finally {
    await browser.close();
    await dev.dispose();
    await web.close();
  }
});
