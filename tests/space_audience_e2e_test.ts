// Listeners through audience shards, in Chromium against the real stack (web, partykit dev, SFU):
// a signed-in listener's room socket goes to the Space's audience shard, not the Space room; they
// hear the host, see the host's mute and comment, react (the host sees the burst); an anonymous
// listener joins through the shard too; a listener's token is refused on the Space room. The
// listener raises a hand and moves to the Space room without their audio being rebuilt and
// without any event shown twice; the host brings them on stage and hears them.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  closeSheet,
  islandsReady,
  launchToneBrowser,
  newPerson,
  openSheet,
  screenshots,
  signUp,
  startSpaceAsHost,
  watchSockets,
} from "./support/browser.ts";
import { waitFor } from "./support/party.ts";
import { audioGrows, RECORD_PEER_CONNECTIONS } from "./support/sfu.ts";
import { startStack } from "./support/stack.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const SEEN_WITHIN = { timeout: 5_000 };

/** What the join API answers this page now. */
const joinOf = (page: Page, spaceId: string) =>
  page.evaluate(async (id) => (await fetch(`/api/spaces/${id}/join`, { method: "POST" })).json(), spaceId);

/** Whether a WebSocket with this URL opens from the page (with its Origin), and how it ends. */
const trySocket = (page: Page, url: string) =>
  page.evaluate((u) =>
    new Promise<string>((resolve) => {
      const ws = new WebSocket(u);
      ws.onmessage = (e) => {
        resolve(`message ${String(e.data).slice(0, 40)}`);
        ws.close();
      };
      ws.onclose = (e) => resolve(`closed ${e.code}`);
      setTimeout(() => resolve("silent"), 5_000);
    }), url);

