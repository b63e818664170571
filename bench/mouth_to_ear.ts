// Mouth-to-ear on loopback, through the whole stack (web, party, SFU, Chromium on both ends), for
// each Opus packetisation: a host speaks short beeps (a fake microphone file), a second person
// hears them through the SFU, and each side timestamps every beep's onset in WebAudio, on the
// same machine clock. The delay covers capture processing, Opus framing (the ptime), the SFU,
// the receiver's jitter buffer and decoding, but not a loudspeaker's own latency.
// The host's page gets the packetisation as mediasoup-client's `opusPtime` would put it: `ptime`
// in the Opus fmtp line of the answer the send transport applies (RemoteMediaSection.js).
// A listener's path through the SFU is the one a speaker hears another speaker by (a consumer of
// the producer), so the figure is the speaker-to-speaker one.
import { islandsReady, launchBrowser, newPerson, signUp } from "../tests/support/browser.ts";
import { startStack } from "../tests/support/stack.ts";
import { percentile as pct } from "./percentile.ts";

const BEEP_EVERY_MS = 1_000;
const BEEP_MS = 60;
const LISTEN_MS = Number(Deno.env.get("MOUTH_TO_EAR_SECONDS") ?? 25) * 1000;

/** 48 kHz mono: a 1 kHz beep of BEEP_MS every BEEP_EVERY_MS, silence between (DTX sends little). */
async function writeBeepWav(path: string, seconds: number): Promise<void> {
  const rate = 48_000;
  const n = rate * seconds;
  const buf = new ArrayBuffer(44 + n * 2);
  const v = new DataView(buf);
  const str = (o: number, s: string) => [...s].forEach((c, i) => v.setUint8(o + i, c.charCodeAt(0)));
  str(0, "RIFF");
  v.setUint32(4, 36 + n * 2, true);
  str(8, "WAVE");
  str(12, "fmt ");
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 1, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  str(36, "data");
  v.setUint32(40, n * 2, true);
  const every = (rate * BEEP_EVERY_MS) / 1000;
  const len = (rate * BEEP_MS) / 1000;
  for (let i = 0; i < n; i++) {
    const on = i % every < len;
    v.setInt16(44 + i * 2, on ? Math.round(Math.sin((2 * Math.PI * 1000 * i) / rate) * 16_000) : 0, true);
  }
  await Deno.writeFile(path, new Uint8Array(buf));
}

/**
 * Page code shared by both ends: `window.__onset(stream)` timestamps every beep onset of a stream
 * (ms on the machine clock, corrected for where in its 256-frame block the onset fell).
 */
const ONSETS = `
  window.__onsets = [];
  window.__onset = (stream) => {
    const ctx = new AudioContext({ sampleRate: 48000 });
    const src = ctx.createMediaStreamSource(stream);
    const proc = ctx.createScriptProcessor(256, 1, 1);
    let quietSince = 0;
    let quiet = true;
    proc.onaudioprocess = (e) => {
      const now = performance.timeOrigin + performance.now();
      const data = e.inputBuffer.getChannelData(0);
      for (let i = 0; i < data.length; i++) {
        const loud = Math.abs(data[i]) > 0.08;
        const t = now - ((data.length - i) / 48000) * 1000;
        if (loud && quiet && t - quietSince > 300) window.__onsets.push(t);
        if (loud) { quiet = false; quietSince = t; } else if (!quiet && t - quietSince > 30) { quiet = true; }
      }
    };
    src.connect(proc);
    proc.connect(ctx.destination);
    window.__ctx = ctx;
  };
`;

/** The host: taps the microphone as captured, and asks for `ptime` in the answer's Opus fmtp. */
const hostScript = (ptime: number) => `
  ${ONSETS}
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => {
    const s = await gum(c);
    if (s.getAudioTracks().length) window.__onset(new MediaStream([s.getAudioTracks()[0].clone()]));
    return s;
  };
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    window.__pcs.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
  const setRemote = RTCPeerConnection.prototype.setRemoteDescription;
  RTCPeerConnection.prototype.setRemoteDescription = function (d) {
    if (d && d.type === "answer" && ${ptime} !== 20) {
      const m = /a=rtpmap:(\\d+) opus\\/48000/i.exec(d.sdp);
      if (m) {
        const pt = m[1];
        d = { type: d.type, sdp: d.sdp.replace(new RegExp("(a=fmtp:" + pt + " [^\\\\r\\\\n]*)"), "$1;ptime=${ptime}") };
      }
    }
    if (d && d.type === "answer") {
      const f = /a=fmtp:\\d+ [^\\r\\n]*useinbandfec[^\\r\\n]*/.exec(d.sdp);
      if (f) window.__fmtp = f[0];
    }
    return setRemote.call(this, d);
  };
`;

