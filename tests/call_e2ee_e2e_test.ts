// End-to-end encrypted calls through the real stack in Chromium (fake devices: a 440 Hz tone for a
// microphone, a flat grey picture for a camera), with the SFU run by sfu/test/tap-main.ts, which
// taps every producer with a PlainTransport into an ffmpeg that decodes it, as the recorder does:
// - an audio call and a video call decode both ways, the lock says encrypted, both screens show
//   the same code, and the tap hears no tone and sees no grey picture in what the SFU forwards;
// - a call with a browser that cannot encrypt says so on both screens, sends nothing until both
//   choose to go on without encryption, and then the tap hears the tone and sees the picture;
// - a new device of the same person (a fresh browser profile) is called out on the other screen;
// - a public key replaced on its way through the call room gives the two screens different codes.
// Longer than 300 lines: the four cases share one browser, one SFU tap and its helpers; apart,
// each file would start its own Chromium and tap for one case.
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { islandsReady, launchToneBrowser } from "./support/browser.ts";
import {
  type Account,
  account,
  befriend,
  codeOn,
  ENCRYPTED_LOCK,
  signedInPage,
  sleep,
  viewShots,
} from "./support/calls.ts";
import { waitFor } from "./support/party.ts";
import { type MediaStats, READ_STATS, RECORD_PEER_CONNECTIONS } from "./support/sfu.ts";
import { type Stack, startStack } from "./support/stack.ts";
import { b64u, newDeviceKey, rawPublic } from "../lib/browser/calls/e2ee/keys.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const stats = (page: Page) => page.evaluate(READ_STATS) as Promise<MediaStats>;
const FFMPEG = Deno.env.get("SPAZIO_FFMPEG") ?? "/usr/bin/ffmpeg";
/** The browser's camera: flat grey; a picture the tap decodes is "the source" when it is this flat grey. */
const GREY = "0xB4B4B4";
/** Removes what lets script see encoded frames: a browser that cannot encrypt a call. */
const NO_FRAME_API = `
  delete window.RTCRtpScriptTransform;
  delete RTCRtpSender.prototype.createEncodedStreams;
  delete RTCRtpReceiver.prototype.createEncodedStreams;
`;

let stack: Stack;
let browser: Browser;
let tapDir: string;
let video: string;
let greyY = 0;

interface Tap {
  producerId: string;
  kind: "audio" | "video";
  file: string;
  at: number;
}

async function taps(since: number): Promise<Tap[]> {
  const text = await Deno.readTextFile(`${tapDir}/taps.jsonl`).catch(() => "");
  return text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Tap).filter((t) => t.at >= since);
}

/** Of 100 ms windows of a tapped microphone's decoded sound, how many carry the 440 Hz tone. */
async function toneWindows(file: string): Promise<{ windows: number; tone: number }> {
  const bytes = await Deno.readFile(file).catch(() => new Uint8Array(0));
  const pcm = new Int16Array(bytes.buffer, 0, Math.floor(bytes.length / 2));
  const N = 4_800;
  let windows = 0;
  let tone = 0;
  for (let at = 0; at + N <= pcm.length; at += N) {
    let s = 0, c = 0, e = 0;
    for (let i = 0; i < N; i++) {
      const x = pcm[at + i];
      const w = (2 * Math.PI * 440 * i) / 48_000;
      s += x * Math.sin(w);
      c += x * Math.cos(w);
      e += x * x;
    }
    windows++;
    // Most of the window's energy at 440 Hz, above near-silence.
    if (e / N > 30 * 30 && (2 * (s * s + c * c)) / (N * e) > 0.5) tone++;
  }
  return { windows, tone };
}

