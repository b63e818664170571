// DMs as two people use them in Chromium: the Message button on a profile, live delivery in both
// directions, the thread list with unread counts, and a block shown in plain words.
import assert from "node:assert/strict";
import { islandsReady, launchBrowser, newPerson, screenshots, signUp } from "./support/browser.ts";
import { PartyDev } from "./support/party.ts";
import { startWeb } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

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
    await screenshots(bob.page, "dm-list");
    await row.click();
    await islandsReady(bob.page);
    await bob.page.getByRole("log").getByText("Hi Bob, got a minute?").waitFor();
    // Enter sends, as in any chat.
    await bob.page.getByLabel("Message to Ann Example").fill("Sure, call me!");
    await bob.page.getByLabel("Message to Ann Example").press("Enter");
    await ann.page.getByRole("log").getByText("Sure, call me!").waitFor();
    await screenshots(ann.page, "dm-thread");

    await bob.page.goto(`${web.url}/messages`);
    await islandsReady(bob.page);
    await bob.page.getByRole("link", { name: /Ann Example/ }).getByText("You: Sure, call me!").waitFor();
    assert.equal(await bob.page.getByText("1 unread").count(), 0);

    // Bob blocks Ann: her next message is refused in plain words, and Bob gets nothing.
    await bob.page.goto(`${web.url}/@ann`);
    await islandsReady(bob.page);
    await bob.page.getByRole("button", { name: "Block" }).click();
    await bob.page.getByRole("button", { name: "Unblock" }).waitFor();
    await ann.page.getByLabel("Message to Bob Example").fill("Still there?");
    await ann.page.getByRole("button", { name: "Send" }).click();
    await ann.page.getByRole("alert").getByText("You can't send messages to this person.").waitFor();
    const stored = await web.deps.kv.get(["dm_threads", (await web.deps.users.byHandle("bob"))!.id, (await web.deps.users.byHandle("ann"))!.id]);
    assert.equal((stored.value as { last: { text: string } }).last.text, "Sure, call me!");
  } finally {
    await browser.close();
    await dev.dispose();
    await web.close();
  }
});
