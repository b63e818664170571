// Media in Firefox (Debian's firefox-esr, driven over WebDriver BiDi by puppeteer-core) against the
// real stack and Chromium: an anonymous Firefox listener hears a Chromium host; a Firefox host is
// heard by a Chromium listener, goes silent when muted and is heard again; a Chromium-Firefox video
// call decodes both ways, end-to-end encrypted with the same code on both screens, and an audio call
// the other way; a camera in a Space decodes in Firefox; the dock keeps Firefox's audio on browsing.
//
// Each test runs in a network namespace of its own (tests/support/firefox.ts#runInNamespace) that
// looks like one person's computer: loopback plus one network card, 198.18.0.1, with the default
// route. The SFU listens as `deno task start` makes it listen in development (127.0.0.1 and the
// machine's own addresses, lib/protocol/sfu_listen.ts), and Firefox keeps its default ICE settings:
// no loopback candidates, host addresses obfuscated, and only the default route's address for a
// page that captures nothing. That is the set-up where Firefox used to get no media at all.
//
// Passkeys are not driven in Firefox: a Firefox person signs up over HTTP with the software passkey
// of tests/support/passkey.ts (the server's real WebAuthn check) and gets that session's cookie in
// their Firefox profile (tests/support/firefox.ts#signUpOverHttp, newFirefoxPerson).
import assert from "node:assert/strict";
import type { Page as FirefoxPage } from "puppeteer-core";
import type { Page } from "playwright-core";
import { machineListenIps } from "../lib/protocol/sfu_listen.ts";
import {
  closeSheet,
  islandsReady,
  launchToneBrowser,
  newPerson,
  openSheet,
  signUp,
  startSpaceAsHost,
} from "./support/browser.ts";
import { account, befriend, ENCRYPTED_LOCK, signedInPage } from "./support/calls.ts";
import {
  byRole,
  cannotMakeNamespace,
  encryptedCode,
  firefoxCode,
  firefoxIslandsReady,
  insideNamespace,
  launchFirefox,
  NAMESPACE_ADDRESS,
  newFirefoxPerson,
  runInNamespace,
  statsPage,
} from "./support/firefox.ts";
import { waitFor } from "./support/party.ts";
import { audioStops, type MediaStats, READ_STATS, RECORD_PEER_CONNECTIONS } from "./support/sfu.ts";
import { startStack } from "./support/stack.ts";

const skip = insideNamespace() ? undefined : await cannotMakeNamespace();
if (skip) console.error(`firefox_e2e_test: skipped, a network namespace cannot be made here: ${skip}`);
const opts = { sanitizeOps: false, sanitizeResources: false, ignore: skip !== undefined };
const FILE = new URL(import.meta.url).pathname;

/**
 * Each test: run in its own namespace from the outside, its body on the inside. `notRun` names a
 * known defect that keeps a test out of the suite until it is fixed (it is still run with
 * SPAZIO_FIREFOX_ALL=1).
 */
function firefoxTest(name: string, body: () => Promise<void>, notRun?: string) {
  const held = notRun !== undefined && Deno.env.get("SPAZIO_FIREFOX_ALL") !== "1";
  if (held && !insideNamespace()) console.error(`firefox_e2e_test: "${name}" is not run: ${notRun}`);
  Deno.test(
    name,
    { ...opts, ignore: opts.ignore || held },
    insideNamespace() ? body : () => runInNamespace(FILE, name),
  );
}

/** The whole stack with the SFU listening as `deno task start` makes it in development. */
function startDevelopmentStack() {
  const listen = machineListenIps(Deno.networkInterfaces());
  assert.ok(listen.includes(NAMESPACE_ADDRESS), `the namespace's address is among ${listen}`);
  return startStack({ sfu: true, sfuEnv: { SPAZIO_SFU_LISTEN_IP: listen.join(",") } });
}

const stats = (page: Page) => page.evaluate(READ_STATS) as Promise<MediaStats>;
const firefoxStats = (page: FirefoxPage) => page.evaluate(READ_STATS) as Promise<MediaStats>;

/** What a Firefox page's peer connections say about ICE, for a failure message. */
function iceReport(page: FirefoxPage) {
  return page.evaluate(async () => {
    const out: unknown[] = [];
    // deno-lint-ignore no-explicit-any
    for (const pc of (window as any).__pcs as RTCPeerConnection[]) {
      const seen: unknown[] = [];
      if (pc.signalingState === "closed") {
        out.push({ connection: "closed" });
        continue;
      }
      (await pc.getStats()).forEach((s) => {
        if (s.type === "candidate-pair") seen.push({ pair: s.state, nominated: s.nominated });
        if (s.type === "local-candidate" || s.type === "remote-candidate") {
          seen.push({ [s.type]: `${s.address}:${s.port}/${s.protocol} ${s.candidateType}` });
        }
      });
      out.push({ connection: pc.connectionState, ice: pc.iceConnectionState, stats: seen });
    }
    return JSON.stringify(out);
  });
}

