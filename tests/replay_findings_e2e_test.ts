// Issue 20's replay findings, driven as they were found, in Chromium with the real app, KV, files
// and ffmpeg (a recording seeded as the recorder writes one, with its timeline):
// - at 360x740 "On stage at this point" sat below the fold: now its avatars are seen without
//   scrolling, above the tab bar, right under the player's controls;
// - the progress bar had no speaker marks: now each person's words are marked where they are, in
//   their colour, moved with the host's trim;
// - trimming was a hidden "Start the replay here": the host opens "Edit the start", moves a slider
//   (by keyboard), listens from there, saves; the replay is mixed again from that point. Nobody
//   else gets the control, and the server refuses anyone but the host, and a start past the end.
// Screenshots at 360 and 1280 px.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { Timeline } from "../lib/protocol/recording_timeline.ts";
import { islandsReady, launchBrowser, newPerson } from "./support/browser.ts";
import { account, signedInPage } from "./support/calls.ts";
import { waitFor } from "./support/party.ts";
import { audioTime, recordingsFor, seedReplay } from "./support/recording.ts";
import { startWeb } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const ARTIFACTS = Deno.env.get("SPAZIO_ARTIFACTS") ?? "test-artifacts";
const GUEST = "u:guest0002";

/** The marks under the progress bar: who, and where each starts and ends as a fraction of the bar. */
const marksOf = (p: Page) =>
  p.locator(".replay-scrub [data-testid=speaker-marks]").evaluate((strip) => {
    const box = strip.getBoundingClientRect();
    return [...strip.querySelectorAll<HTMLElement>(".speaker-mark")].map((m) => {
      const r = m.getBoundingClientRect();
      return { sub: m.dataset.sub!, from: (r.left - box.left) / box.width, to: (r.right - box.left) / box.width };
    });
  });

const duration = (p: Page) => p.evaluate(() => document.querySelector("audio")!.duration);

