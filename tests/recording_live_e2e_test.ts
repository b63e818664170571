// Issue 12's record path end to end, in Chromium with the real stack (web, partykit dev, SFU,
// Debian's ffmpeg): a host starts a Space recorded from its start; a speaker's fake microphone
// plays a tone and mutes and unmutes at known times; a signed-in listener is there all along; the
// recording ffmpegs are SIGKILLed mid-Space; the Space ends. The replay, decoded with ffmpeg, has
// the tone where the timeline says the speaker's microphone was on air (edges within 300 ms, and
// those within 1 s of the clicks), silence where muted or off stage,
// no listener's audio, and loses no more than a few seconds to the kill; the timeline beside it
// has the stage interval, the speaking intervals and the comment at its time. A live clip of the
// last 30 s lasts 30 s and has the tone; the replay page plays the recording, lights the speaker,
// shows the comment at its time and jumps to the next speaker.
// Longer than 300 lines on purpose: one recorded Space, followed from its start to its replay, on
// one running stack.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { levels, soundIntervals } from "../lib/server/recordings/mix.ts";
import { closeSheet, islandsReady, launchToneBrowser, newPerson, openSheet, signUp } from "./support/browser.ts";
import { waitFor } from "./support/party.ts";
import { audioGrows, RECORD_PEER_CONNECTIONS } from "./support/sfu.ts";
import { audioTime, replayComment, seek, speakingOnReplay } from "./support/recording.ts";
import { startStack } from "./support/stack.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const EDGE_MS = 300;

/** Sound (ms of the replay) overlapping [from, to). */
const soundIn = (sound: [number, number][], from: number, to: number) =>
  sound.reduce((n, [a, b]) => n + Math.max(0, Math.min(b, to) - Math.max(a, from)), 0);