/** Waits until `key` of a page's stats passes `min` (and, for audio, its level rises above silence). */
async function receives(
  read: () => Promise<MediaStats>,
  what: string,
  key: "inboundAudioBytes" | "inboundVideoFrames",
  opts: { by?: number; timeoutMs?: number; report?: () => Promise<string> } = {},
): Promise<MediaStats> {
  const start = (await read())[key];
  try {
    return await waitFor(what, async () => {
      const s = await read();
      const loud = key !== "inboundAudioBytes" || s.maxAudioLevel > 0.01;
      return s[key] > start + (opts.by ?? (key === "inboundAudioBytes" ? 2_000 : 10)) && loud ? s : undefined;
    }, opts.timeoutMs ?? 15_000);
  } catch (err) {
    throw new Error(`${(err as Error).message}${opts.report ? `; Firefox's connections: ${await opts.report()}` : ""}`);
  }
}

const firefoxReceives = (
  page: FirefoxPage,
  what: string,
  key: "inboundAudioBytes" | "inboundVideoFrames" = "inboundAudioBytes",
) => receives(() => firefoxStats(page), what, key, { report: () => iceReport(page) });
const chromiumReceives = (
  page: Page,
  what: string,
  key: "inboundAudioBytes" | "inboundVideoFrames" = "inboundAudioBytes",
) => receives(() => stats(page), what, key);

/** Only the SFU's addresses ever reach a page as candidates. */
function onlySfuCandidates(s: MediaStats, who: string) {
  assert.ok(s.candidates.length > 0, `${who} has remote candidates`);
  for (const c of s.candidates) {
    assert.ok(c.startsWith("127.0.0.1:") || c.startsWith(`${NAMESPACE_ADDRESS}:`), `${who}: ${c} is not the SFU's`);
  }
}

firefoxTest("Firefox: an anonymous listener hears a Chromium host, in the dock too", async () => {
  const stack = await startDevelopmentStack();
  const chromium = await launchToneBrowser(90);
  const firefox = await launchFirefox();
  try {
    const host = await newPerson(chromium);
    await host.context.addInitScript(RECORD_PEER_CONNECTIONS);
    await signUp(host.page, stack.web.url, "ff_host", "Chromium Host");
    const link = await startSpaceAsHost(host.page, stack.web.url, "Heard in Firefox");

    const { page: l } = await newFirefoxPerson(firefox);
    await l.goto(link);
    await firefoxIslandsReady(l);
    onlySfuCandidates(await firefoxReceives(l, "the Chromium host's tone in Firefox"), "the Firefox listener");
    await l.locator("[data-testid=audio-state]").filter((el) => el.textContent!.includes("Listening")).wait();

    // The listener browses to another page of the app: the dock keeps the Space playing.
    await byRole(l, "link", "Search").click();
    await l.waitForFunction(() => location.pathname === "/people");
    await l.locator(".dock").wait();
    await firefoxReceives(l, "the host's tone while the Space is in the dock");
    await byRole(l, "button", "Leave Heard in Firefox").click();
    await audioStops(statsPage(l), "the audio after Leave in the dock");
  } finally {
    await firefox.close();
    await chromium.close();
    await stack.close();
  }
});

firefoxTest("Firefox: a host speaks to a Chromium listener, mutes and is heard again", async () => {
  const stack = await startDevelopmentStack();
  const chromium = await launchToneBrowser(90);
  const firefox = await launchFirefox();
  try {
    const who = await account(stack.web, "ff_speaker");
    const { page: h } = await newFirefoxPerson(firefox, { web: stack.web, cookie: who.cookie });
    await h.goto(`${stack.web.url}/spaces/new`);
    await firefoxIslandsReady(h);
    await byRole(h, "textbox", "Title").fill("Spoken from Firefox");
    await Promise.all([h.waitForNavigation(), byRole(h, "button", "Start your Space").click()]);
    assert.match(new URL(h.url()).pathname, /^\/s\/[A-Za-z0-9_-]+$/);
    await firefoxIslandsReady(h);
    const link = h.url();
    await byRole(h, "button", "Unmute my microphone").click();
    await byRole(h, "button", "Mute my microphone").wait();

    const listener = await newPerson(chromium);
    await listener.context.addInitScript(RECORD_PEER_CONNECTIONS);
    const l = listener.page;
    await l.goto(link);
    await islandsReady(l);
    await chromiumReceives(l, "the Firefox host's microphone at the Chromium listener").catch(async (err) => {
      throw new Error(`${err.message}; the Firefox host's connections: ${await iceReport(h)}`);
    });

    await byRole(h, "button", "Mute my microphone").click();
    await byRole(h, "button", "Unmute my microphone").wait();
    await audioStops(l, "the Firefox host's audio after muting");
    await byRole(h, "button", "Unmute my microphone").click();
    await chromiumReceives(l, "the Firefox host again after unmuting");
  } finally {
    await firefox.close();
    await chromium.close();
    await stack.close();
  }
});

firefoxTest(
  "Firefox: a video call with Chromium decodes both ways, end-to-end encrypted, and an audio call the other way",
  async () => {
    const stack = await startDevelopmentStack();
    const chromium = await launchToneBrowser(120);
    const firefox = await launchFirefox();
    try {
      const ann = await account(stack.web, "ann_chromium");
      const bob = await account(stack.web, "bob_firefox");
      await befriend(stack.web, ann, bob);
      await befriend(stack.web, bob, ann);
      const { page: a } = await signedInPage(chromium, stack.web, ann);
      await a.context().addInitScript(RECORD_PEER_CONNECTIONS);
      const { page: b } = await newFirefoxPerson(firefox, { web: stack.web, cookie: bob.cookie });
      await b.goto(`${stack.web.url}/messages`);
      await firefoxIslandsReady(b);

      // Chromium calls Firefox with video; Firefox answers.
      await a.goto(`${stack.web.url}/messages/${bob.user.handle}`);
      await islandsReady(a);
      await a.getByRole("button", { name: "Video call" }).click();
      // The ring, a modal dialog named after the caller. puppeteer's ARIA query finds nothing in a
      // modal dialog's top layer in Firefox: its Accept is found by its text, inside that dialog.
      await b.locator("dialog[open][aria-label*='is calling you']").wait();
      await b.locator("dialog[open] button.accept ::-p-text(Accept)").setWaitForStableBoundingBox(false).click();
      await a.getByRole("status").getByText("Connected").waitFor();
      // End-to-end encrypted both ways (Chromium's encoded streams, Firefox's RTCRtpScriptTransform):
      // both locks say so and both screens show the same code. Every frame below went through both
      // workers: they drop all of them until the keys are agreed, and nobody chose a plain call.
      assert.equal(await encryptedCode(a, b), await firefoxCode(b), "the two screens show different codes");
      for (
        const [key, what] of [["inboundAudioBytes", "Ann's voice"], ["inboundVideoFrames", "Ann's camera"]] as const
      ) {
        onlySfuCandidates(await firefoxReceives(b, `${what} decoded in Firefox`, key), "Bob in Firefox");
      }
      for (
        const [key, what] of [["inboundAudioBytes", "Bob's voice"], ["inboundVideoFrames", "Bob's camera"]] as const
      ) {
        await chromiumReceives(a, `${what} (Firefox) decoded in Chromium`, key);
      }
      await a.getByRole("button", { name: "End call" }).click();

      // Firefox calls Chromium, audio only.
      await a.goto(`${stack.web.url}/messages`);
      await islandsReady(a);
      await b.goto(`${stack.web.url}/messages/${ann.user.handle}`);
      await firefoxIslandsReady(b);
      await byRole(b, "button", "Audio call").click();
      await a.getByRole("dialog", { name: /is calling you/ }).getByRole("button", { name: "Accept" }).click();
      await a.getByRole("status").getByText("Connected").waitFor();
      await a.locator(ENCRYPTED_LOCK).waitFor();
      await b.locator(ENCRYPTED_LOCK).wait();
      await firefoxReceives(b, "Ann's voice in Firefox's audio call");
      await chromiumReceives(a, "Bob's voice (Firefox) in Chromium's audio call");
    } finally {
      await firefox.close();
      await chromium.close();
      await stack.close();
    }
  },
);

firefoxTest("Firefox: a camera in a Space decodes at a Firefox listener", async () => {
  const stack = await startDevelopmentStack();
  const chromium = await launchToneBrowser(90);
  const firefox = await launchFirefox();
  try {
    const host = await newPerson(chromium);
    await host.context.addInitScript(RECORD_PEER_CONNECTIONS);
    await signUp(host.page, stack.web.url, "ff_cam_host", "Cam Host");
    const h = host.page;
    const link = await startSpaceAsHost(h, stack.web.url, "Seen in Firefox");
    await openSheet(h, /^Host tools/);
    await h.getByRole("switch", { name: /Allow video/ }).click();
    await h.getByRole("switch", { name: /Allow video/, checked: true }).waitFor();
    await closeSheet(h);

    const { page: l } = await newFirefoxPerson(firefox);
    await l.goto(link);
    await firefoxIslandsReady(l);
    await firefoxReceives(l, "the host's voice in Firefox");
    await h.getByRole("button", { name: "Turn my camera on" }).click();
    await h.getByRole("button", { name: "Turn my camera off" }).waitFor();
    await l.locator('video.tile-video[aria-label="Cam Host’s camera"]').wait();
    await firefoxReceives(l, "the host's camera decoded in Firefox", "inboundVideoFrames");
    await firefoxReceives(l, "the host's voice in Firefox while video plays");
  } finally {
    await firefox.close();
    await chromium.close();
    await stack.close();
  }
});
