// bench:captions: for each caption engine with a model here (sfu/captions/registry.ts), each in a
// recogniser process as the SFU runs it: the word error rate on espeak-ng speech of known
// sentences (lib/shared/wer.ts), the time from the end of the speech to the final text (the
// recogniser's part of caption latency: the SFU and the rooms add a few ms on loopback, and the
// audio-level observer's hangover 1 s; the captions test sees the whole path), the CPU one
// recogniser takes per second of speech, and from that how many recognisers this machine keeps
// up with at once. Runs under Node (the engines' FFI is koffi): `deno task bench:captions`.
// Options: --sentences N (10), --voice en-us+klatt.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { wordErrorRate } from "../lib/shared/wer.ts";
import { plan } from "../sfu/captions/registry.ts";
import { probeModel, RecogniserProcess, type RecogniserSpec } from "../sfu/captions/recogniser.ts";

const SENTENCES: Record<string, string[]> = {
  en: [
    "welcome to the show today we talk about music",
    "good morning and welcome to our weekly radio show",
    "this is a test of live captions",
    "hello everyone thank you for joining this space",
    "the weather is nice and the sun is shining",
    "please raise your hand if you want to speak",
    "we will take questions at the end of the hour",
    "the quick brown fox jumps over the lazy dog",
    "i think the new album is really good",
    "let us move on to the next topic",
  ],
  fr: [
    "bonjour à tous et bienvenue dans notre émission",
    "nous allons parler de musique aujourd'hui",
    "merci de lever la main pour prendre la parole",
  ],
  it: [
    "buongiorno a tutti e benvenuti alla trasmissione",
    "oggi parliamo di musica",
    "alzate la mano se volete parlare",
  ],
};
const VOICE: Record<string, string> = { en: "en-us+klatt", fr: "fr", it: "it" };

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const count = Number(arg("sentences", "10"));

function speech(dir: string, lang: string, text: string, n: number): Buffer {
  const wav = path.join(dir, `${n}.wav`);
  const raw = path.join(dir, `${n}.raw`);
  execFileSync("espeak-ng", ["-v", arg("voice", VOICE[lang] ?? lang), "-s", "140", "-w", wav, text]);
  execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-i", wav, "-ar", "16000", "-ac", "1", "-f", "s16le", raw]);
  return readFileSync(raw);
}

/** CPU seconds (user + system) of a process so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function recognise(rec: RecogniserProcess, pcm: Buffer): Promise<{ text: string; finalMs: number }> {
  const finals: string[] = [];
  const done = new Promise<number>((resolve, reject) => {
    const onFinal = (text: string, pause: boolean) => {
      finals.push(text);
      if (!pause) {
        rec.off("final", onFinal);
        resolve(performance.now());
      }
    };
    rec.on("final", onFinal);
    rec.once("gone", (why) => reject(new Error(`recogniser gone: ${why}`)));
  });
  // Fed as the SFU feeds it: 100 ms of speech every 100 ms.
  for (let i = 0; i < pcm.length; i += 3200) {
    rec.feed(pcm.subarray(i, i + 3200));
    await new Promise((r) => setTimeout(r, 100));
  }
  const end = performance.now();
  rec.end();
  const at = await done;
  return { text: finals.filter(Boolean).join(" "), finalMs: at - end };
}

async function bench(spec: RecogniserSpec, dir: string) {
  const rec = new RecogniserProcess(spec);
  await new Promise<void>((resolve) => rec.once("ready", () => resolve()));
  const sentences = (SENTENCES[spec.lang] ?? []).slice(0, count);
  const pairs: { reference: string; hypothesis: string }[] = [];
  const finals: number[] = [];
  let audio = 0;
  const cpu0 = cpuSeconds(rec.pid!);
  for (const [n, reference] of sentences.entries()) {
    const pcm = speech(dir, spec.lang, reference, n);
    audio += pcm.length / 2 / 16000;
    const { text, finalMs } = await recognise(rec, pcm);
    pairs.push({ reference, hypothesis: text });
    finals.push(finalMs);
  }
  const cpu = cpuSeconds(rec.pid!) - cpu0;
  rec.kill();
  finals.sort((a, b) => a - b);
  const perSecond = cpu / audio;
  return {
    engine: spec.engine,
    lang: spec.lang,
    sentences: sentences.length,
    wer: Math.round(wordErrorRate(pairs) * 1000) / 1000,
    final_p50_ms: Math.round(finals[Math.floor(finals.length / 2)]),
    final_max_ms: Math.round(finals.at(-1) ?? 0),
    cpu_per_recogniser: Math.round(perSecond * 1000) / 1000,
    machine_limit: Math.max(0, Math.floor(os.availableParallelism() / Math.max(perSecond, 1e-6))),
    cores: os.availableParallelism(),
    pairs,
  };
}

const dir = mkdtempSync(path.join(os.tmpdir(), "spazio-bench-captions-"));
try {
  const { tries, problems } = plan(process.env);
  for (const [lang, why] of problems) if (!tries.has(lang)) console.log(`(${lang}: ${why.join("; ")})`);
  const rows = [];
  for (const [lang, options] of tries) {
    for (const o of options) {
      const spec = { engine: o.engine, lang, model: o.model };
      const probe = await probeModel(spec);
      if (!probe.ok) {
        console.log(`(${o.engine} ${lang}: ${probe.why})`);
        continue;
      }
      rows.push(await bench(spec, dir));
    }
  }
  console.log("engine        lang  WER    final p50/max (ms)  CPU per recogniser (cores)  machine limit");
  for (const r of rows) {
    console.log(
      `${r.engine.padEnd(13)} ${r.lang.padEnd(5)} ${r.wer.toFixed(3).padEnd(6)} ${
        `${r.final_p50_ms}/${r.final_max_ms}`.padEnd(19)
      } ${r.cpu_per_recogniser.toFixed(3).padEnd(27)} ${r.machine_limit} (${r.cores} cores)`,
    );
  }
  for (const r of rows) {
    for (const p of r.pairs) console.log(`  ${r.engine}/${r.lang}: "${p.reference}" -> "${p.hypothesis}"`);
  }
  for (const { pairs: _, ...r } of rows) console.log(JSON.stringify({ bench: "captions", ...r }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
