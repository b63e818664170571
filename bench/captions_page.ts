// bench:captions, the page part: the whole path with the real stack (SFU with SPAZIO_CAPTIONS=1):
// the host's fake microphone loops espeak-ng speech of a known sentence and 3 s of silence; an
// anonymous listener with CC on watches its inbound audio level (getStats, every 20 ms) and the
// caption lines (a MutationObserver). Per utterance: speech end as the listener hears it -> the
// final line on the page, and speech start -> the first partial. `--runs N` utterances (8).
import { islandsReady, launchBrowser, newPerson, signUp, startSpaceAsHost } from "../tests/support/browser.ts";
import { RECORD_PEER_CONNECTIONS } from "../tests/support/sfu.ts";
import { startStack } from "../tests/support/stack.ts";
import { speechWav } from "../tests/support/speech.ts";

const runs = Number(Deno.args[Deno.args.indexOf("--runs") + 1] || 8) || 8;
const stack = await startStack({ sfu: true, sfuEnv: { SPAZIO_CAPTIONS: "1" } });
const wav = await speechWav("welcome to the show today we talk about music");
const browser = await launchBrowser([
  `--use-file-for-fake-audio-capture=${wav}`,
  "--autoplay-policy=no-user-gesture-required",
]);
try {
  const host = await newPerson(browser);
  await signUp(host.page, stack.web.url, "ccb_host", "Bench Host");
  const link = await startSpaceAsHost(host.page, stack.web.url, "Captions bench");
  const anon = await newPerson(browser, { width: 360 });
  const a = anon.page;
  await anon.context.addInitScript(RECORD_PEER_CONNECTIONS);
  await a.goto(link);
  await islandsReady(a);
  await a.getByRole("button", { name: "CC Captions" }).click();
  await a.getByTestId("captions").waitFor();
  // In the page: audio edges from the inbound level, caption events from the DOM, both on Date.now().
  await a.evaluate(() => {
    const w = window as unknown as {
      __pcs: RTCPeerConnection[];
      __edges: { up: number[]; down: number[] };
      __lines: { at: number; final: boolean; id: string }[];
    };
    w.__edges = { up: [], down: [] };
    w.__lines = [];
    let speaking = false;
    let quietSince = 0;
    setInterval(async () => {
      let level = 0;
      for (const pc of w.__pcs) {
        (await pc.getStats()).forEach((s) => {
          if (s.type === "inbound-rtp" && s.kind === "audio") level = Math.max(level, s.audioLevel ?? 0);
        });
      }
      const now = Date.now();
      if (!speaking && level > 0.02) {
        speaking = true;
        w.__edges.up.push(now);
      } else if (speaking && level < 0.005) {
        quietSince ||= now;
        if (now - quietSince > 400) {
          speaking = false;
          w.__edges.down.push(quietSince);
          quietSince = 0;
        }
      } else quietSince = 0;
    }, 20);
    const box = document.querySelector("[data-testid=captions]")!;
    // Per line element (one per utterance), each new text: the same words said again in a later
    // utterance are a new line, not one seen before.
    const seen = new WeakMap<Element, string>();
    new MutationObserver(() => {
      box.querySelectorAll("p.cc-partial, p.cc-final").forEach((p) => {
        const key = `${p.className}|${p.textContent}`;
        if (seen.get(p) === key) return;
        seen.set(p, key);
        w.__lines.push({ at: Date.now(), final: p.className === "cc-final", id: p.textContent ?? "" });
      });
    }).observe(box, { subtree: true, childList: true, characterData: true });
  });
  const period = 6_500;
  await a.waitForTimeout(period * (runs + 1));
  const { edges, lines } = await a.evaluate(() => {
    const w = window as unknown as {
      __edges: { up: number[]; down: number[] };
      __lines: { at: number; final: boolean }[];
    };
    return { edges: w.__edges, lines: w.__lines };
  });
  const finals: number[] = [];
  const partials: number[] = [];
  for (const end of edges.down) {
    const f = lines.find((l) => l.final && l.at >= end);
    if (f && f.at - end < 5_000) finals.push(f.at - end);
  }
  for (const start of edges.up) {
    const p = lines.find((l) => !l.final && l.at >= start);
    if (p && p.at - start < 5_000) partials.push(p.at - start);
  }
  const pct = (xs: number[], q: number) =>
    xs.length ? [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(q * xs.length))] : NaN;
  const row = {
    bench: "captions-page",
    engine: "pocketsphinx",
    utterances: edges.down.length,
    final_p50_ms: pct(finals, 0.5),
    final_p95_ms: pct(finals, 0.95),
    first_partial_p50_ms: pct(partials, 0.5),
    first_partial_p95_ms: pct(partials, 0.95),
  };
  console.log(
    `listener page, ${row.utterances} utterances: speech end -> final p50 ${row.final_p50_ms} ms, p95 ${row.final_p95_ms} ms; speech start -> first partial p50 ${row.first_partial_p50_ms} ms, p95 ${row.first_partial_p95_ms} ms`,
  );
  console.log(JSON.stringify(row));
} finally {
  await browser.close();
  await stack.close();
  await Deno.remove(wav).catch(() => {});
}