/** Of a tapped camera's decoded pictures (64x48 grey), how many are the flat grey it sent. */
async function greyFrames(file: string): Promise<{ frames: number; grey: number }> {
  const bytes = await Deno.readFile(file).catch(() => new Uint8Array(0));
  const size = 64 * 48;
  let frames = 0;
  let grey = 0;
  for (let at = 0; at + size <= bytes.length; at += size) {
    frames++;
    let sum = 0, sq = 0;
    for (let i = at; i < at + size; i++) (sum += bytes[i], sq += bytes[i] * bytes[i]);
    const mean = sum / size;
    const sd = Math.sqrt(Math.max(0, sq / size - mean * mean));
    if (Math.abs(mean - greyY) < 12 && sd < 12) grey++;
  }
  return { frames, grey };
}

/** What the SFU's tap got from the producers made since `since`, a few seconds in. */
async function tapped(since: number, kinds: ("audio" | "video")[]) {
  const list = await waitFor("the SFU's tap on every new producer", async () => {
    const t = await taps(since);
    return kinds.every((k) => t.filter((x) => x.kind === k).length >= 2) ? t : undefined;
  }, 10_000);
  // The tap's ffmpeg starts a second after the producer; then a few seconds of media.
  await sleep(4_000);
  const audio = await Promise.all(list.filter((t) => t.kind === "audio").map((t) => toneWindows(t.file)));
  const vid = await Promise.all(list.filter((t) => t.kind === "video").map((t) => greyFrames(t.file)));
  return { audio, video: vid };
}

async function person(who: Account, init?: string): Promise<Page> {
  const { page } = await signedInPage(browser, stack.web, who);
  await page.context().addInitScript(RECORD_PEER_CONNECTIONS);
  if (init) await page.context().addInitScript(init);
  return page;
}

/** `a` calls `bob` (on `b`), who answers; both screens reach Connected. */
async function connect(a: Page, b: Page, bob: Account, kind: "Audio call" | "Video call") {
  await b.goto(`${stack.web.url}/messages`);
  await islandsReady(b);
  await a.goto(`${stack.web.url}/messages/${bob.user.handle}`);
  await islandsReady(a);
  await a.getByRole("button", { name: kind }).click();
  await b.getByRole("dialog", { name: /is calling you/ }).getByRole("button", { name: "Accept" }).click();
  for (const p of [a, b]) await p.getByRole("status").getByText("Connected").waitFor();
}

async function grows(page: Page, what: string, key: "inboundAudioBytes" | "inboundVideoFrames", by: number) {
  const start = (await stats(page))[key];
  return await waitFor(what, async () => {
    const s = await stats(page);
    return s[key] > start + by ? s : undefined;
  }, 15_000);
}

const encrypted = (p: Page) => p.locator(ENCRYPTED_LOCK);

async function hangUp(p: Page, other: Page) {
  await p.getByRole("button", { name: "End call" }).click();
  await other.getByText(/^Call ended/).waitFor();
}

let ann: Account, bob: Account, carl: Account;
let a: Page, b: Page;

Deno.test("start the stack (with the tapping SFU) and Chromium with a tone and a grey camera", opts, async () => {
  tapDir = await Deno.makeTempDir({ prefix: "spazio-tap-" });
  video = await Deno.makeTempFile({ suffix: ".y4m" });
  const mk = await new Deno.Command(FFMPEG, {
    args: [
      "-v",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      `color=c=${GREY}:s=320x240:r=15`,
      "-t",
      "2",
      "-pix_fmt",
      "yuv420p",
      video,
    ],
  }).output();
  assert.equal(mk.code, 0, "ffmpeg could not make the camera's picture");
  const ref = await new Deno.Command(FFMPEG, {
    args: [
      "-v",
      "error",
      "-i",
      video,
      "-frames:v",
      "1",
      "-vf",
      "scale=64:48",
      "-pix_fmt",
      "gray",
      "-f",
      "rawvideo",
      "-",
    ],
    stdout: "piped",
  }).output();
  greyY = ref.stdout.reduce((s, x) => s + x, 0) / ref.stdout.length;
  stack = await startStack({ sfu: true, sfuEntry: "test/tap-main.ts", sfuEnv: { SPAZIO_TEST_TAP_DIR: tapDir } });
  browser = await launchToneBrowser(120, 440, [`--use-file-for-fake-video-capture=${video}`]);
  ann = await account(stack.web, "ann_e2ee");
  bob = await account(stack.web, "bob_e2ee");
  carl = await account(stack.web, "carl_e2ee");
  await befriend(stack.web, ann, bob);
  await befriend(stack.web, bob, ann);
  await befriend(stack.web, ann, carl);
  a = await person(ann);
  b = await person(bob);
});

