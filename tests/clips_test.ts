// Clips as issue 20 found them, with the real web server, real Deno KV, files and ffmpeg, and a
// real Space room (partykit dev): an anonymous request is refused (401) and cuts nothing; twenty
// requests at once from one person start one cut, the rest answered 429 with Retry-After; past
// the hourly limit the refusal says when to come back; a Space at its cap refuses; a person the
// room removed is refused after the Space ended (a person it did not remove is not). Then, in
// Chromium: a signed-out reader of the replay is offered "Sign in to clip"; the host's delete
// confirmation says how many clips go; once deleted, each clip's page and audio answer 410 and
// its files are gone.
import assert from "node:assert/strict";
import { islandsReady, launchBrowser, newPerson } from "./support/browser.ts";
import { account, call, signedInPage } from "./support/calls.ts";
import { initSpace, roomPost } from "./support/party.ts";
import { RoomClient } from "./support/party_client.ts";
import { recordingsFor, seedReplay } from "./support/recording.ts";
import { startStack } from "./support/stack.ts";
import { sameOrigin, startWeb } from "./support/web.ts";
import { CLIPS_PER_PERSON_PER_HOUR, CLIPS_PER_SPACE } from "../lib/server/recordings/clips.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const ARTIFACTS = Deno.env.get("SPAZIO_ARTIFACTS") ?? "test-artifacts";
const TONE = "sine=frequency=440:duration=60:sample_rate=48000";

