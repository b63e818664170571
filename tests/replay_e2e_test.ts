// The replay page in Chromium, with the real app, KV, files and ffmpeg (a recording seeded as the
// SFU's recorder writes one): the ended Space links to its replay; an anonymous listener on a
// phone plays it (its time moves, the audio comes by Range), changes the speed, seeks by
// keyboard, and is offered to sign in to clip; a signed-in one cuts a clip that opens on its own
// page; the host moves the replay's start to 10 s (tests/replay_findings_e2e_test.ts drives the
// slider) and deletes it, after which the page says it is gone (410). Screenshots at 360 and 1280 px.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { islandsReady, launchBrowser, newPerson } from "./support/browser.ts";
import { account, signedInPage } from "./support/calls.ts";
import { waitFor } from "./support/party.ts";
import { recordingsFor, seedReplay } from "./support/recording.ts";
import { startWeb } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const ARTIFACTS = Deno.env.get("SPAZIO_ARTIFACTS") ?? "test-artifacts";
const audioState = (p: Page) =>
  p.evaluate(() => {
    const a = document.querySelector("audio")!;
    return {
      t: a.currentTime,
      paused: a.paused,
      rate: a.playbackRate,
      ready: a.readyState,
      src: a.currentSrc,
      duration: a.duration,
    };
  });

Deno.test("replay page: play, speed, keyboard seek, clip; the host trims and deletes", opts, async () => {
  const web = await startWeb();
  const recordings = await recordingsFor(web, "spazio-replay-");
  const { root, store, svc } = recordings;
  const browser = await launchBrowser(["--autoplay-policy=no-user-gesture-required"]);
  try {
    const host = await account(web, "replayhost");
    const { space, finished } = await seedReplay(web, recordings, {
      hostId: host.user.id,
      title: "Tuesday talk",
      topics: ["radio"],
      startedAgoMs: 120_000,
      endedAgoMs: 1_000,
      source: "sine=frequency=440:duration=60:sample_rate=48000",
      bitrate: "24k",
      firstPacketAfterMs: 1000,
    });
    assert.equal(finished.status, "ready");

    // An anonymous listener on a phone finds the replay from the ended Space.
    const fan = await newPerson(browser, { width: 360 });
    const p = fan.page;
    const ranged: number[] = [];
    p.on("response", (r) => r.url().includes(`/api/recordings/${space.id}/`) && ranged.push(r.status()));
    await p.goto(`${web.url}/s/${space.id}`);
    await p.getByRole("link", { name: "Listen to the replay" }).click();
    await p.waitForURL(`${web.url}/s/${space.id}/replay`);
    await islandsReady(p);
    await p.getByRole("heading", { name: "Tuesday talk" }).waitFor();
    const play = p.getByRole("button", { name: "Play", exact: true });
    const box = await play.boundingBox();
    assert.ok(box && box.y + box.height <= 740, `Play is below the fold at 360 px: ${JSON.stringify(box)}`);
    await p.screenshot({ path: `${ARTIFACTS}/replay-360.png` });
    await play.click();
    await p.getByRole("button", { name: "Pause", exact: true }).waitFor();
    await waitFor("the replay to play", async () => ((await audioState(p)).t > 1 ? true : undefined), 10_000);
    assert.match((await audioState(p)).src, /replay\.(ogg|m4a)$/);
    assert.ok(ranged.includes(206), `the audio came by Range: ${ranged}`);
    // Speed: 1.5x, then 2x.
    await p.getByRole("button", { name: "Playback speed 1×" }).click();
    assert.equal((await audioState(p)).rate, 1.5);
    await p.getByRole("button", { name: "Playback speed 1.5×" }).click();
    assert.equal((await audioState(p)).rate, 2);
    // Keyboard: Space pauses, the right arrow moves 15 s on.
    await p.locator(".replay").focus();
    await p.keyboard.press("Space");
    await p.getByRole("button", { name: "Play", exact: true }).waitFor();
    const before = (await audioState(p)).t;
    await p.keyboard.press("ArrowRight");
    await waitFor("a 15 s seek", async () => {
      const now = (await audioState(p)).t;
      return Math.abs(now - before - 15) < 1 ? true : undefined;
    }, 5_000);
    // Clips need an account: signed out, a link to sign in; signed in, a clip from here, on its own page.
    await p.getByRole("link", { name: "Sign in to clip" }).waitFor();
    assert.equal(await p.getByRole("button", { name: "Clip 30 s" }).count(), 0);
    const { page: s } = await signedInPage(browser, web, await account(web, "replayfan"), { width: 360 });
    await s.goto(`${web.url}/s/${space.id}/replay`);
    await islandsReady(s);
    await s.evaluate(() => (document.querySelector("audio")!.currentTime = 15));
    await s.getByRole("button", { name: "Clip 30 s" }).click();
    await s.getByRole("link", { name: "Open the clip" }).click();
    await s.waitForURL(/\/clips\/[A-Za-z0-9_-]+$/);
    await islandsReady(s);
    await s.getByRole("button", { name: "Play", exact: true }).click();
    await waitFor("the clip to play", async () => ((await audioState(s)).t > 0.5 ? true : undefined), 10_000);
    const clipLength = (await audioState(s)).duration;
    assert.ok(Math.abs(clipLength - 30) <= 0.6, `the clip lasts ${clipLength} s`);
    await s.screenshot({ path: `${ARTIFACTS}/clip-360.png` });

    // The host, at a desktop: starts the replay 10 s in, then deletes it.
    const { page: h } = await signedInPage(browser, web, host, { width: 1280 });
    await h.goto(`${web.url}/s/${space.id}/replay`);
    await islandsReady(h);
    await h.evaluate(() => (document.querySelector("audio")!.currentTime = 10));
    await waitFor("the host's seek", async () => ((await audioState(h)).t >= 9.5 ? true : undefined), 5_000);
    await h.screenshot({ path: `${ARTIFACTS}/replay-host-1280.png` });
    // Edit the start opens its slider where the host is; saved as it is, the replay starts at 0:10.
    await h.getByRole("button", { name: "Edit the start" }).click();
    assert.equal(await h.getByRole("slider", { name: /The replay starts at/ }).inputValue(), "10");
    await h.getByRole("button", { name: "Save the start" }).click();
    await h.getByText("The replay now starts at 0:10.").waitFor();
    const trimmed = await svc.get(space.id);
    assert.ok(Math.abs(trimmed!.trimStartMs - 10_000) <= 600, `trimmed at ${trimmed!.trimStartMs}`);
    await waitFor("the shorter replay", async () => {
      const d = (await audioState(h)).duration;
      return Number.isFinite(d) && Math.abs(d - 51) < 1.5 ? true : undefined;
    }, 10_000);
    await h.getByRole("button", { name: "Delete the recording" }).click();
    await h.getByRole("alertdialog").getByRole("button", { name: "Delete the recording" }).click();
    // The page reloads as the deleted replay's own page (410).
    await h.getByRole("heading", { level: 1, name: "This replay was deleted" }).waitFor();
    const res = await fetch(`${web.url}/s/${space.id}/replay`);
    assert.equal(res.status, 410);
    await res.body?.cancel();
    assert.deepEqual(await store.list(`spaces/${space.id}/`), []);
    await h.screenshot({ path: `${ARTIFACTS}/replay-gone-1280.png` });
  } finally {
    await browser.close();
    await web.close();
    await Deno.remove(root, { recursive: true });
  }
});