Deno.test(
  "an encrypted audio call: both hear the other, the lock says so, both screens show the same code, the SFU hears no tone",
  opts,
  async () => {
    const since = Date.now();
    await connect(a, b, bob, "Audio call");
    for (const p of [a, b]) await encrypted(p).waitFor();
    for (const [p, who] of [[a, "Ann"], [b, "Bob"]] as const) {
      const s = await grows(p, `${who} hearing the other side`, "inboundAudioBytes", 4_000);
      assert.ok(s.maxAudioLevel > 0.01, `${who} hears silence: the frames did not decrypt (${s.maxAudioLevel})`);
    }
    const [ca, cb] = [await codeOn(a), await codeOn(b)];
    assert.match(ca, /^\d{4} \d{4} \d{4}$/);
    assert.equal(ca, cb, "the two screens show different codes");
    // Ann compares and marks Bob's device verified; the lock then says so.
    await a.getByRole("button", { name: /^End-to-end encrypted/ }).click();
    const sheet = a.getByRole("dialog", { name: "End-to-end encryption" });
    await sheet.getByRole("button", { name: `Same code: mark ${bob.user.displayName} as verified` }).click();
    await sheet.getByText(`You verified ${bob.user.displayName}'s device.`).waitFor();
    await viewShots(a, "call-e2ee-code");
    await a.keyboard.press("Escape");
    await a.getByRole("button", { name: "End-to-end encrypted, verified" }).waitFor();
    const got = await tapped(since, ["audio"]);
    assert.equal(got.audio.length, 2);
    for (const t of got.audio) assert.equal(t.tone, 0, `the SFU's tap heard the tone: ${JSON.stringify(got.audio)}`);
    assert.equal(await a.getByTestId("e2ee-key-changed").count(), 0);
    await hangUp(a, b);
  },
);

Deno.test("an encrypted video call: pictures decode both ways; the SFU's tap sees none of them", opts, async () => {
  const since = Date.now();
  await connect(b, a, ann, "Video call");
  for (const p of [a, b]) await encrypted(p).waitFor();
  await grows(a, "Ann receiving Bob's video", "inboundVideoFrames", 20);
  await grows(b, "Bob receiving Ann's video", "inboundVideoFrames", 20);
  const s = await grows(a, "Ann hearing Bob", "inboundAudioBytes", 2_000);
  assert.ok(s.maxAudioLevel > 0.01);
  assert.equal(await codeOn(a), await codeOn(b));
  const got = await tapped(since, ["audio", "video"]);
  assert.equal(got.video.length, 2);
  for (const t of got.video) assert.equal(t.grey, 0, `the SFU's tap decoded the picture: ${JSON.stringify(got.video)}`);
  for (const t of got.audio) assert.equal(t.tone, 0, `the SFU's tap heard the tone: ${JSON.stringify(got.audio)}`);
  // The same two devices as before: no warning on either side.
  for (const p of [a, b]) assert.equal(await p.getByTestId("e2ee-key-changed").count(), 0);
  await hangUp(b, a);
});

