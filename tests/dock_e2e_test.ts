// A Space that keeps playing: a listener moves from the Space to two other pages of the app and
// back, and the audio never stops (inbound bytes keep growing, one RTCPeerConnection the whole
// time) while a docked player shows the Space; the host, away from the Space screen, mutes and
// unmutes from the dock; Leave in the dock ends the audio. Back and forward work; a full load too.
// The Space page opened from its link carries its stylesheet inline: the pages after it keep it.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { islandsReady, launchToneBrowser, newPerson, openSheet, signUp, startSpaceAsHost } from "./support/browser.ts";
import { audioGrows, audioStops, RECORD_PEER_CONNECTIONS } from "./support/sfu.ts";
import { startStack } from "./support/stack.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const ARTIFACTS = Deno.env.get("SPAZIO_ARTIFACTS") ?? "test-artifacts";
const peerConnections = (page: Page) =>
  // deno-lint-ignore no-explicit-any
  page.evaluate(() => ((window as any).__pcs as RTCPeerConnection[]).map((pc) => pc.connectionState));

/** Nothing wider than the screen, and the dock's controls inside the viewport without scrolling. */
async function dockFits(page: Page, what: string) {
  const box = await page.evaluate(() => {
    const r = document.querySelector(".dock")!.getBoundingClientRect();
    return {
      top: r.top,
      bottom: r.bottom,
      left: r.left,
      right: r.right,
      vw: innerWidth,
      vh: innerHeight,
      sw: document.documentElement.scrollWidth,
    };
  });
  assert.ok(box.sw <= box.vw, `${what}: the page is wider than the screen (${box.sw} > ${box.vw})`);
  assert.ok(
    box.top >= 0 && box.bottom <= box.vh && box.left >= 0 && box.right <= box.vw,
    `${what}: the dock is outside the viewport ${JSON.stringify(box)}`,
  );
}

Deno.test(
  "a Space keeps playing in the dock while the person browses; mute and Leave from the dock",
  opts,
  async () => {
    const stack = await startStack({ sfu: true });
    const { web } = stack;
    const browser = await launchToneBrowser(120);
    try {
      const host = await newPerson(browser);
      const listener = await newPerson(browser, { width: 360 });
      for (const p of [host, listener]) await p.context.addInitScript(RECORD_PEER_CONNECTIONS);
      await signUp(host.page, web.url, "dock_host", "Dock Host");
      const h = host.page;
      const link = await startSpaceAsHost(h, web.url, "Music while you browse");

      // The listener (no account, on a phone) hears the host, then browses two pages.
      const l = listener.page;
      await l.goto(link);
      await islandsReady(l);
      await audioGrows(l, "the host at the listener");
      // mediasoup-client opens and closes two probe connections while it loads; the one that carries
      // the audio is the connected one, and no other may appear from here on.
      const atJoin = await peerConnections(l);
      assert.equal(atJoin.filter((s) => s === "connected").length, 1);
      assert.equal(await l.locator(".dock").count(), 0, "no dock on the Space's own screen");
      // The lock screen and headset controls name the Space and its host.
      assert.deepEqual(
        await l.evaluate(
          () => [
            navigator.mediaSession.metadata?.title,
            navigator.mediaSession.metadata?.artist,
            navigator.mediaSession.playbackState,
          ],
        ),
        ["Music while you browse", "Dock Host", "playing"],
      );
      await l.screenshot({ path: `${ARTIFACTS}/space-listener-360.png` });
      await h.screenshot({ path: `${ARTIFACTS}/space-host-1280.png` });
      await l.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Search" }).click();
      await l.waitForURL(`${web.url}/people`);
      await l.locator(".dock").waitFor();
      // The Space page came with its stylesheet inline (no link): the next page keeps it.
      assert.equal(await l.locator("link[rel=stylesheet]").count(), 0, "the Space page linked its stylesheet");
      assert.equal(
        await l.evaluate(() => getComputedStyle(document.querySelector("nav.tabs")!).position),
        "fixed",
        "People after the Space page: the tab bar is not styled",
      );
      await dockFits(l, "people at 360 px");
      await l.screenshot({ path: `${ARTIFACTS}/dock-people-360.png` });
      await audioGrows(l, "the host while the listener is on People");
      await l.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
      await l.waitForURL(`${web.url}/`);
      await audioGrows(l, "the host while the listener is on Home");
      assert.match(await l.locator(".dock").textContent() ?? "", /Music while you browse/);
      assert.deepEqual(await peerConnections(l), atJoin, "one peer connection the whole time");

      // Back twice: People, then the Space screen itself, still on the same connection.
      await l.goBack();
      await l.waitForURL(`${web.url}/people`);
      await l.goBack();
      await l.waitForURL(link);
      await l.locator(".stage").waitFor();
      assert.equal(await l.locator(".dock").count(), 0, "the dock gives way to the Space screen");
      await audioGrows(l, "the host after coming back");
      assert.deepEqual(await peerConnections(l), atJoin, "still the same peer connection");
      // Forward goes to People again, with the dock.
      await l.goForward();
      await l.waitForURL(`${web.url}/people`);
      await l.locator(".dock").waitFor();

      // The host browses too, and mutes and unmutes from the dock.
      await h.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Messages" }).click();
      await h.waitForURL(`${web.url}/messages`);
      const dock = h.locator(".dock");
      await dock.waitFor();
      await dockFits(h, "messages at 1280 px");
      await h.screenshot({ path: `${ARTIFACTS}/dock-messages-1280.png` });
      await dock.getByRole("button", { name: "Mute my microphone" }).click();
      await dock.getByRole("button", { name: "Unmute my microphone" }).waitFor();
      await audioStops(l, "the host muted from the dock is still heard");
      await dock.getByRole("button", { name: "Unmute my microphone" }).click();
      await dock.getByRole("button", { name: "Mute my microphone" }).waitFor();
      await audioGrows(l, "the host unmuted from the dock");
      // Tapping the dock opens the Space screen again.
      await dock.getByRole("button", { name: "Open Music while you browse" }).click();
      await h.waitForURL(link);
      await h.getByRole("button", { name: "Mute my microphone" }).waitFor();

      // Leave from the listener's dock: the audio ends and the dock goes.
      await l.locator(".dock").getByRole("button", { name: "Leave Music while you browse" }).click();
      await l.locator(".dock").waitFor({ state: "detached" });
      assert.ok((await peerConnections(l)).every((s) => s === "closed"), "leaving closed the connection");
      assert.equal(
        await l.evaluate(() => navigator.mediaSession.metadata),
        null,
        "the lock screen no longer shows the Space",
      );

      // The host ends the Space from the host tools: the open page says so, and LIVE is gone.
      await openSheet(h, /^Host tools/);
      await h.getByRole("button", { name: "End Space" }).click();
      await h.getByRole("button", { name: "Yes, end it" }).click();
      await h.getByRole("heading", { level: 1, name: "This Space has ended" }).waitFor();
      assert.equal(await h.locator(".live-dot").count(), 0, "an ended Space shows no LIVE mark");

      // A full page load of any page still works (and has no dock: nothing is playing).
      await l.reload();
      await l.getByRole("heading", { level: 1 }).waitFor();
      assert.equal(await l.locator(".dock").count(), 0);
    } finally {
      await browser.close();
      await stack.close();
    }
  },
);
