// The listener side of `bench:network`: N anonymous listeners open a live Space's link one after
// another through the network emulator, and each figure is read from their own pages' WebRTC
// stats (tests/support/listening.ts): join-to-audible, what a listening window conceals, loses and
// repairs, how long the host's mute takes to fall silent on their side, and how long audio takes
// to come back after an outage or when UDP is blocked.
import type { Browser, Page } from "playwright-core";
import { waitFor } from "../tests/support/party.ts";
import { AUDIBLE_LEVEL, type InboundAudio, inboundAudio, whenAudible } from "../tests/support/listening.ts";
import type { NetemRelay } from "../tests/support/netem.ts";
import { RECORD_PEER_CONNECTIONS } from "../tests/support/sfu.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * In the first listener's page: marks (performance.now) for each peer connection's ICE and DTLS
 * reaching "connected", the first audio packet and the first audio above silence, so that the
 * bench can say where the time between the consumer and the sound goes.
 */
export const TRACE_JOIN = `
  (() => {
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = function (...args) {
      const pc = new Native(...args);
      const mark = (n) => performance.getEntriesByName("spazio:" + n).length || performance.mark("spazio:" + n);
      pc.addEventListener("iceconnectionstatechange", () => mark("ice-" + pc.iceConnectionState));
      pc.addEventListener("icegatheringstatechange", () => mark("gather-" + pc.iceGatheringState));
      pc.addEventListener("icecandidate", (e) => e.candidate && mark("candidate-" + e.candidate.protocol));
      pc.addEventListener("signalingstatechange", () => mark("sig-" + pc.signalingState));
      pc.addEventListener("connectionstatechange", () => pc.connectionState === "connected" && mark("dtls-connected"));
      const poll = async () => {
        for (let i = 0; i < 2000 && pc.connectionState !== "closed"; i++) {
          let packets = 0, level = 0;
          (await pc.getStats()).forEach((s) => {
            if (s.type === "inbound-rtp" && s.kind === "audio") { packets += s.packetsReceived || 0; level = Math.max(level, s.audioLevel || 0); }
          });
          if (packets > 0) mark("first-packet");
          if (level > 0) mark("first-level");
          if (level > 0.01) return mark("level-above-silence");
          await new Promise((r) => setTimeout(r, 5));
        }
      };
      poll();
      return pc;
    };
    try {
      new PerformanceObserver((l) => l.getEntries().forEach((e) => performance.mark("spazio:long" + Math.round(e.duration), { startTime: e.startTime }))).observe({ type: "longtask", buffered: true });
    } catch {}
    window.RTCPeerConnection.prototype = Native.prototype;
    Object.setPrototypeOf(window.RTCPeerConnection, Native);
  })();
`;

/** The page's spazio:* marks since `since` (epoch ms), in order, as "name@ms" after it. */
export const marksSince = (page: Page, since: number): Promise<string> =>
  page.evaluate((since) =>
    performance.getEntriesByType("mark").filter((m) => m.name.startsWith("spazio:"))
      .map((m) => ({ name: m.name.slice(7), at: performance.timeOrigin + m.startTime - since }))
      // A call's page also marks what it did while it rang, before Accept (negative).
      .filter((m) => m.at >= -10_000).sort((a, b) => a.at - b.at)
      .map((m) => `${m.name}@${m.at.toFixed(0)}`).join(" "), since);

export interface Listeners {
  pages: Page[];
  /** Per listener, ms from the page's first script (the head's, which opens the media socket) to audible. */
  fromScriptMs: number[];
  /** Per listener, ms from opening the link (navigation start) to audio above silence. */
  joinMs: number[];
  close(): Promise<void>;
}

/**
 * Opens the link in `n` fresh browser profiles, one after another, each timed to audible. `serial`:
 * each listener leaves before the next opens (the listening window then has the last one only), so
 * that a join does not share the machine's two cores with the listeners before it.
 */