Deno.test(
  "a browser that cannot encrypt: both screens say so, nothing flows until both go on unencrypted; then the tap hears and sees it",
  opts,
  async () => {
    const c = await person(carl, NO_FRAME_API);
    const since = Date.now();
    await connect(a, c, carl, "Video call");
    await a.getByRole("alert").getByText(`${carl.user.displayName}'s browser can't encrypt calls end to end`, {
      exact: false,
    }).waitFor();
    await c.getByRole("alert").getByText("This browser can't encrypt calls end to end", { exact: false }).waitFor();
    await sleep(1_500);
    assert.equal(
      (await stats(a)).inboundAudioBytes + (await stats(c)).inboundAudioBytes,
      0,
      "media flowed before the choice",
    );
    await viewShots(a, "call-e2ee-unsupported");
    await a.getByRole("button", { name: "Continue without encryption" }).click();
    await a.getByText(`Waiting for ${carl.user.displayName} to continue without encryption…`).waitFor();
    await c.getByRole("button", { name: "Continue without encryption" }).click();
    for (const p of [a, c]) await p.getByText("Not encrypted: Spazio's servers could listen to this call.").waitFor();
    await grows(a, "Ann hearing Carl", "inboundAudioBytes", 2_000);
    await grows(c, "Carl receiving Ann's video", "inboundVideoFrames", 10);
    const got = await tapped(since, ["audio", "video"]);
    // Ann's first producers (made before the choice, their frames dropped unsent) gave the tap
    // nothing; the two plain ones of each kind carry the tone and the picture.
    const heard = got.audio.filter((t) => t.windows > 0);
    const seen = got.video.filter((t) => t.frames > 0);
    assert.equal(heard.length, 2, `the tap got sound from ${heard.length} microphones: ${JSON.stringify(got.audio)}`);
    assert.equal(seen.length, 2, `the tap got pictures from ${seen.length} cameras: ${JSON.stringify(got.video)}`);
    for (const t of heard) assert.ok(t.tone > t.windows / 3, `no tone in a plain call: ${JSON.stringify(got.audio)}`);
    for (const t of seen) assert.ok(t.grey >= 5, `no grey picture in a plain call: ${JSON.stringify(got.video)}`);
    await hangUp(a, c);
    await c.context().close();
  },
);

Deno.test("Bob on a new device: Ann's screen says his key is not one she called before", opts, async () => {
  const b2 = await person(bob);
  await connect(a, b2, bob, "Audio call");
  await a.getByTestId("e2ee-key-changed").getByText(
    `${bob.user.displayName}'s device key is not one you've called before`,
    { exact: false },
  ).waitFor();
  await encrypted(a).waitFor();
  assert.equal(await b2.getByTestId("e2ee-key-changed").count(), 0, "Ann's device is the one Bob knows");
  await viewShots(a, "call-e2ee-key-changed");
  await hangUp(a, b2);
  await b2.context().close();
});

Deno.test("a call room that swaps Ann's public key on its way to Bob: the two codes differ", opts, async () => {
  const evil = b64u.encode(await rawPublic(await newDeviceKey()));
  const ctx: BrowserContext = b.context();
  await ctx.routeWebSocket(/\/parties\/call\//, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((m) => {
      const ev = JSON.parse(String(m));
      if (ev.type === "key" && ev.key.pub) ev.key.pub = evil;
      ws.send(JSON.stringify(ev));
    });
    ws.onMessage((m) => server.send(m));
  });
  try {
    await connect(b, a, ann, "Audio call");
    for (const p of [a, b]) await encrypted(p).waitFor();
    const [ca, cb] = [await codeOn(a), await codeOn(b)];
    assert.notEqual(ca, cb, "a replaced key gave the same code");
    // And the key Bob got is not Ann's: he is warned, and hears nothing of hers.
    await b.getByTestId("e2ee-key-changed").waitFor();
    await sleep(1_000);
    assert.ok((await stats(b)).maxAudioLevel < 0.01, "Bob heard Ann through a key that was not hers");
    await hangUp(b, a);
  } finally {
    await ctx.unrouteAll({ behavior: "ignoreErrors" });
  }
});

Deno.test("stop everything", opts, async () => {
  await browser.close();
  await stack.close();
  await Deno.remove(tapDir, { recursive: true }).catch(() => {});
  await Deno.remove(video).catch(() => {});
});
