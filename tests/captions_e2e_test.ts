// Live captions with the real stack (web, partykit dev, the SFU with SPAZIO_CAPTIONS=1 and the
// embedded pocketsphinx) in Chromium: the host's fake microphone plays espeak-ng speech of a
// known English sentence (then silence, looped); the host (on the Space room) and an anonymous
// listener on the Space's audience shard turn CC on and see most of its words with the host's
// name; the CC choice is remembered after a reload; the host turns captions off for everyone
// and the listener's button goes. The Space was recorded: its replay shows the transcript (a tap
// on a line plays from there, the search finds a word and jumps to it) and the WebVTT downloads.
// A word match is loose: the embedded engine misses words.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  islandsReady,
  launchBrowser,
  newPerson,
  openSheet,
  screenshots,
  signUp,
  watchSockets,
} from "./support/browser.ts";
import { waitFor } from "./support/party.ts";
import { audioTime } from "./support/recording.ts";
import { speechWav } from "./support/speech.ts";
import { startStack } from "./support/stack.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const SENTENCE = "welcome to the show today we talk about music";
const WORDS = SENTENCE.split(" ").filter((w) => w.length > 2);

/** The words of the final caption lines on the page (with the speaker named in each line). */
async function finalWords(page: Page, name: string): Promise<string[]> {
  const lines = await page.locator("[data-testid=captions] .cc-final").allTextContents();
  return lines.filter((l) => l.startsWith(name)).flatMap((l) => l.slice(name.length).trim().split(/\s+/));
}

async function seesMostWords(page: Page, name: string, what: string): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  let heard: string[] = [];
  while (Date.now() < deadline) {
    const words = await finalWords(page, name);
    heard = WORDS.filter((w) => words.includes(w));
    if (heard.length >= Math.ceil(WORDS.length / 2)) return heard;
    await page.waitForTimeout(250);
  }
  throw new Error(`${what}: heard only ${JSON.stringify(heard)} of ${JSON.stringify(WORDS)}`);
}

Deno.test("live captions: the host's words reach the room and a shard's listener, with their name", opts, async () => {
  const stack = await startStack({ sfu: true, sfuEnv: { SPAZIO_CAPTIONS: "1" } });
  const wav = await speechWav(SENTENCE);
  const browser = await launchBrowser([
    `--use-file-for-fake-audio-capture=${wav}`,
    "--autoplay-policy=no-user-gesture-required",
  ]);
  try {
    const host = await newPerson(browser);
    const h = host.page;
    await signUp(h, stack.web.url, "cc_host", "Sia Host");
    // Created recorded, with the body the creation form sends.
    const created = await h.evaluate(async () => {
      const body = JSON.stringify({ title: "Captioned", lang: "en", record: true });
      const res = await fetch("/api/spaces", { method: "POST", headers: { "content-type": "application/json" }, body });
      return await res.json();
    });
    const link = `${stack.web.url}/s/${created.id}`;
    await h.goto(link);
    await islandsReady(h);
    await h.getByRole("button", { name: "Unmute my microphone" }).click();
    const cc = (p: Page) => p.getByRole("button", { name: "CC Captions" });
    await cc(h).click();
    await seesMostWords(h, "Sia Host", "the host's own captions (Space room)");

    const anon = await newPerson(browser, { width: 360 });
    const a = anon.page;
    const sockets = watchSockets(a);
    await a.goto(link);
    await islandsReady(a);
    await cc(a).click();
    assert.equal(await cc(a).getAttribute("aria-pressed"), "true");
    const heard = await seesMostWords(a, "Sia Host", "an anonymous listener on the shard");
    const spaceId: string = created.id;
    assert.ok(sockets.to(`/parties/audience/${spaceId}.0`).length > 0, "the listener is on the Space's shard");
    assert.equal(sockets.to("/parties/space/").length, 0);
    console.log(`captions: the listener read ${heard.length} of ${WORDS.length} words: ${heard.join(" ")}`);
    // Finals are announced politely to screen readers.
    await a.locator("[data-testid=captions] [aria-live=polite]", { hasText: "Sia Host:" }).waitFor({ timeout: 5_000 });
    await screenshots(a, "captions-live");

    // Remembered: after a reload the captions are on without a click.
    await a.reload();
    await islandsReady(a);
    await a.getByTestId("captions").waitFor({ timeout: 10_000 });
    assert.equal(await cc(a).getAttribute("aria-pressed"), "true");

    // The host turns them off for everyone: the listener's button goes, and lines stop coming.
    await h.getByRole("button", { name: "Turn captions off for everyone" }).click();
    await a.getByText("The host turned captions off.").waitFor({ timeout: 5_000 });
    assert.equal(await cc(a).count(), 0);

    // The replay: the transcript at its times, a line plays from its time, the search jumps.
    await openSheet(h, /^Host tools/);
    await h.getByRole("button", { name: "End Space" }).click();
    await h.getByRole("button", { name: "Yes, end it" }).click();
    await waitFor("the replay to be mixed", async () => {
      const r = await stack.recordings.get(spaceId);
      return r && (r.status === "ready" || r.status === "failed") ? r : undefined;
    }, 30_000);
    const timeline = JSON.parse(await Deno.readTextFile(`${stack.recordingsDir}/spaces/${spaceId}/timeline.json`));
    const transcript: { text: string; fromMs: number; toMs: number }[] = timeline.transcript;
    assert.ok(transcript.length > 0, "finals kept in the timeline");
    await a.goto(`${link}/replay`);
    await islandsReady(a);
    const section = a.getByTestId("transcript");
    await section.waitFor();
    const lines = section.getByRole("button", { name: /Sia Host/ });
    assert.equal(await lines.count(), transcript.length);
    await lines.last().click();
    const lastAt = transcript.at(-1)!.fromMs / 1000;
    await waitFor("the replay to play from the tapped line", async () => {
      const t = await audioTime(a);
      return Math.abs(t - lastAt) < 1.5 ? true : undefined;
    }, 5_000);
    const search = section.getByRole("searchbox", { name: "Search the transcript" });
    await search.fill("music");
    await section.getByRole("status").filter({ hasText: /lines? match/ }).waitFor();
    await search.press("Enter");
    const firstMusic = transcript.find((l) => l.text.includes("music"))!.fromMs / 1000;
    await waitFor("the search to jump to the first line with the word", async () => {
      const t = await audioTime(a);
      return Math.abs(t - firstMusic) < 1.5 ? true : undefined;
    }, 5_000);
    await search.fill("");
    await screenshots(a, "captions-transcript");
    const [download] = await Promise.all([
      a.waitForEvent("download"),
      section.getByRole("link", { name: "Download WebVTT" }).click(),
    ]);
    const vtt = await Deno.readTextFile((await download.path())!);
    assert.ok(vtt.startsWith("WEBVTT\n"), vtt.slice(0, 40));
    assert.match(vtt, /\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}\n<v Sia Host>/);
  } finally {
    await browser.close();
    await stack.close();
    await Deno.remove(wav).catch(() => {});
  }
});