Deno.test(
  "replay findings: the stage is above the fold at 360 px, the bar marks who spoke where, the host trims with a slider and a preview",
  opts,
  async () => {
    const web = await startWeb();
    const recordings = await recordingsFor(web, "spazio-replay-findings-");
    const { root, store, svc } = recordings;
    const browser = await launchBrowser(["--autoplay-policy=no-user-gesture-required"]);
    try {
      const host = await account(web, "findhost");
      const H = `u:${host.user.id}`;
      const { space, rec, finished } = await seedReplay(web, recordings, {
        hostId: host.user.id,
        title: "Morning show with a rather long title for a phone",
        topics: ["radio"],
        startedAgoMs: 120_000,
        endedAgoMs: 1_000,
        source: "sine=frequency=440:duration=60:sample_rate=48000",
        bitrate: "24k",
      });
      assert.equal(finished.status, "ready");
      const timeline: Timeline = {
        startedAt: rec.startedAt,
        people: {
          [H]: { sub: H, name: "Findhost", handle: "findhost" },
          [GUEST]: { sub: GUEST, name: "Gina Guest", handle: "gina" },
        },
        stage: [{ sub: H, role: "host", fromMs: 0 }, { sub: GUEST, role: "speaker", fromMs: 0 }],
        onAir: [],
        speaking: [
          { sub: H, fromMs: 0, toMs: 12_000 },
          { sub: GUEST, fromMs: 30_000, toMs: 42_000 },
        ],
        comments: [{ id: "c1", sub: GUEST, text: "Hello", atMs: 2_000 }],
        reactions: [],
        pins: [],
        transcript: [],
      };
      await store.write(`spaces/${space.id}/timeline.json`, new TextEncoder().encode(JSON.stringify(timeline)));
      const replayUrl = `${web.url}/s/${space.id}/replay`;

      // A listener on a phone: both people on stage are seen without scrolling, above the tab bar.
      const fan = await newPerson(browser, { width: 360 });
      const p = fan.page;
      await p.setViewportSize({ width: 360, height: 740 });
      await p.goto(replayUrl);
      await islandsReady(p);
      await p.waitForFunction(() => document.querySelector("audio")!.readyState >= 1);
      const stage = p.getByTestId("replay-stage");
      await stage.getByRole("heading", { name: "On stage at this point" }).waitFor();
      const tabsTop = await p.locator("nav.tabs").evaluate((n) => n.getBoundingClientRect().top);
      for (const sub of [H, GUEST]) {
        const avatar = await stage.locator(`[data-sub="${sub}"] .avatar`).boundingBox();
        assert.ok(
          avatar && avatar.y >= 0 && avatar.y + avatar.height <= tabsTop,
          `${sub}'s avatar is not on screen at 360x740 (tab bar at ${tabsTop}): ${JSON.stringify(avatar)}`,
        );
      }
      assert.equal(await p.evaluate(() => scrollY), 0);
      // Right under the controls, inside the player.
      const controls = await p.locator(".replay-controls").boundingBox();
      const stageBox = await stage.boundingBox();
      assert.ok(controls && stageBox && stageBox.y >= controls.y + controls.height, "the stage is under the controls");

      // The bar marks where each person spoke: the host 0-12 s, the guest 30-42 s of 60 s.
      await waitFor("a known length", async () => (Number.isFinite(await duration(p)) ? true : undefined), 5_000);
      const length = await duration(p);
      const marks = await marksOf(p);
      assert.deepEqual(marks.map((m) => m.sub), [H, GUEST]);
      const near = (got: number, want: number, what: string) =>
        assert.ok(Math.abs(got - want) < 0.03, `${what}: ${got.toFixed(3)}, not ${want.toFixed(3)}`);
      near(marks[0].from, 0, "the host's mark starts");
      near(marks[0].to, 12 / length, "the host's mark ends");
      near(marks[1].from, 30 / length, "the guest's mark starts");
      near(marks[1].to, 42 / length, "the guest's mark ends");
      // Anyone but the host: no trim control, and the server says no.
      assert.equal(await p.getByRole("button", { name: "Edit the start" }).count(), 0);
      await p.screenshot({ path: `${ARTIFACTS}/replay-findings-360.png` });
      const { page: g } = await signedInPage(browser, web, await account(web, "findfan"), { width: 360 });
      await g.goto(replayUrl);
      await islandsReady(g);
      assert.equal(await g.getByRole("button", { name: "Edit the start" }).count(), 0);
      const refused = await g.evaluate(async (url) =>
        (await fetch(url, {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ trimStartMs: 20_000 }),
        })).status, `/api/spaces/${space.id}/recording`);
      assert.equal(refused, 403);
      assert.equal((await svc.get(space.id))!.trimStartMs, 0);

      // The host, on a phone: Edit the start opens a slider where the player is (0:10).
      const { page: h } = await signedInPage(browser, web, host, { width: 360 });
      await h.setViewportSize({ width: 360, height: 740 });
      await h.goto(replayUrl);
      await islandsReady(h);
      await h.waitForFunction(() => document.querySelector("audio")!.readyState >= 1);
      await h.evaluate(() => (document.querySelector("audio")!.currentTime = 10));
      await waitFor("the host's seek", async () => ((await audioTime(h)) >= 9.5 ? true : undefined), 5_000);
      await h.getByRole("button", { name: "Edit the start" }).click();
      const slider = h.getByRole("slider", { name: /The replay starts at/ });
      await slider.waitFor();
      assert.equal(await slider.evaluate((e) => e === document.activeElement), true, "the slider has the focus");
      assert.equal(await slider.inputValue(), "10");
      // The server checks the start too: one past the end is refused.
      const late = await h.evaluate(async (url) =>
        (await fetch(url, {
          method: "PATCH",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ trimStartMs: 600_000 }),
        })).status, `/api/spaces/${space.id}/recording`);
      assert.equal(late, 400);
      // By keyboard, five seconds on: 0:15, with where people spoke under the slider too.
      for (let i = 0; i < 5; i++) await slider.press("ArrowRight");
      assert.equal(await slider.inputValue(), "15");
      assert.equal(await h.getByTestId("trim-start").textContent(), "0:15");
      assert.equal(await h.locator(".replay-trim .speaker-mark").count(), 2);
      // Listen from here: the player plays from 0:15.
      await h.getByRole("button", { name: "Listen from here" }).click();
      await h.getByRole("button", { name: "Pause", exact: true }).waitFor();
      const heard = await audioTime(h);
      assert.ok(heard >= 15 && heard < 18, `the preview plays from 0:15, not ${heard}`);
      await h.getByRole("button", { name: "Pause", exact: true }).click();
      await h.screenshot({ path: `${ARTIFACTS}/replay-trim-360.png`, fullPage: true });
      // Save: the replay is mixed again from 0:15; the page loads it, the marks move with it.
      await h.getByRole("button", { name: "Save the start" }).click();
      await h.getByText("The replay now starts at 0:15.").waitFor({ timeout: 20_000 });
      assert.equal((await svc.get(space.id))!.trimStartMs, 15_000);
      await waitFor("the shorter replay", async () => {
        const d = await duration(h);
        return Number.isFinite(d) && Math.abs(d - (length - 15)) < 1.5 ? true : undefined;
      }, 10_000);
      const after = await marksOf(h);
      assert.deepEqual(after.map((m) => m.sub), [GUEST], "the host's words before 0:15 are cut");
      near(after[0].from, 15 / (length - 15), "the guest's mark after the trim starts");
      // The focus is back on the control that opened the editor.
      assert.equal(
        await h.getByRole("button", { name: "Edit the start" }).evaluate((e) => e === document.activeElement),
        true,
      );
      // A listener who loads the page now hears it from 0:15.
      await p.reload();
      await islandsReady(p);
      await waitFor("the listener's shorter replay", async () => {
        const d = await duration(p);
        return Number.isFinite(d) && Math.abs(d - (length - 15)) < 1.5 ? true : undefined;
      }, 10_000);

      // At a desktop: the host brings the beginning back.
      await h.setViewportSize({ width: 1280, height: 900 });
      await h.screenshot({ path: `${ARTIFACTS}/replay-trim-1280.png`, fullPage: true });
      await h.getByRole("button", { name: "Start from the beginning again" }).click();
      await h.getByText("The replay now starts at 0:00.").waitFor({ timeout: 20_000 });
      assert.equal((await svc.get(space.id))!.trimStartMs, 0);
      assert.equal(await h.getByRole("button", { name: "Start from the beginning again" }).count(), 0);
      await waitFor("the whole replay again", async () => {
        const d = await duration(h);
        return Number.isFinite(d) && Math.abs(d - length) < 1.5 ? true : undefined;
      }, 10_000);
      await p.setViewportSize({ width: 1280, height: 900 });
      await p.reload();
      await islandsReady(p);
      await p.screenshot({ path: `${ARTIFACTS}/replay-findings-1280.png`, fullPage: true });
    } finally {
      await browser.close();
      await web.close();
      await Deno.remove(root, { recursive: true });
    }
  },
);