Deno.test(
  "a recorded Space: tone where unmuted, silence where muted or off stage, timeline beside it",
  opts,
  async () => {
    const stack = await startStack({ sfu: true });
    const { web, recordings } = stack;
    const browser = await launchToneBrowser(120);
    try {
      const host = await newPerson(browser);
      const speaker = await newPerson(browser);
      const listener = await newPerson(browser);
      for (const p of [host, speaker, listener]) await p.context.addInitScript(RECORD_PEER_CONNECTIONS);
      await signUp(host.page, web.url, "rec_host", "Rita Host");
      await signUp(speaker.page, web.url, "rec_speaker", "Sam Speaker");
      await signUp(listener.page, web.url, "rec_listener", "Lia Listener");
      const sub = async (handle: string) => `u:${(await web.deps.users.byHandle(handle))!.id}`;
      const [hostSub, speakerSub, listenerSub] = [
        await sub("rec_host"),
        await sub("rec_speaker"),
        await sub("rec_listener"),
      ];

      // The host starts a Space recorded from its start (the API body the creation form sends) and
      // stays muted throughout: the only voice is the speaker's.
      const h = host.page;
      const created = await h.evaluate(async () => {
        const res = await fetch("/api/spaces", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ title: "Recorded tones", lang: "en", record: true }),
        });
        return { status: res.status, json: await res.json() };
      });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const spaceId: string = created.json.id;
      const link = `${web.url}/s/${spaceId}`;
      await h.goto(link);
      await islandsReady(h);
      const rec = await waitFor(
        "the web to open the recording",
        async () => (await recordings.get(spaceId)) ?? undefined,
        10_000,
      );
      assert.equal(rec.status, "recording");
      assert.equal(rec.hostSub, hostSub);
      const t0 = rec.startedAt;
      const at = () => Date.now() - t0;

      // A signed-in listener is there all along (their fake microphone plays the same tone).
      const l = listener.page;
      await l.goto(link);
      await islandsReady(l);

      // The speaker asks, the host brings them up.
      const s = speaker.page;
      await s.goto(link);
      await islandsReady(s);
      await s.getByRole("button", { name: "Request to speak" }).click();
      await openSheet(h, /^Host tools, 1 requests to speak/);
      const acceptedAt = at();
      await h.getByRole("button", { name: "Accept Sam Speaker" }).click();
      await closeSheet(h);
      const unmute = async (p: Page) => {
        await p.getByRole("button", { name: "Unmute my microphone" }).click();
        await p.getByRole("button", { name: "Mute my microphone" }).waitFor();
      };
      const mute = async (p: Page) => {
        await p.getByRole("button", { name: "Mute my microphone" }).click();
        await p.getByRole("button", { name: "Unmute my microphone" }).waitFor();
      };
      // A first unmute makes the microphone's producer (transport, ICE, DTLS): its start is slow.
      await unmute(s);
      await audioGrows(l, "the speaker at the listener", 10_000);
      await sleep(1_000);
      await mute(s);
      await sleep(1_500);

      // The measured part: on 4 s, off 3 s (a comment meanwhile), on 6 s with the kill in it.
      const u1 = at();
      await unmute(s);
      await sleep(4_000);
      const m1 = at();
      await mute(s);
      await sleep(1_000);
      await openSheet(l, /^Comments/);
      await l.getByLabel("Add a comment").fill("Recorded, nice tone");
      const commentedAt = at();
      await l.getByRole("button", { name: "Send" }).click();
      await closeSheet(l);
      await sleep(1_500);
      const u2 = at();
      await unmute(s);
      await sleep(2_000);
      const ffmpegs = new TextDecoder().decode(
        (await new Deno.Command("pgrep", { args: ["-P", String(stack.sfu!.pid), "-x", "ffmpeg"], stdout: "piped" })
          .output()).stdout,
      ).trim().split("\n").filter(Boolean).map(Number);
      assert.ok(ffmpegs.length >= 1, "the SFU records with ffmpeg");
      const killedAt = at();
      for (const pid of ffmpegs) Deno.kill(pid, "SIGKILL");
      await sleep(4_000);
      // Off stage: the host moves the speaker back to the audience, the tone goes on playing into nothing.
      await h.locator(".stage .member", { hasText: "Sam Speaker" }).getByRole("button", {
        name: "Actions for Sam Speaker",
      }).click();
      const move = h.getByRole("button", { name: "Move Sam Speaker to the audience" });
      await move.waitFor();
      // Timed at the click that moves them, not before the menu opens: on a loaded machine the
      // menu alone can take longer than the 300 ms edge.
      const leftAt = at();
      await move.click();
      await s.getByRole("button", { name: "Request to speak" }).waitFor();
      await sleep(2_500);

      // The listener clips the last 30 s of the live Space, once 32 s are recorded: it lasts 30 s
      // (+-0.5 s) and has the tone where the speaker was on air in that window.
      while (at() < 32_000) await sleep(200);
      const clipAsk = await l.evaluate(async (id) => {
        const res = await fetch(`/api/spaces/${id}/clips`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        });
        return { status: res.status, json: await res.json() };
      }, spaceId);
      assert.equal(clipAsk.status, 201, JSON.stringify(clipAsk.json));
      const clip = (await recordings.clips.get(clipAsk.json.id))!;
      assert.ok(Math.abs(clip.durationMs - 30_000) <= 500, `the clip lasts ${clip.durationMs} ms`);
      const clipSound = soundIntervals(
        await levels(recordings.store.localPath(recordings.clips.keys(clip.id).opus), 50),
        50,
      )
        .map(([a, b]): [number, number] => [a + clip.fromMs, b + clip.fromMs]);

      // The host ends the Space; the replay is mixed and its timeline stored.
      const endedAt = at();
      await openSheet(h, /^Host tools/);
      await h.getByRole("button", { name: "End Space" }).click();
      await h.getByRole("button", { name: "Yes, end it" }).click();
      await h.getByRole("heading", { level: 1, name: "This Space has ended" }).waitFor();
      const done = await waitFor("the replay to be mixed", async () => {
        const r = await recordings.get(spaceId);
        return r && (r.status === "ready" || r.status === "failed") ? r : undefined;
      }, 30_000);
      assert.equal(done.status, "ready", done.error ?? "");

      // The tracks: the host's and the speaker's microphones, never the listener's.
      const index = JSON.parse(await Deno.readTextFile(`${stack.recordingsDir}/spaces/${spaceId}/rec/index.json`));
      const subs = new Set(index.segments.map((x: { sub: string }) => x.sub));
      assert.ok(subs.has(speakerSub), "the speaker was recorded");
      assert.ok(!subs.has(listenerSub), "the listener was never recorded");
      assert.ok(
        index.segments.filter((x: { sub: string }) => x.sub === speakerSub).length >= 2,
        "a new segment after the kill",
      );

      // The replay: tone where unmuted, silence where muted or off stage.
      const replay = recordings.store.localPath(recordings.replayKeys(spaceId).opus);
      const sound = soundIntervals(await levels(replay, 50), 50);
      const report = { u1, m1, u2, killedAt, leftAt, endedAt, sound };
      const why = JSON.stringify(report);
      if (Deno.env.get("RECA_DEBUG")) {
        await new Deno.Command("cp", {
          args: ["-r", `${stack.recordingsDir}/spaces/${spaceId}`, "/tmp/recA_debug"],
        }).output();
      }
      assert.equal(soundIn(sound, 0, acceptedAt), 0, `no sound before the speaker came up: ${why}`);
      // The timeline says when the speaker's microphone was on air (the origin SFU's producer, not
      // paused): the tone starts and stops within 300 ms of what it says, and what it says follows
      // the clicks (an unmute goes through the room and the SFU before the browser sends).
      const timeline = await recordings.timeline(spaceId);
      assert.ok(timeline, "the timeline was stored");
      const air = timeline.onAir.filter((x) => x.sub === speakerSub);
      const near = (t: number, edges: number[], within = EDGE_MS) => edges.some((e) => Math.abs(e - t) <= within);
      const airWhy = `${why} onAir=${JSON.stringify(air)}`;
      for (const click of [u1, m1, u2]) {
        assert.ok(
          near(click, air.flatMap((x) => [x.fromMs, x.toMs]), 1_000),
          `the microphone went on or off air within 1 s of the click at ${click}: ${airWhy}`,
        );
      }
      const onAt = (click: number) => air.find((x) => Math.abs(x.fromMs - click) <= 1_000)!.fromMs;
      const offAt = (click: number) => air.find((x) => Math.abs(x.toMs - click) <= 1_000)!.toMs;
      assert.ok(
        near(onAt(u1), sound.map(([a]) => a)),
        `the tone starts within 300 ms of going on air at ${onAt(u1)}: ${airWhy}`,
      );
      assert.ok(
        near(offAt(m1), sound.map(([, b]) => b)),
        `the tone stops within 300 ms of going off air at ${offAt(m1)}: ${airWhy}`,
      );
      assert.ok(
        near(onAt(u2), sound.map(([a]) => a)),
        `the tone starts within 300 ms of going on air at ${onAt(u2)}: ${airWhy}`,
      );
      assert.equal(soundIn(sound, offAt(m1) + EDGE_MS, onAt(u2) - EDGE_MS), 0, `silence while off air: ${airWhy}`);
      // Off stage: silent from when the SFU took the microphone off air (the timeline's edge, within
      // 1 s of the click, as for a mute: on a loaded machine the click alone takes a while).
      assert.ok(near(leftAt, air.flatMap((x) => (x.toMs === undefined ? [] : [x.toMs])), 1_000), `off air: ${airWhy}`);
      assert.equal(soundIn(sound, offAt(leftAt) + EDGE_MS, endedAt), 0, `silence once off stage: ${airWhy}`);
      assert.ok(
        soundIn(sound, u1 + EDGE_MS, m1 - EDGE_MS) >= m1 - u1 - 2 * EDGE_MS - 100,
        `the tone holds while unmuted: ${why}`,
      );
      // The kill costs no more than a few seconds of the second stretch.
      const lost = (leftAt - u2 - 2 * EDGE_MS) - soundIn(sound, u2 + EDGE_MS, leftAt - EDGE_MS);
      console.log(
        `recording_live: ${lost} ms lost to SIGKILLed recording ffmpegs (${ffmpegs.length}) at ${killedAt} ms`,
      );
      assert.ok(lost <= 3_000, `lost ${lost} ms to the kill: ${why}`);

      // The timeline: stage intervals, speaking where the tone is, the comment at its time, names.
      assert.equal(timeline.startedAt, t0);
      const stage = timeline.stage.filter((x) => x.sub === speakerSub);
      assert.equal(stage.length, 1, JSON.stringify(timeline.stage));
      assert.equal(stage[0].role, "speaker");
      assert.ok(
        Math.abs(stage[0].fromMs - acceptedAt) <= 1_500,
        `came up at ${stage[0].fromMs}, accepted at ${acceptedAt}`,
      );
      assert.ok(
        stage[0].toMs !== undefined && Math.abs(stage[0].toMs - leftAt) <= 1_000,
        `left at ${stage[0].toMs}, clicked at ${leftAt}`,
      );
      assert.ok(timeline.stage.some((x) => x.sub === hostSub && x.role === "host" && x.fromMs === 0));
      assert.equal(timeline.people[speakerSub]?.name, "Sam Speaker");
      const comment = timeline.comments.find((c) => c.text === "Recorded, nice tone");
      assert.ok(comment && comment.sub === listenerSub, JSON.stringify(timeline.comments));
      assert.ok(
        comment.atMs >= commentedAt - 100 && comment.atMs <= commentedAt + 1_000,
        `comment at ${comment.atMs}, sent at ${commentedAt}`,
      );
      assert.equal(timeline.people[listenerSub]?.name, "Lia Listener");
      // Speaking intervals (the SFU's audio-level observer, 800 ms windows) lie on the tone.
      const speaking = timeline.speaking.filter((x) => x.sub === speakerSub);
      assert.ok(speaking.length >= 2, JSON.stringify(timeline.speaking));
      for (const x of speaking) {
        assert.ok(
          soundIn(sound, x.fromMs, x.toMs) >= (x.toMs - x.fromMs) * 0.5 || x.toMs - x.fromMs < 1_000,
          `speaking ${x.fromMs}-${x.toMs} is on the tone: ${why}`,
        );
      }
      assert.ok(
        speaking.some((x) => Math.abs(x.fromMs - u1) <= EDGE_MS + 800),
        `speaking starts near ${u1}: ${JSON.stringify(speaking)}`,
      );
      assert.ok(!timeline.speaking.some((x) => x.sub === listenerSub));

      // The clip, placed where it was cut: the tone of the first measured stretch, silence after the
      // speaker left the stage.
      const clipWhy = `clip from ${clip.fromMs}: ${JSON.stringify(clipSound)} replay: ${why}`;
      assert.ok(
        soundIn(clipSound, onAt(u1) + EDGE_MS, offAt(m1) - EDGE_MS) >= offAt(m1) - onAt(u1) - 2 * EDGE_MS - 100,
        `the clip holds the tone: ${clipWhy}`,
      );
      assert.equal(
        soundIn(clipSound, offAt(leftAt) + EDGE_MS, clip.fromMs + clip.durationMs),
        0,
        `the clip is silent after the speaker left: ${clipWhy}`,
      );

      // The replay page plays this recording: audio advances, the speaker is lit while on air,
      // the comment appears at its time, and Next speaker jumps to the speaker's next words.
      const r = listener.page;
      await r.goto(`${link}/replay`);
      await islandsReady(r);
      await r.waitForFunction(() => document.querySelector("audio")!.readyState >= 1);
      const lit = () => speakingOnReplay(r, speakerSub);
      await seek(r, (onAt(u1) + 1_000) / 1000);
      await waitFor("the speaker lit on the replay", async () => ((await lit()) === "true" ? true : undefined), 5_000);
      const commentBox = replayComment(r, comment.id);
      assert.equal(await commentBox.count(), 0, "the comment is not there before its time");
      await r.getByRole("button", { name: "Play", exact: true }).click();
      await commentBox.waitFor({ timeout: 10_000 });
      const shownAt = (await audioTime(r)) * 1000;
      assert.ok(
        shownAt >= comment.atMs - 300 && shownAt <= comment.atMs + 1_500,
        `the comment of ${comment.atMs} ms showed at ${shownAt} ms`,
      );
      await r.getByRole("button", { name: "Pause", exact: true }).click();
      // From the comment's time (off air, the speaker's next words 1.5 s or more later): the replay
      // played on until the pause, and on a slow machine that passed the point where the next
      // words are more than 1 s ahead (Next speaker then rightly had nothing: 1 CI run here).
      await seek(r, comment.atMs / 1000);
      await r.getByTestId("replay-next-speaker").click();
      const nextAt = speaking.map((x) => x.fromMs).find((f) => f > comment.atMs + 1_000)!;
      await waitFor(
        `the jump to ${nextAt} ms`,
        async () => (Math.abs((await audioTime(r)) * 1000 - nextAt) < 300 ? true : undefined),
        5_000,
      );
      await waitFor("the speaker lit again", async () => ((await lit()) === "true" ? true : undefined), 5_000);
    } finally {
      await browser.close();
      await stack.close();
    }
  },
);