Deno.test(
  "listeners through audience shards: hear, see, react, raise a hand, move to the room, speak",
  opts,
  async () => {
    const stack = await startStack({ sfu: true });
    const { web, party } = stack;
    const browser = await launchToneBrowser(120);
    try {
      const host = await newPerson(browser);
      const fan = await newPerson(browser, { width: 360 });
      for (const p of [host, fan]) await p.context.addInitScript(RECORD_PEER_CONNECTIONS);
      await signUp(host.page, web.url, "shard_host", "Sia Host");
      await signUp(fan.page, web.url, "shard_fan", "Fred Fan");
      const h = host.page;
      const link = await startSpaceAsHost(h, web.url, "Many ears");
      const spaceId = link.split("/s/")[1];
      const shardRoom = `${spaceId}.0`;

      // The join API sends the host to the Space room and a plain listener to shard 0.
      assert.deepEqual((({ party, room }) => ({ party, room }))(await joinOf(h, spaceId)), {
        party: "space",
        room: spaceId,
      });

      const f = fan.page;
      const fanSockets = watchSockets(f);
      await f.goto(link);
      await islandsReady(f);
      const tokens = await joinOf(f, spaceId);
      assert.equal(tokens.party, "audience");
      assert.equal(tokens.room, shardRoom);
      await waitFor(
        "the fan's socket to the shard",
        () => (fanSockets.openTo(`/parties/audience/${shardRoom}`).length ? true : undefined),
        5_000,
      );
      assert.equal(fanSockets.to(`/parties/space/`).length, 0, "a plain listener does not connect to the Space room");
      await audioGrows(f, "the host's audio at the fan", 10_000);
      await h.getByTestId("listener-count").filter({ hasText: "1 listening" }).waitFor(SEEN_WITHIN);

      // The host's changes reach the listener on the shard within 5 s.
      const hostOnFanPage = f.locator(".stage .member", { hasText: "Sia Host" });
      await hostOnFanPage.getByRole("img", { name: /^(Microphone on|Speaking)$/ }).waitFor(SEEN_WITHIN);
      await h.getByRole("button", { name: "Mute my microphone" }).click();
      await hostOnFanPage.getByRole("img", { name: "Muted" }).waitFor(SEEN_WITHIN);
      await h.getByRole("button", { name: "Unmute my microphone" }).click();
      await hostOnFanPage.getByRole("img", { name: /^(Microphone on|Speaking)$/ }).waitFor(SEEN_WITHIN);
      await openSheet(h, /^Comments/);
      await h.getByLabel("Add a comment").fill("Welcome, shard people");
      await h.getByRole("button", { name: "Send" }).click();
      await closeSheet(h);
      await f.getByRole("toolbar", { name: "Your actions" }).getByRole("button", { name: "Comments (1)" }).waitFor(
        SEEN_WITHIN,
      );

      // The fan reacts: the shard sums it and the host sees the burst.
      await openSheet(f, "Reactions");
      await f.getByRole("button", { name: "React with 💯" }).click();
      await h.locator(".burst", { hasText: "💯" }).first().waitFor(SEEN_WITHIN);
      await closeSheet(f);

      // An anonymous listener joins through the shard too, and sees the stage.
      const anon = await newPerson(browser, { width: 360 });
      const a = anon.page;
      const anonSockets = watchSockets(a);
      await a.goto(link);
      await islandsReady(a);
      await a.locator(".stage .member", { hasText: "Sia Host" }).waitFor();
      await waitFor(
        "the anonymous listener's socket to the shard",
        () => (anonSockets.openTo(`/parties/audience/${shardRoom}`).length ? true : undefined),
        5_000,
      );
      assert.equal(anonSockets.to(`/parties/space/`).length, 0);
      await h.getByTestId("listener-count").filter({ hasText: "2 listening" }).waitFor(SEEN_WITHIN);
      await screenshots(a, "audience-anonymous");

      // A listener's (shard) token on the Space room is refused before anything is said.
      const anonTokens = await joinOf(a, spaceId);
      assert.equal(anonTokens.party, "audience");
      const onRoom = await trySocket(
        a,
        `${party.ws}/parties/space/${spaceId}?token=${encodeURIComponent(anonTokens.token)}`,
      );
      assert.match(onRoom, /^closed/, `a shard token on the Space room: ${onRoom}`);
      const onShard = await trySocket(
        a,
        `${party.ws}/parties/audience/${shardRoom}?token=${encodeURIComponent(anonTokens.token)}`,
      );
      assert.match(onShard, /^message \{"type":"sync"/, `the same token on its shard: ${onShard}`);
      await screenshots(f, "audience-listener");

      // The fan raises a hand: their room socket moves to the Space room, the shard's closes, and
      // the media is the same peer connections, never rebuilt.
      const pcsBefore = await f.evaluate(() => (window as unknown as { __pcs: unknown[] }).__pcs.length);
      const sfuSocketsBefore = fanSockets.to("/ws?").length;
      // Anything the person would see flash by while the socket moves: "Reconnecting", an empty stage.
      await f.evaluate(() => {
        const w = window as unknown as { __flashes: string[] };
        w.__flashes = [];
        new MutationObserver(() => {
          if (document.body.innerText.includes("Connection lost")) w.__flashes.push("reconnecting");
          if (!document.querySelector(".stage .member")) w.__flashes.push("empty stage");
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await f.getByRole("button", { name: "Request to speak" }).click();
      await f.getByText("Request sent. A host will answer.").waitFor(SEEN_WITHIN);
      await waitFor(
        "the fan's socket to move to the Space room",
        () =>
          fanSockets.openTo(`/parties/space/${spaceId}`).length === 1 &&
            fanSockets.openTo(`/parties/audience/`).length === 0
            ? true
            : undefined,
        5_000,
      );
      assert.equal(
        await f.evaluate(() => (window as unknown as { __pcs: unknown[] }).__pcs.length),
        pcsBefore,
        "no new peer connection",
      );
      assert.equal(fanSockets.to("/ws?").length, sfuSocketsBefore, "no new SFU socket");
      await audioGrows(f, "the host's audio at the fan after the move", 5_000);
      // What came before the move is shown once: one comment, one host.
      await f.getByRole("toolbar", { name: "Your actions" }).getByRole("button", { name: "Comments (1)" }).waitFor();
      assert.equal(await f.locator(".stage .member", { hasText: "Sia Host" }).count(), 1);
      assert.deepEqual(
        await f.evaluate(() => (window as unknown as { __flashes: string[] }).__flashes),
        [],
        "nothing flashed during the move",
      );
      // And what comes after arrives once, from the room.
      await openSheet(h, /^Comments/);
      await h.getByLabel("Add a comment").fill("Second word");
      await h.getByRole("button", { name: "Send" }).click();
      await closeSheet(h);
      await f.getByRole("toolbar", { name: "Your actions" }).getByRole("button", { name: "Comments (2)" }).waitFor(
        SEEN_WITHIN,
      );
      await openSheet(f, /^Comments/);
      assert.equal(await f.getByText("Welcome, shard people").count(), 1);
      assert.equal(await f.getByText("Second word").count(), 1);
      await closeSheet(f);

      // The host accepts; the fan comes on stage, unmutes, and the host hears them.
      await openSheet(h, /^Host tools, 1 requests to speak/);
      await h.getByRole("button", { name: "Accept Fred Fan" }).click();
      await closeSheet(h);
      const fanOnHostPage = h.locator(".stage .member", { hasText: "Fred Fan" });
      await fanOnHostPage.getByRole("img", { name: "Muted" }).waitFor(SEEN_WITHIN);
      await f.getByRole("button", { name: "Unmute my microphone" }).click();
      await fanOnHostPage.getByRole("img", { name: /^(Microphone on|Speaking)$/ }).waitFor(SEEN_WITHIN);
      await audioGrows(h, "the fan's audio at the host", 10_000);
      await screenshots(f, "audience-moved-on-stage");
      // The anonymous listener, still on the shard, sees the fan on stage.
      await a.locator(".stage .member", { hasText: "Fred Fan" }).waitFor(SEEN_WITHIN);
      assert.equal(anonSockets.openTo(`/parties/audience/${shardRoom}`).length, 1);
    } finally {
      await browser.close();
      await stack.close();
    }
  },
);