export async function joinListeners(
  browser: Browser,
  link: string,
  n: number,
  opts: { serial?: boolean; traceAll?: boolean } = {},
): Promise<Listeners> {
  const pages: Page[] = [];
  const joinMs: number[] = [];
  const fromScriptMs: number[] = [];
  const close = async () => {
    for (const p of pages) await p.context().close().catch(() => {});
  };
  try {
    for (let i = 0; i < n; i++) {
      const context = await browser.newContext();
      await context.addInitScript(RECORD_PEER_CONNECTIONS);
      if (i === 0 || opts.traceAll) await context.addInitScript(TRACE_JOIN);
      const page = await context.newPage();
      pages.push(page);
      await page.goto(link, { waitUntil: "commit" });
      const at = await whenAudible(page, 40_000);
      if (at < 0) throw new Error(`listener ${i + 1} heard nothing within 40 s`);
      const opened = await page.evaluate(() => performance.timeOrigin);
      joinMs.push(at - opened);
      const script = await page.evaluate(() => performance.getEntriesByName("spazio:early-sfu")[0]?.startTime ?? -1);
      if (script >= 0) fromScriptMs.push(at - opened - script);
      // Where the time went (the page's own spazio:* marks and its navigation), for the first one.
      const marks = i > 0 && !opts.traceAll ? "" : await page.evaluate(() => {
        const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        const scripts = (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
          .filter((r) => /\.(js|css)$/.test(r.name))
          // queued / sent / first byte - last byte
          .map((r) =>
            `${r.name.split("/").pop()!.slice(0, 12)}:${
              [r.startTime, r.requestStart, r.responseStart].map((t) => t.toFixed(0)).join("/")
            }-${r.responseEnd.toFixed(0)}`
          );
        const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1;
        return [
          `html@${n.responseEnd.toFixed(0)}`,
          `dcl@${n.domContentLoadedEventEnd.toFixed(0)}`,
          `fcp@${fcp.toFixed(0)}`,
          ...scripts,
        ].join(" ");
      }) + ` ${await marksSince(page, opened)}`;
      console.error(`  listener ${i + 1}: audible ${(at - opened).toFixed(0)} ms after opening the link ${marks}`);
      if (i === 0) console.error(`  listener 1's ICE pairs: ${await page.evaluate(ICE_PAIRS)}`);
      if (opts.serial && i < n - 1) {
        pages.pop();
        await context.close();
      }
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { pages, joinMs, fromScriptMs, close };
}

/** In a page: each receiving connection's candidate pairs (local -> remote, state, checks sent/answered). */
export const ICE_PAIRS = async () => {
  const out: string[] = [];
  // deno-lint-ignore no-explicit-any
  for (const pc of ((window as any).__pcs ?? []) as RTCPeerConnection[]) {
    if (pc.connectionState === "closed") continue;
    const stats = await pc.getStats();
    const cand = (id: string) => {
      const c = stats.get(id);
      return c ? `${c.address}:${c.port}/${c.protocol}/${c.candidateType}` : "?";
    };
    stats.forEach((s) => {
      if (s.type !== "candidate-pair") return;
      out.push(
        `${cand(s.localCandidateId)}->${cand(s.remoteCandidateId)} ${s.state}${s.nominated ? "*" : ""} ` +
          `req ${s.requestsSent} resp ${s.responsesReceived}`,
      );
    });
  }
  return out.join("; ");
};

export interface Window {
  concealedRatio: number;
  packetsLost: number;
  packetsReceived: number;
  lostRatio: number;
  nacks: number;
  retransmitted: number;
}

/** What every listener's inbound audio conceals, loses and repairs over `ms`. */
export async function listenWindow(pages: Page[], ms: number): Promise<Window> {
  const before = await Promise.all(pages.map(inboundAudio));
  await sleep(ms);
  const after = await Promise.all(pages.map(inboundAudio));
  const d = (k: keyof InboundAudio) => after.reduce((s, a, i) => s + (a[k] as number) - (before[i][k] as number), 0);
  const samples = d("totalSamplesReceived");
  const lost = d("packetsLost");
  const received = d("packetsReceived");
  return {
    concealedRatio: samples > 0 ? d("concealedSamples") / samples : NaN,
    packetsLost: lost,
    packetsReceived: received,
    lostRatio: lost + received > 0 ? lost / (lost + received) : NaN,
    nacks: d("nackCount"),
    retransmitted: d("retransmittedPacketsReceived"),
  };
}

/** Runs in a page: from now, notes when (Date.now()) inbound audio first falls to silence. */
const WATCH_SILENCE = ({ level }: { level: number }) => {
  const w = window as unknown as { __silentAt: number; __pcs?: RTCPeerConnection[] };
  w.__silentAt = 0;
  (async () => {
    const deadline = Date.now() + 20_000;
    while (!w.__silentAt && Date.now() < deadline) {
      let loud = 0;
      for (const pc of w.__pcs ?? []) {
        if (pc.connectionState === "closed") continue;
        (await pc.getStats()).forEach((s) => {
          if (s.type === "inbound-rtp" && s.kind === "audio") loud = Math.max(loud, s.audioLevel ?? 0);
        });
      }
      if (loud <= level) w.__silentAt = Date.now();
      else await new Promise((r) => setTimeout(r, 10));
    }
  })();
};

/** The host mutes: ms from the click to silence on each listener's side; then the host unmutes. */
export async function muteToListeners(host: Page, pages: Page[]): Promise<number[]> {
  for (const p of pages) await p.evaluate(WATCH_SILENCE, { level: AUDIBLE_LEVEL });
  const clicked = Date.now();
  await host.getByRole("button", { name: "Mute my microphone" }).click();
  await host.getByRole("button", { name: "Unmute my microphone" }).waitFor();
  const silentAt = await waitFor("every listener to fall silent after the host's mute", async () => {
    const at = await Promise.all(
      pages.map((p) => p.evaluate(() => (window as unknown as { __silentAt: number }).__silentAt)),
    );
    return at.every((t) => t > 0) ? at : undefined;
  }, 20_000);
  await host.getByRole("button", { name: "Unmute my microphone" }).click();
  await host.getByRole("button", { name: "Mute my microphone" }).waitFor();
  await Promise.all(pages.map((p) => whenAudible(p, 20_000)));
  return silentAt.map((t) => t - clicked);
}

/** The path is down for `ms`: ms from its return to audio on each listener's side (-1: none in 30 s). */
export async function outageToAudio(relay: NetemRelay, pages: Page[], ms: number): Promise<number[]> {
  relay.outage("all");
  await sleep(ms);
  relay.restore();
  const back = Date.now();
  const at = await Promise.all(pages.map((p) => whenAudible(p, 30_000)));
  return at.map((t) => (t < 0 ? -1 : t - back));
}

/**
 * UDP is blocked mid-listen (TCP still passes): ms from the block to audio on each listener's side,
 * which means over TCP (-1: none within `timeoutMs`). UDP is unblocked after.
 */
export async function udpBlockedToAudio(relay: NetemRelay, pages: Page[], timeoutMs = 60_000): Promise<number[]> {
  relay.outage("udp");
  const blocked = Date.now();
  try {
    const at = await Promise.all(pages.map((p) => whenAudible(p, timeoutMs)));
    return at.map((t) => (t < 0 ? -1 : t - blocked));
  } finally {
    relay.restore();
  }
}
