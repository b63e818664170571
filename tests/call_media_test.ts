// Calls through the real SFU in Chromium with fake devices (the microphone plays a tone from a
// WAV file): each side hears the other, a muted side goes silent for the other, a video call
// delivers video both ways, and nothing that reaches one browser holds the other browser's
// address, ICE credentials or certificate: only the SFU's candidates ever do. A call goes on while
// the person browses other pages (one peer connection the whole time), with a mini call bar whose
// mute and End work.
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { islandsReady, launchToneBrowser } from "./support/browser.ts";
import { type Account, account, assertFits, befriend, signedInPage, sleep, viewShots } from "./support/calls.ts";
import { waitFor } from "./support/party.ts";
import { type MediaStats, READ_STATS, RECORD_PEER_CONNECTIONS } from "./support/sfu.ts";
import { type Stack, startStack } from "./support/stack.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const stats = (page: Page) => page.evaluate(READ_STATS) as Promise<MediaStats>;

let stack: Stack;
let browser: Browser;
const received = new Map<Page, string[]>();

async function grows(
  page: Page,
  what: string,
  key: "inboundAudioBytes" | "inboundVideoFrames",
  by: number,
  timeoutMs = 15_000,
) {
  const start = (await stats(page))[key];
  return await waitFor(what, async () => {
    const s = await stats(page);
    return s[key] > start + by ? s : undefined;
  }, timeoutMs);
}

async function growthOver(page: Page, key: "inboundAudioBytes" | "inboundVideoFrames", ms: number) {
  const a = (await stats(page))[key];
  await sleep(ms);
  return (await stats(page))[key] - a;
}

/** What identifies a browser on the network: its candidates' ports, ICE user names, certificates. */
async function identity(page: Page) {
  return await page.evaluate(async () => {
    const ports: number[] = [];
    const secrets: string[] = [];
    const remotePorts: number[] = [];
    // deno-lint-ignore no-explicit-any
    for (const pc of (window as any).__pcs as RTCPeerConnection[]) {
      if (pc.connectionState === "closed") continue;
      for (const line of (pc.localDescription?.sdp ?? "").split(/\r?\n/)) {
        const m = /^a=(ice-ufrag|ice-pwd|fingerprint):(.+)$/.exec(line);
        if (m) secrets.push(m[2].trim());
      }
      (await pc.getStats()).forEach((s) => {
        if (s.type === "local-candidate") ports.push(s.port);
        if (s.type === "remote-candidate") remotePorts.push(s.port);
      });
    }
    return { ports, secrets, remotePorts };
  });
}

async function caller(who: Account, width = 1280) {
  const { page } = await signedInPage(browser, stack.web, who, { width });
  await page.context().addInitScript(RECORD_PEER_CONNECTIONS);
  const frames: string[] = [];
  received.set(page, frames);
  page.on("websocket", (ws) => ws.on("framereceived", (f) => frames.push(String(f.payload))));
  return page;
}

async function connect(kind: "Audio call" | "Video call", suffix = kind[0].toLowerCase(), width = 1280) {
  const ann = await account(stack.web, `ann${suffix}`);
  const bob = await account(stack.web, `bob${suffix}`);
  await befriend(stack.web, ann, bob);
  const a = await caller(ann, width);
  const b = await caller(bob);
  await b.goto(`${stack.web.url}/messages`);
  await islandsReady(b);
  await a.goto(`${stack.web.url}/messages/${bob.user.handle}`);
  await islandsReady(a);
  await a.getByRole("button", { name: kind }).click();
  await b.getByRole("dialog", { name: /is calling you/ }).getByRole("button", { name: "Accept" }).click();
  for (const p of [a, b]) await p.getByRole("status").getByText("Connected").waitFor();
  return { ann, bob, a, b };
}

Deno.test("start the stack and Chromium with a tone for a microphone", opts, async () => {
  stack = await startStack({ sfu: true });
  browser = await launchToneBrowser(120);
});