Deno.test(
  "clips: an account, one cut at a time, limits with Retry-After, and no clips for a removed person after the end",
  opts,
  async () => {
    const stack = await startStack();
    const { web, party } = stack;
    const recordings = await recordingsFor(web, "spazio-clips-");
    const { store, svc } = recordings;
    try {
      const host = await account(web, "cliphost");
      const fan = await account(web, "clipfan");
      const ousted = await account(web, "clipousted");
      const { space, finished } = await seedReplay(web, recordings, {
        hostId: host.user.id,
        title: "Clipped talk",
        startedAgoMs: 120_000,
        endedAgoMs: 1_000,
        source: TONE,
        bitrate: "24k",
      });
      assert.equal(finished.status, "ready");
      const clipsUrl = `/api/spaces/${space.id}/clips`;
      const clipFolders = async () => new Set((await store.list("clips/")).map((k) => k.split("/")[1])).size;

      // Without an account: 401, a message that says to sign in, and nothing cut.
      const anon = await fetch(`${web.url}${clipsUrl}`, sameOrigin(web, { method: "POST", body: '{"fromMs":0}' }));
      assert.equal(anon.status, 401);
      assert.equal((await anon.json()).error.message, "Sign in to make clips.");
      assert.equal(await clipFolders(), 0, "an anonymous request cut nothing");

      // Twenty requests at once from one person: one cut at a time, so most are refused with 429
      // and Retry-After, and what was cut stays within the hourly limit.
      const flood = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          fetch(
            `${web.url}${clipsUrl}`,
            sameOrigin(web, { method: "POST", cookie: fan.cookie, body: JSON.stringify({ fromMs: i * 1000 }) }),
          ).then(async (r) => ({ status: r.status, retryAfter: r.headers.get("retry-after"), body: await r.json() }))),
      );
      const made = flood.filter((r) => r.status === 201);
      const refused = flood.filter((r) => r.status === 429);
      assert.equal(made.length + refused.length, 20, JSON.stringify(flood.map((r) => r.status)));
      assert.ok(made.length >= 1 && made.length <= CLIPS_PER_PERSON_PER_HOUR, `${made.length} clips were cut`);
      for (const r of refused) {
        assert.ok(Number(r.retryAfter) > 0, `a 429 says when to retry: ${r.retryAfter}`);
        assert.match(r.body.error.code, /^rec\.err\.(clip_in_progress|clip_limit)$/);
      }
      assert.equal(await clipFolders(), made.length, "one ffmpeg run per clip made, none for a refusal");

      // One after another up to the hourly limit; the next is refused with the minutes to wait.
      for (let i = made.length; i < CLIPS_PER_PERSON_PER_HOUR; i++) {
        assert.equal((await call(web, fan, "POST", clipsUrl, { fromMs: 5000 })).status, 201);
      }
      const over = await fetch(
        `${web.url}${clipsUrl}`,
        sameOrigin(web, { method: "POST", cookie: fan.cookie, body: '{"fromMs":0}' }),
      );
      assert.equal(over.status, 429);
      const wait = Number(over.headers.get("retry-after"));
      assert.ok(wait > 3000 && wait <= 3600, `Retry-After ${wait} s: about an hour`);
      assert.match(
        (await over.json()).error.message,
        /as many clips of this Space as you can in an hour\. Try again in \d+ min/,
      );
      assert.equal(await clipFolders(), CLIPS_PER_PERSON_PER_HOUR);

      // The Space's room: the host removes a listener, then the Space ends.
      const hostPerson = { sub: `u:${host.user.id}`, handle: "cliphost", name: "Cliphost" };
      const oustedPerson = { sub: `u:${ousted.user.id}`, handle: "clipousted", name: "Clipousted" };
      await initSpace(party, space.id, hostPerson);
      await roomPost(party, space.id, { type: "start" });
      const h = await RoomClient.join(party, space.id, hostPerson);
      const o = await RoomClient.join(party, space.id, oustedPerson);
      await h.request({ type: "remove", sub: oustedPerson.sub }, "participantLeft");
      await o.waitFor("removed");
      assert.equal((await roomPost(party, space.id, { type: "end" })).status, 200);
      await h.close();
      await o.close();
      // Ended: the removed person is still refused; someone the room did not remove is not.
      const removedAsk = await call(web, ousted, "POST", clipsUrl, { fromMs: 0 });
      assert.equal(removedAsk.status, 403, JSON.stringify(removedAsk.body));
      assert.equal(removedAsk.body.error.message, "You were removed from this Space.");
      const other = await account(web, "clipother");
      assert.equal((await call(web, other, "POST", clipsUrl, { fromMs: 0 })).status, 201);

      // A Space at its cap: nobody cuts more (the cap's entries seeded straight into KV).
      const full = svc.clips;
      const have = await full.countOf(space.id);
      const kv = web.deps.kv;
      for (let i = have; i < CLIPS_PER_SPACE; i++) {
        await kv.set(["clipsOfSpace", space.id, `seed${i}x`], {
          createdBy: `u:seed${i}`,
          createdAt: Date.now() - 2 * 3600_000,
          expiresAt: Date.now() + 3600_000,
        });
      }
      const capped = await fetch(
        `${web.url}${clipsUrl}`,
        sameOrigin(web, { method: "POST", cookie: (await account(web, "cliplate")).cookie, body: '{"fromMs":0}' }),
      );
      assert.equal(capped.status, 429);
      assert.ok(Number(capped.headers.get("retry-after")) > 0);
      assert.equal((await capped.json()).error.code, "rec.err.clips_full");
    } finally {
      await stack.close();
      await Deno.remove(recordings.root, { recursive: true });
    }
  },
);

