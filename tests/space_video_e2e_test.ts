// Video in a Space, end to end with the real room, SFU and Chromium: the host allows video and
// turns the camera on (asked for only then); two listeners without an account, one on a phone
// and one on a desktop, decode the host's frames while the audio keeps playing; the phone's small
// tile receives a narrower simulcast layer than the desktop's large one; "Audio only" stops the
// video bytes (and is remembered); the host turning video off stops everybody's frames within
// 1 s and turns the camera light off; a listener's forged video produce is refused.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  closeSheet,
  islandsReady,
  launchToneBrowser,
  newPerson,
  openSheet,
  signUp,
  startSpaceAsHost,
} from "./support/browser.ts";
import { waitFor } from "./support/party.ts";
import { audioGrows, RECORD_PEER_CONNECTIONS, statsOf } from "./support/sfu.ts";
import { startStack } from "./support/stack.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const ARTIFACTS = Deno.env.get("SPAZIO_ARTIFACTS") ?? "test-artifacts";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Keeps every camera track the page is given, to see whether its light is on. */
const RECORD_CAMERAS = `
  (() => {
    window.__cams = [];
    const md = navigator.mediaDevices;
    const gum = md.getUserMedia.bind(md);
    md.getUserMedia = async (c) => {
      const s = await gum(c);
      for (const t of s.getVideoTracks()) window.__cams.push(t);
      return s;
    };
  })();
`;
const cameraLights = (p: Page) =>
  // deno-lint-ignore no-explicit-any
  p.evaluate(() => ((window as any).__cams as MediaStreamTrack[]).map((t) => t.readyState));

/** Waits until the page decodes `n` more video frames. */
async function framesGrow(page: Page, what: string, n = 10, timeoutMs = 15_000) {
  const start = (await statsOf(page)).inboundVideoFrames;
  return await waitFor(what, async () => {
    const s = await statsOf(page);
    return s.inboundVideoFrames >= start + n ? s : undefined;
  }, timeoutMs);
}

async function videoBytesOver(page: Page, ms: number) {
  const a = (await statsOf(page)).inboundVideoBytes;
  await sleep(ms);
  return (await statsOf(page)).inboundVideoBytes - a;
}

/** Nothing wider than the screen, and the action bar inside the viewport. */
async function fits(page: Page, what: string) {
  const box = await page.evaluate(() => {
    const r = document.querySelector(".action-bar")!.getBoundingClientRect();
    return { bottom: r.bottom, vh: innerHeight, sw: document.documentElement.scrollWidth, vw: innerWidth };
  });
  assert.ok(box.sw <= box.vw, `${what}: wider than the screen ${JSON.stringify(box)}`);
  assert.ok(box.bottom <= box.vh, `${what}: the action bar is below the fold ${JSON.stringify(box)}`);
}