Deno.test(
  "an audio call: each side hears the other's tone; mute silences a side; only the SFU's addresses reach either browser",
  opts,
  async () => {
    const { a, b } = await connect("Audio call");
    for (const [p, who] of [[a, "Ann"], [b, "Bob"]] as const) {
      const s = await grows(p, `${who} hearing the other side`, "inboundAudioBytes", 4_000);
      assert.ok(s.maxAudioLevel > 0.01, `${who}'s audio level stays at silence: ${s.maxAudioLevel}`);
      assert.equal(s.inboundVideoFrames, 0);
    }
    // The quality icon names the level, and opens the stats sheet with its three graphs.
    const quality = a.getByRole("button", { name: /^Connection: (good|fair|poor)$/ });
    await quality.waitFor({ timeout: 10_000 });
    await sleep(4_500);
    await quality.click();
    const sheet = a.getByRole("dialog", { name: "Call stats" });
    for (const what of ["Bitrate", "Packet loss", "Round-trip time"]) {
      await sheet.getByRole("img", { name: new RegExp(`^${what} over the last minute, now `) }).waitFor();
    }
    assert.ok(await sheet.locator("polyline").count() >= 3, "the stats sheet draws no graph");
    await viewShots(a, "call-stats");
    await a.keyboard.press("Escape");
    await sheet.waitFor({ state: "detached" });

    // Ann mutes: Bob stops receiving her sound; she unmutes and he hears her again.
    await a.getByRole("button", { name: "Mute" }).click();
    await a.getByRole("button", { name: "Unmute" }).waitFor();
    await sleep(700);
    const whileMuted = await growthOver(b, "inboundAudioBytes", 2_000);
    assert.ok(whileMuted < 600, `Bob still received ${whileMuted} bytes of Ann's audio while she was muted`);
    await a.getByRole("button", { name: "Unmute" }).click();
    await grows(b, "Bob hearing Ann after she unmuted", "inboundAudioBytes", 2_000);

    const [ia, ib] = [await identity(a), await identity(b)];
    assert.ok(ia.remotePorts.length > 0 && ib.remotePorts.length > 0);
    for (const [me, other, name] of [[ia, ib, "Ann"], [ib, ia, "Bob"]] as const) {
      for (const port of me.remotePorts) {
        assert.ok(
          !other.ports.includes(port),
          `${name} was given the other browser's candidate port ${port}`,
        );
      }
    }
    for (const [page, other, name] of [[a, ib, "Ann"], [b, ia, "Bob"]] as const) {
      const text = received.get(page)!.join("\n");
      assert.ok(text.includes("iceCandidates"), `${name} never got the SFU's transport parameters`);
      for (const secret of other.secrets) {
        assert.ok(
          !text.includes(secret),
          `${name} received the other browser's ICE or DTLS parameters`,
        );
      }
      for (const port of other.ports) {
        assert.ok(
          !new RegExp(`"port":${port}\\b`).test(text),
          `${name} received the other browser's port ${port}`,
        );
      }
    }
    await a.getByRole("button", { name: "End call" }).click();
    await b.getByText(/^Call ended/).waitFor();
    await sleep(500);
    assert.ok((await growthOver(b, "inboundAudioBytes", 1_000)) < 200, "media kept flowing after the call ended");
  },
);

Deno.test("a video call delivers video both ways; camera off stops it", opts, async () => {
  const { ann, bob, a, b } = await connect("Video call");
  await grows(a, "Ann receiving Bob's video", "inboundVideoFrames", 20);
  await grows(b, "Bob receiving Ann's video", "inboundVideoFrames", 20);
  await grows(a, "Ann hearing Bob", "inboundAudioBytes", 2_000);
  await a.locator(`video[aria-label="${bob.user.displayName}"]`).waitFor();
  await b.locator(`video[aria-label="${ann.user.displayName}"]`).waitFor();
  await a.locator('video[aria-label="You"]').waitFor();
  await assertFits(
    a,
    "the video call screen",
    ["Mute", "Turn camera off", "End call"].map((name) => a.getByRole("button", { name })),
  );
  await viewShots(a, "call-video");
  await a.getByRole("button", { name: "Turn camera off" }).click();
  await b.locator(`video[aria-label="${ann.user.displayName}"]`).waitFor({ state: "detached" });
  await sleep(500);
  assert.ok(
    (await growthOver(b, "inboundVideoFrames", 1_500)) < 3,
    "Ann's video kept reaching Bob with her camera off",
  );
  await a.getByRole("button", { name: "Turn camera on" }).click();
  await grows(b, "Bob receiving Ann's video again", "inboundVideoFrames", 10);
  await b.getByRole("button", { name: "End call" }).click();
  await a.getByText(/^Call ended/).waitFor();
});