Deno.test(
  "clips: signed out, the replay offers to sign in; deleting a recording takes its clips (410, files gone), and the host is told how many",
  opts,
  async () => {
    const web = await startWeb();
    const recordings = await recordingsFor(web, "spazio-clipdel-");
    const { store, svc } = recordings;
    const browser = await launchBrowser();
    try {
      const host = await account(web, "delhost");
      const fan = await account(web, "delfan");
      const { space } = await seedReplay(web, recordings, {
        hostId: host.user.id,
        title: "Deleted talk",
        startedAgoMs: 120_000,
        endedAgoMs: 1_000,
        source: TONE,
        bitrate: "24k",
      });
      const clips: string[] = [];
      for (const [who, fromMs] of [[fan, 0], [fan, 10_000], [host, 20_000]] as const) {
        const r = await call(web, who, "POST", `/api/spaces/${space.id}/clips`, { fromMs });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        clips.push(r.body.id as string);
      }
      for (const id of clips) {
        assert.equal(
          await fetch(`${web.url}/clips/${id}`).then((r) => (r.body?.cancel(), r.status)),
          200,
        );
      }

      // Signed out: a link to sign in (back to this replay), no clip control that would fail.
      const anon = (await newPerson(browser, { width: 360 })).page;
      await anon.setViewportSize({ width: 360, height: 740 });
      await anon.goto(`${web.url}/s/${space.id}/replay`);
      await islandsReady(anon);
      const signIn = anon.getByRole("link", { name: "Sign in to clip" });
      await signIn.waitFor();
      assert.equal(await signIn.getAttribute("href"), `/signin?next=${encodeURIComponent(`/s/${space.id}/replay`)}`);
      assert.equal(await anon.getByRole("button", { name: "Clip 30 s" }).count(), 0);
      await anon.screenshot({ path: `${ARTIFACTS}/clips-signed-out-360.png`, fullPage: true });

      // Signed in, a person gets the control.
      const { page: f } = await signedInPage(browser, web, fan, { width: 360 });
      await f.goto(`${web.url}/s/${space.id}/replay`);
      await islandsReady(f);
      await f.getByRole("button", { name: "Clip 30 s" }).waitFor();
      // Past the hourly limit, the page says when to try again (from Retry-After), beside the button.
      for (let i = 2; i < CLIPS_PER_PERSON_PER_HOUR; i++) {
        const r = await call(web, fan, "POST", `/api/spaces/${space.id}/clips`, { fromMs: i * 1000 });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        clips.push(r.body.id as string);
      }
      await f.setViewportSize({ width: 360, height: 740 });
      await f.getByRole("button", { name: "Clip 30 s" }).click();
      await f.getByRole("alert").getByText(/as many clips of this Space as you can in an hour\. Try again in \d+ min\./)
        .waitFor();
      await f.screenshot({ path: `${ARTIFACTS}/clips-limit-360.png`, fullPage: true });

      // The host's confirmation counts the clips, in each language.
      const { page: h } = await signedInPage(browser, web, host, { width: 1280 });
      await h.setViewportSize({ width: 1280, height: 800 });
      for (
        const [lang, text] of [
          ["fr", `Cela supprime aussi ${clips.length} extraits.`],
          ["it", `Verranno eliminate anche ${clips.length} clip.`],
          ["en", `This also deletes ${clips.length} clips.`],
        ] as const
      ) {
        await h.context().addCookies([{ name: "spazio_lang", value: lang, url: web.url }]);
        await h.goto(`${web.url}/s/${space.id}/replay`);
        await islandsReady(h);
        await h.locator(".replay-host .button.danger").click();
        await h.getByRole("alertdialog").getByText(text).waitFor();
      }
      await h.getByRole("alertdialog").scrollIntoViewIfNeeded();
      await h.screenshot({ path: `${ARTIFACTS}/clips-delete-confirm-1280.png` });
      // The page reloads once the answer came, that is once the recording and its clips are gone.
      const reloaded = h.waitForResponse((r) =>
        r.url() === `${web.url}/s/${space.id}/replay` && r.request().method() === "GET"
      );
      await h.getByRole("alertdialog").getByRole("button", { name: "Delete the recording" }).click();
      assert.equal((await reloaded).status(), 410);

      // Every clip went with it: page and audio 410 with the reason, files gone.
      for (const id of clips) {
        const page = await fetch(`${web.url}/clips/${id}`);
        assert.equal(page.status, 410);
        assert.match(await page.text(), /This clip was deleted with its recording\./);
        for (const file of ["clip.ogg", "clip.m4a"]) {
          const audio = await fetch(`${web.url}/api/clips/${id}/${file}`);
          assert.equal(audio.status, 410);
          assert.equal((await audio.json()).error.message, "This clip was deleted with its recording.");
        }
      }
      assert.deepEqual(await store.list("clips/"), []);
      assert.equal(await svc.clips.countOf(space.id), 0);
      const gonePage = (await newPerson(browser, { width: 360 })).page;
      await gonePage.setViewportSize({ width: 360, height: 740 });
      await gonePage.goto(`${web.url}/clips/${clips[0]}`);
      await gonePage.getByText("This clip was deleted with its recording.").waitFor();
      await gonePage.screenshot({ path: `${ARTIFACTS}/clip-deleted-360.png` });
    } finally {
      await browser.close();
      await web.close();
      await Deno.remove(recordings.root, { recursive: true });
    }
  },
);