Deno.test(
  "video in a Space: allowed by the host, watched by every listener at the layer its tile needs, off for everyone at once",
  opts,
  async () => {
    const stack = await startStack({ sfu: true });
    const { web } = stack;
    const browser = await launchToneBrowser(180);
    try {
      const host = await newPerson(browser, { width: 1280 });
      const phone = await newPerson(browser, { width: 360 });
      const desk = await newPerson(browser, { width: 1280 });
      for (const p of [host, phone, desk]) {
        await p.context.addInitScript(RECORD_PEER_CONNECTIONS);
        await p.context.addInitScript(RECORD_CAMERAS);
      }
      await signUp(host.page, web.url, "cam_host", "Cam Host");
      const h = host.page;
      const link = await startSpaceAsHost(h, web.url, "Show and tell");
      const spaceId = link.split("/s/")[1];

      // An audio-only Space has no camera button; the host allows video from Host tools, by keyboard.
      assert.equal(await h.getByRole("button", { name: "Turn my camera on" }).count(), 0);
      await openSheet(h, /^Host tools/);
      const allow = h.getByRole("switch", { name: /Allow video/ });
      assert.equal(await allow.isChecked(), false);
      await allow.focus();
      await h.keyboard.press("Space");
      await h.getByRole("switch", { name: /Allow video/, checked: true }).waitFor();
      await closeSheet(h);

      // Two anonymous listeners hear the host before any camera is on.
      const [p, d] = [phone.page, desk.page];
      for (const l of [p, d]) {
        await l.goto(link);
        await islandsReady(l);
        await audioGrows(l, "the host's voice at a listener");
      }

      // The camera is asked for only now, from the host's tap.
      assert.deepEqual(await cameraLights(h), [], "no camera before the host turns it on");
      await h.getByRole("button", { name: "Turn my camera on" }).click();
      await h.getByRole("button", { name: "Turn my camera off" }).waitFor();
      assert.deepEqual(await cameraLights(h), ["live"]);
      // The self-view is mirrored and named after its person.
      await h.locator('video.tile-video[aria-label="Cam Host’s camera"]').waitFor();
      assert.match(await h.locator("video.tile-video").first().getAttribute("class") ?? "", /mirrored/);

      // Both listeners decode frames while the audio keeps playing.
      for (const [l, who] of [[p, "phone"], [d, "desktop"]] as const) {
        await l.locator('video.tile-video[aria-label="Cam Host’s camera"]').waitFor();
        await framesGrow(l, `frames at the ${who} listener`);
        await audioGrows(l, `the voice at the ${who} listener while video plays`);
        assert.equal(await l.locator("video.tile-video.mirrored").count(), 0, "a listener's view is not mirrored");
      }
      // Screen readers hear that the camera went on.
      await waitFor(
        "the camera announced",
        async () => (/Cam Host.*camera.*on/i.test(
            await p.locator(".visually-hidden[aria-live]").allTextContents().then((t) => t.join(" ")),
          )
          ? true
          : undefined),
        5_000,
      );

      // The phone's tile is drawn small, the desktop's large: the phone receives a narrower layer.
      const tileWidth = (l: Page) =>
        l.locator("video.tile-video").first().evaluate((v) => v.getBoundingClientRect().width);
      const [pw, dw] = [await tileWidth(p), await tileWidth(d)];
      assert.ok(pw < 360 && dw > 1.5 * pw, `tile widths ${pw} and ${dw}`);
      const widths = await waitFor("the desktop to receive a larger layer than the phone", async () => {
        const [a, b] = [(await statsOf(p)).inboundVideoWidth, (await statsOf(d)).inboundVideoWidth];
        return a > 0 && b > a ? { phone: a, desktop: b } : undefined;
      }, 25_000);
      console.log(
        `frame width received: phone tile ${Math.round(pw)} px -> ${widths.phone}, desktop tile ${
          Math.round(dw)
        } px -> ${widths.desktop}`,
      );
      assert.ok(widths.phone <= 400, `the phone's small tile gets the lowest layer (${widths.phone} px wide)`);
      await fits(p, "phone with video");
      await p.screenshot({ path: `${ARTIFACTS}/space-video-listener-360.png` });
      await d.screenshot({ path: `${ARTIFACTS}/space-video-listener-1280.png` });
      await h.screenshot({ path: `${ARTIFACTS}/space-video-host-1280.png` });

      // "Audio only" at the desktop: no more video bytes, the voice goes on, the tile is an avatar.
      await openSheet(d, "Audio and more");
      await d.getByRole("switch", { name: /Audio only/ }).click();
      await closeSheet(d);
      await d.locator("video.tile-video").waitFor({ state: "detached" });
      await sleep(500);
      assert.equal(await videoBytesOver(d, 2_000), 0, "no video bytes with Audio only");
      await audioGrows(d, "the voice with Audio only");
      // Remembered: after a reload the page still receives no video.
      await d.reload();
      await islandsReady(d);
      await audioGrows(d, "the voice after a reload with Audio only");
      assert.equal((await statsOf(d)).inboundVideoBytes, 0, "no video at all after the reload");
      assert.equal(await d.locator("video.tile-video").count(), 0);
      await openSheet(d, "Audio and more");
      assert.equal(await d.getByRole("switch", { name: /Audio only/ }).isChecked(), true);
      await closeSheet(d);

      // The host turns video off: the phone's frames stop within 1 s, the camera light goes off.
      await framesGrow(p, "frames at the phone before video goes off", 5);
      await openSheet(h, /^Host tools/);
      const off = h.getByRole("switch", { name: /Allow video/ });
      await off.click();
      const offAt = Date.now();
      await sleep(Math.max(0, offAt + 1_000 - Date.now()));
      const framesAt1s = (await statsOf(p)).inboundVideoFrames;
      await sleep(1_500);
      const framesLater = (await statsOf(p)).inboundVideoFrames;
      assert.ok(
        framesLater <= framesAt1s,
        `frames kept arriving more than 1 s after video went off (${framesAt1s} -> ${framesLater})`,
      );
      await closeSheet(h);
      await waitFor(
        "the host's camera light to go off",
        async () => ((await cameraLights(h)).every((s) => s === "ended") ? true : undefined),
        3_000,
      );
      await p.locator("video.tile-video").waitFor({ state: "detached", timeout: 3_000 });
      assert.equal(await h.locator("video.tile-video").count(), 0, "the host's tile is an avatar again");
      assert.equal(
        await h.getByRole("button", { name: /Turn my camera/ }).count(),
        0,
        "no camera button while video is off",
      );
      await audioGrows(p, "the voice after video went off");

      // A listener forges a camera with their own SFU token, then a video track labelled as the
      // microphone: both refused, nothing created. (From a page without the Space's island, since
      // the SFU keeps one connection per person.) Video is allowed again first, so only the rules
      // of the stage stand between the forger and the camera.
      await openSheet(h, /^Host tools/);
      await h.getByRole("switch", { name: /Allow video/ }).click();
      await h.getByRole("switch", { name: /Allow video/, checked: true }).waitFor();
      await closeSheet(h);
      const forger = await newPerson(browser);
      await forger.page.goto(`${web.url}/people`);
      const answers = await forger.page.evaluate(async (space) => {
        const tk = await (await fetch(`/api/spaces/${space}/join`, { method: "POST" })).json();
        const ws = new WebSocket(`${tk.sfuUrl}?token=${encodeURIComponent(tk.sfuToken)}`);
        await new Promise((r) => (ws.onopen = r));
        const got: Record<number, { type: string; code?: string; message?: string }> = {};
        ws.onmessage = (e) => {
          const m = JSON.parse(e.data);
          if (typeof m.id === "number") got[m.id] = m;
        };
        const ask = async (msg: Record<string, unknown>) => {
          ws.send(JSON.stringify(msg));
          for (let i = 0; i < 250 && !got[msg.id as number]; i++) await new Promise((r) => setTimeout(r, 20));
          return got[msg.id as number] ?? { type: "no answer" };
        };
        const t = (await ask({ type: "createTransport", id: 1, direction: "send" })) as unknown as {
          data?: { transportId: string };
        };
        const rtpParameters = {
          codecs: [{ mimeType: "video/VP8", payloadType: 101, clockRate: 90000 }],
          encodings: [{ ssrc: 2222 }],
        };
        const transportId = t.data?.transportId ?? "x";
        const camera = await ask({
          type: "produce",
          id: 2,
          transportId,
          kind: "video",
          rtpParameters,
          appData: { source: "camera" },
        });
        const asMic = await ask({
          type: "produce",
          id: 3,
          transportId,
          kind: "video",
          rtpParameters,
          appData: { source: "mic" },
        });
        ws.close();
        return { camera, asMic };
      }, spaceId);
      assert.equal(answers.camera.type, "error");
      assert.equal(answers.camera.code, "forbidden", JSON.stringify(answers.camera));
      assert.equal(answers.asMic.type, "error");
      assert.equal(answers.asMic.code, "forbidden", JSON.stringify(answers.asMic));
      const health = await stack.sfu!.health();
      const room = health.rooms.find((r) => r.name.includes(spaceId));
      assert.ok(room, `the Space's room on the SFU: ${JSON.stringify(health.rooms)}`);
      assert.equal(room.media.producers, 1, `only the host's microphone is produced: ${JSON.stringify(room.media)}`);
      await sleep(500);
      assert.equal(await p.locator("video.tile-video").count(), 0, "no tile appeared at the listener");
    } finally {
      await browser.close();
      await stack.close();
    }
  },
);