/** The page's peer connections' states, and how many connected ones carry the other side's audio. */
const connections = (page: Page) =>
  page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const pcs = (window as any).__pcs as RTCPeerConnection[];
    let carrying = 0;
    for (const pc of pcs) {
      if (pc.connectionState !== "connected") continue;
      let bytes = 0;
      (await pc.getStats()).forEach((s) => {
        if (s.type === "inbound-rtp" && s.kind === "audio") bytes += s.bytesReceived ?? 0;
      });
      if (bytes > 0) carrying++;
    }
    return { states: pcs.map((pc) => pc.connectionState), carrying };
  });

Deno.test(
  "a call goes on while the person browses two other pages and back; the mini call bar mutes and ends it",
  opts,
  async () => {
    const { bob, a, b } = await connect("Audio call", "nav", 360);
    await grows(a, "Ann hearing Bob", "inboundAudioBytes", 2_000);
    const atStart = await connections(a);
    assert.equal(atStart.carrying, 1, `one connected peer connection carries Bob's audio: ${JSON.stringify(atStart)}`);
    const bar = a.getByRole("region", { name: "Ongoing call" });
    assert.equal(await bar.count(), 0, "no call bar on the call screen itself");

    // Down from the call screen to the thread, then to Home: partial navigation, the call goes on.
    await a.getByRole("link", { name: `Back to messages with ${bob.user.displayName} (the call goes on)` }).click();
    await a.waitForURL(`${stack.web.url}/messages/${bob.user.handle}`);
    await bar.waitFor();
    await bar.getByText(/^\d+:\d\d$/).waitFor();
    await grows(a, "Ann hearing Bob from the thread", "inboundAudioBytes", 2_000);
    await assertFits(a, "the call bar over the thread", [
      bar.getByRole("button", { name: "Mute" }),
      bar.getByRole("button", { name: "End call" }),
    ]);
    await viewShots(a, "call-bar-thread");
    await a.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
    await a.waitForURL(`${stack.web.url}/`);
    await grows(a, "Ann hearing Bob from Home", "inboundAudioBytes", 2_000);
    await viewShots(a, "call-bar-home");
    assert.deepEqual(await connections(a), atStart, "the same peer connections the whole time");

    // Mute from the bar: Bob stops hearing Ann; unmute: he hears her again.
    await bar.getByRole("button", { name: "Mute" }).click();
    await bar.getByRole("button", { name: "Unmute" }).waitFor();
    await sleep(700);
    const whileMuted = await growthOver(b, "inboundAudioBytes", 2_000);
    assert.ok(whileMuted < 600, `Bob still received ${whileMuted} bytes while Ann was muted from the bar`);
    await bar.getByRole("button", { name: "Unmute" }).click();
    await grows(b, "Bob hearing Ann unmuted from the bar", "inboundAudioBytes", 2_000);

    // A tap on the bar opens the call screen again, on the same connection; the bar gives way.
    await bar.getByRole("button", { name: `Back to the call with ${bob.user.displayName}` }).click();
    await a.waitForURL(/\/calls\/[A-Za-z0-9_-]+$/);
    await a.getByRole("button", { name: "Mute" }).waitFor();
    await a.getByRole("timer", { name: /^Duration \d+:\d\d$/ }).waitFor();
    await bar.waitFor({ state: "detached" });
    await grows(a, "Ann hearing Bob back on the call screen", "inboundAudioBytes", 2_000);
    assert.deepEqual(await connections(a), atStart, "still the same peer connections");

    // Away again, End from the bar: the call ends for both and the media stops.
    await a.getByRole("link", { name: /the call goes on/ }).click();
    await a.waitForURL(/\/messages\//);
    await bar.getByRole("button", { name: "End call" }).click();
    await b.getByText(/^Call ended/).waitFor();
    await bar.getByText(/^Call ended/).waitFor();
    await bar.waitFor({ state: "detached", timeout: 8_000 });
    await waitFor(
      "Ann's peer connections closing",
      async () => (await connections(a)).states.every((s) => s === "closed") || undefined,
    );
  },
);

Deno.test("stop everything", opts, async () => {
  await browser.close();
  await stack.close();
});
