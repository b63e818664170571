// The replay shows the Space as it was, in Chromium with the real app, KV, files and ffmpeg: a
// recording is seeded as the recorder writes one, with its timeline beside it (stage, speaking,
// comments, a reaction, a pin). On a phone, a listener sees the host lit while the host speaks,
// a comment only once its time comes (seeking and playing), "Next speaker" jumps to the guest's
// first words, N jumps again, and the button is disabled when nobody else speaks later. The same
// page at 1280 px keeps the stage in the player and puts the comments beside it. Screenshots at 360 and 1280 px.
import assert from "node:assert/strict";
import type { Timeline } from "../lib/protocol/recording_timeline.ts";
import { islandsReady, launchBrowser, newPerson } from "./support/browser.ts";
import { account } from "./support/calls.ts";
import { waitFor } from "./support/party.ts";
import { audioTime, recordingsFor, replayComment, seedReplay, seek, speakingOnReplay } from "./support/recording.ts";
import { startWeb } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const ARTIFACTS = Deno.env.get("SPAZIO_ARTIFACTS") ?? "test-artifacts";
const GUEST = "u:guest0001";

Deno.test(
  "replay timeline: the stage lights who speaks, comments come at their time, next speaker jumps (button and N)",
  opts,
  async () => {
    const web = await startWeb();
    const recordings = await recordingsFor(web, "spazio-replay-tl-");
    const { root, store } = recordings;
    const browser = await launchBrowser(["--autoplay-policy=no-user-gesture-required"]);
    try {
      const host = await account(web, "tlhost");
      const H = `u:${host.user.id}`;
      const { space, rec, finished } = await seedReplay(web, recordings, {
        hostId: host.user.id,
        title: "Evening radio",
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
          [H]: { sub: H, name: "Tlhost", handle: "tlhost" },
          [GUEST]: { sub: GUEST, name: "Greta Guest", handle: "greta" },
        },
        stage: [{ sub: H, role: "host", fromMs: 0 }, { sub: GUEST, role: "speaker", fromMs: 18_000, toMs: 50_000 }],
        onAir: [],
        speaking: [
          { sub: H, fromMs: 1_000, toMs: 15_000 },
          { sub: GUEST, fromMs: 22_000, toMs: 30_000 },
          { sub: H, fromMs: 35_000, toMs: 40_000 },
        ],
        comments: [
          { id: "c-early", sub: GUEST, text: "Hello from the start", atMs: 5_000 },
          { id: "c-later", sub: GUEST, text: "Great point about radio", atMs: 25_000 },
        ],
        reactions: [{ emoji: "❤️", count: 3, atMs: 26_000 }],
        pins: [{ atMs: 10_000, pin: { kind: "url", url: "https://example.com/show-notes", by: H } }],
        transcript: [],
      };
      await store.write(`spaces/${space.id}/timeline.json`, new TextEncoder().encode(JSON.stringify(timeline)));

      const fan = await newPerson(browser, { width: 360 });
      const p = fan.page;
      await p.setViewportSize({ width: 360, height: 740 });
      await p.goto(`${web.url}/s/${space.id}/replay`);
      await islandsReady(p);
      await p.waitForFunction(() => document.querySelector("audio")!.readyState >= 1);
      const play = p.getByRole("button", { name: "Play", exact: true });
      const box = await play.boundingBox();
      assert.ok(box && box.y + box.height <= 740, `Play is below the fold at 360 px: ${JSON.stringify(box)}`);
      const stage = p.getByTestId("replay-stage");
      await stage.locator(`[data-sub="${H}"]`).waitFor();
      assert.equal(await stage.locator(`[data-sub="${GUEST}"]`).count(), 0, "the guest is not on stage yet at 0:00");
      assert.equal(await speakingOnReplay(p, H), "false");

      // 0:03: the host speaks and is lit; the 0:05 comment has not come yet.
      await seek(p, 3);
      await waitFor("the host lit", async () => ((await speakingOnReplay(p, H)) === "true" ? true : undefined), 5_000);
      assert.equal(await replayComment(p, "c-early").count(), 0);
      // Playing on from 0:03.5, the comment appears once 0:05 is reached, not before.
      await seek(p, 3.5);
      await play.click();
      await replayComment(p, "c-early").waitFor({ timeout: 10_000 });
      const shownAt = await audioTime(p);
      assert.ok(shownAt >= 5 && shownAt < 6.5, `the 0:05 comment appeared at ${shownAt} s`);
      assert.equal(await replayComment(p, "c-later").count(), 0);
      await p.getByRole("button", { name: "Pause", exact: true }).click();
      // The pin of 0:10 is not there yet at ~0:05.
      assert.equal(await p.getByRole("complementary", { name: "Pinned" }).count(), 0);
      await p.screenshot({ path: `${ARTIFACTS}/replay-timeline-360.png` });

      // Next speaker: from the host's words to the guest's, at 0:22.
      const next = p.getByTestId("replay-next-speaker");
      assert.equal(await next.getAttribute("aria-label"), "Next speaker");
      await next.click();
      await waitFor(
        "the jump to 0:22",
        async () => (Math.abs((await audioTime(p)) - 22) < 0.3 ? true : undefined),
        5_000,
      );
      await waitFor(
        "the guest lit",
        async () => ((await speakingOnReplay(p, GUEST)) === "true" ? true : undefined),
        5_000,
      );
      assert.equal(await speakingOnReplay(p, H), "false");
      await p.getByRole("complementary", { name: "Pinned" }).getByRole("link", {
        name: "https://example.com/show-notes",
      }).waitFor();
      // N, with the focus off the controls: on to the host again at 0:35; the 0:25 comment is there.
      await p.locator("h1").click();
      await p.keyboard.press("n");
      await waitFor(
        "the jump to 0:35",
        async () => (Math.abs((await audioTime(p)) - 35) < 0.3 ? true : undefined),
        5_000,
      );
      await waitFor(
        "the host lit again",
        async () => ((await speakingOnReplay(p, H)) === "true" ? true : undefined),
        5_000,
      );
      await replayComment(p, "c-later").waitFor();
      assert.deepEqual(
        await p.getByTestId("replay-comments").locator("[data-comment-id]").evaluateAll((els) =>
          els.map((e) => e.getAttribute("data-comment-id"))
        ),
        ["c-early", "c-later"],
        "newest at the bottom",
      );
      // Nobody else speaks after 0:35: the button is disabled and N does nothing.
      assert.ok(await next.isDisabled());
      await p.keyboard.press("n");
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(Math.abs((await audioTime(p)) - 35) < 0.3, "N with no next speaker stays put");
      // The reaction of 0:26 bursts at its time.
      await seek(p, 25.5);
      assert.equal(await p.getByTestId("replay-stage").locator(".burst").count(), 0);
      await seek(p, 26.5);
      await p.getByTestId("replay-stage").locator(".burst", { hasText: "❤️" }).waitFor({ timeout: 5_000 });
      await seek(p, 23);
      await p.screenshot({ path: `${ARTIFACTS}/replay-timeline-guest-360.png`, fullPage: true });

      // At a desktop, the stage stays in the player, under its controls, and the comments sit beside it.
      await p.setViewportSize({ width: 1280, height: 900 });
      const cardBox = await p.locator(".replay-card").boundingBox();
      const stageBox = await stage.boundingBox();
      const commentsBox = await p.getByTestId("replay-comments").boundingBox();
      assert.ok(
        cardBox && stageBox && stageBox.x >= cardBox.x && stageBox.y + stageBox.height <= cardBox.y + cardBox.height,
        `the stage is in the player: ${JSON.stringify({ cardBox, stageBox })}`,
      );
      assert.ok(
        cardBox && commentsBox && commentsBox.x > cardBox.x + cardBox.width - 1,
        `the comments are beside the player: ${JSON.stringify({ cardBox, commentsBox })}`,
      );
      await p.screenshot({ path: `${ARTIFACTS}/replay-timeline-1280.png`, fullPage: true });
    } finally {
      await browser.close();
      await web.close();
      await Deno.remove(root, { recursive: true });
    }
  },
);