/** The listener: taps every audio track it receives. */
const listenerScript = `
  ${ONSETS}
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    pc.addEventListener("track", (e) => { if (e.track.kind === "audio") window.__onset(new MediaStream([e.track])); });
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
`;

/** Opus packets the page has sent so far, and when. */
async function audioPacketsSent(page: import("playwright-core").Page): Promise<{ packets: number; at: number }> {
  return await page.evaluate(async () => {
    let packets = 0;
    // deno-lint-ignore no-explicit-any
    for (const pc of ((window as any).__pcs ?? []) as RTCPeerConnection[]) {
      (await pc.getStats()).forEach((s) => {
        if (s.type === "outbound-rtp" && s.kind === "audio") packets += s.packetsSent ?? 0;
      });
    }
    return { packets, at: performance.now() };
  });
}

/** Prints one `mouth-to-ear` line per packetisation. */
export async function mouthToEar(ptimes: number[]): Promise<void> {
  const wav = await Deno.makeTempFile({ suffix: ".wav" });
  await writeBeepWav(wav, 60);
  const stack = await startStack({ sfu: true });
  const browser = await launchBrowser([
    `--use-file-for-fake-audio-capture=${wav}`,
    "--autoplay-policy=no-user-gesture-required",
  ]);
  try {
    for (const ptime of ptimes) {
      const host = await newPerson(browser);
      await host.context.addInitScript(hostScript(ptime));
      await signUp(host.page, stack.web.url, `m2e_${ptime}_${Date.now() % 100000}`.slice(0, 15), "Beeper");
      await host.page.goto(`${stack.web.url}/spaces/new`);
      await islandsReady(host.page);
      await host.page.getByLabel("Title").fill(`Beeps at ${ptime} ms`);
      await host.page.getByRole("button", { name: "Start your Space" }).click();
      await host.page.waitForURL(/\/s\/[A-Za-z0-9_-]+$/);
      const link = host.page.url();
      await islandsReady(host.page);
      await host.page.getByRole("button", { name: "Unmute my microphone" }).click();
      await host.page.getByRole("button", { name: "Mute my microphone" }).waitFor();
      // The frame size the host's encoder actually uses, from the sender's stats.
      const ear = await browser.newContext();
      await ear.addInitScript(listenerScript);
      const page = await ear.newPage();
      await page.goto(link);
      await page.waitForTimeout(3_000); // joined and consuming
      await page.evaluate(() => ((window as unknown as { __onsets: number[] }).__onsets.length = 0));
      const start = await host.page.evaluate(() => performance.timeOrigin + performance.now());
      const sent0 = await audioPacketsSent(host.page);
      await page.waitForTimeout(LISTEN_MS);
      const said = (await host.page.evaluate(() => (window as unknown as { __onsets: number[] }).__onsets)).filter((
        t,
      ) => t >= start);
      const heard = await page.evaluate(() => (window as unknown as { __onsets: number[] }).__onsets);
      const sent1 = await audioPacketsSent(host.page);
      const fmtp = await host.page.evaluate(() => (window as unknown as { __fmtp: string }).__fmtp);
      const packetsPerS = Math.round(((sent1.packets - sent0.packets) / (sent1.at - sent0.at)) * 10_000) / 10;
      const delays: number[] = [];
      for (const t of heard) {
        const before = said.filter((s) => s <= t && t - s < BEEP_EVERY_MS * 0.9);
        if (before.length) delays.push(t - before[before.length - 1]);
      }
      delays.sort((a, b) => a - b);
      console.error(
        `mouth-to-ear ptime ${ptime}: ${said.length} beeps said, ${heard.length} heard, delays ${
          delays.map((d) => d.toFixed(0)).join(" ")
        }`,
      );
      await ear.close();
      await host.context.close();
      if (delays.length < 5) throw new Error(`ptime ${ptime}: only ${delays.length} beeps matched`);
      console.log(JSON.stringify({
        bench: "mouth-to-ear",
        ptime,
        beeps: delays.length,
        p50_ms: Math.round(pct(delays, 50)),
        p95_ms: Math.round(pct(delays, 95)),
        max_ms: Math.round(delays[delays.length - 1]),
        // The host's Opus packets a second over the run (beeps and DTX silence): shows the
        // packetisation took effect; the fmtp the host's answer carried says which was asked.
        host_packets_per_s: packetsPerS,
        fmtp,
      }));
    }
  } finally {
    await browser.close();
    await stack.close();
    await Deno.remove(wav).catch(() => {});
  }
}

if (import.meta.main) await mouthToEar((Deno.env.get("MOUTH_TO_EAR_PTIMES") ?? "20,40,60").split(",").map(Number));
