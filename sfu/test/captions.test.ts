// Caption engines: the registry picks the first engine with a model per language and a third
// engine is one more entry; a missing or damaged model folder is a clear reason, never a crash;
// the embedded engine, in its own process, reads a known English sentence made by espeak-ng.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import type { CaptionEngine } from "../captions/engine.ts";
import { ENGINES, plan } from "../captions/registry.ts";
import { vosk } from "../captions/engines/vosk.ts";
import { probeModel, RecogniserProcess } from "../captions/recogniser.ts";

const fake = (id: string, langs: Record<string, string | null>): CaptionEngine => ({
  id,
  models: () =>
    Object.entries(langs).map(([lang, model]) => model ? { lang, model } : { lang, problem: `${id} has no ${lang}` }),
  open: () => {
    throw new Error("not in this test");
  },
});

test("the registry tries engines in order per language, and a third engine needs only its entry", () => {
  const engines = [fake("a", { en: "/a/en", fr: null }), fake("b", { en: "/b/en" })];
  const first = plan({}, engines);
  assert.deepEqual(first.tries.get("en"), [{ engine: "a", model: "/a/en" }, { engine: "b", model: "/b/en" }]);
  assert.equal(first.tries.has("fr"), false);
  assert.deepEqual(first.problems.get("fr"), ["a: a has no fr"]);
  const more = plan({}, [...engines, fake("c", { fr: "/c/fr", de: "/c/de" })]);
  assert.deepEqual(more.tries.get("fr"), [{ engine: "c", model: "/c/fr" }]);
  assert.deepEqual(more.tries.get("de"), [{ engine: "c", model: "/c/de" }]);
  assert.deepEqual(ENGINES.map((e) => e.id), ["vosk", "pocketsphinx"]);
});

test("a Vosk setting naming a missing folder is a problem told for its language", () => {
  const { tries, problems } = plan({ SPAZIO_STT_MODEL_FR: "/nowhere/vosk-fr" }, [vosk]);
  assert.equal(tries.has("fr"), false);
  assert.match(problems.get("fr")![0], /SPAZIO_STT_MODEL_FR=\/nowhere\/vosk-fr: no such folder/);
});

const voskLib = path.join(os.homedir(), ".cache", "spazio", "vosk-0.3.39", "libvosk.so");

test("a damaged Vosk model folder is refused with a reason, and the SFU's process lives on", {
  skip: existsSync(voskLib) ? false : `libvosk.so is not at ${voskLib} (the set-up puts it there)`,
}, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "spazio-vosk-bad-"));
  try {
    writeFileSync(path.join(dir, "am"), "not a model");
    const { tries } = plan({ SPAZIO_STT_MODEL_IT: dir }, [vosk]);
    assert.deepEqual(tries.get("it"), [{ engine: "vosk", model: dir }]);
    const result = await probeModel({ engine: "vosk", lang: "it", model: dir });
    assert.equal(result.ok, false);
    assert.match((result as { why: string }).why, /model|ended/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const hasEspeak = existsSync("/usr/bin/espeak-ng");
const hasModel = existsSync("/usr/share/pocketsphinx/model/en-us/en-us.lm.bin");

test("pocketsphinx, in a recogniser process, reads espeak-ng's English with partials then a final", {
  skip: hasEspeak && hasModel ? false : "espeak-ng or pocketsphinx-en-us is not installed (the set-up installs both)",
}, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "spazio-stt-"));
  const rec = new RecogniserProcess({
    engine: "pocketsphinx",
    lang: "en",
    model: "/usr/share/pocketsphinx/model/en-us",
  });
  try {
    const wav = path.join(dir, "s.wav");
    execFileSync("espeak-ng", [
      "-v",
      "en-us+klatt",
      "-s",
      "140",
      "-w",
      wav,
      "welcome to the show today we talk about music",
    ]);
    const raw = path.join(dir, "s.raw");
    execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-i", wav, "-ar", "16000", "-ac", "1", "-f", "s16le", raw]);
    const pcm = readFileSync(raw);
    const partials: string[] = [];
    rec.on("partial", (t) => partials.push(t));
    const finals: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      rec.on("final", (t, pause) => {
        finals.push(t);
        if (!pause) resolve();
      });
      rec.on("gone", (why) => reject(new Error(`recogniser gone: ${why}`)));
    });
    for (let i = 0; i < pcm.length; i += 3200) rec.feed(pcm.subarray(i, i + 3200));
    rec.end();
    await done;
    const words = finals.join(" ").split(" ");
    const wanted = ["welcome", "show", "today", "we", "about", "music"];
    const heard = wanted.filter((w) => words.includes(w));
    assert.ok(heard.length >= 4, `heard ${JSON.stringify(finals)}`);
    assert.ok(partials.length >= 1, "partials came before the final");
  } finally {
    rec.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

const frModel = process.env.SPAZIO_STT_MODEL_FR;

test("Vosk with the operator's French model reads espeak-ng French", {
  skip: !frModel
    ? "no French Vosk model here: set SPAZIO_STT_MODEL_FR to a Vosk model folder (e.g. vosk-model-small-fr-0.22) to run it"
    : !existsSync(voskLib)
    ? `libvosk.so is not at ${voskLib} (the set-up puts it there)`
    : !hasEspeak
    ? "espeak-ng is not installed"
    : false,
}, async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "spazio-stt-fr-"));
  const rec = new RecogniserProcess({ engine: "vosk", lang: "fr", model: frModel! });
  try {
    const wav = path.join(dir, "s.wav");
    execFileSync("espeak-ng", ["-v", "fr", "-s", "140", "-w", wav, "bonjour à tous et bienvenue dans notre émission"]);
    const raw = path.join(dir, "s.raw");
    execFileSync("ffmpeg", ["-loglevel", "error", "-y", "-i", wav, "-ar", "16000", "-ac", "1", "-f", "s16le", raw]);
    const pcm = readFileSync(raw);
    const finals: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      rec.on("final", (t, pause) => {
        finals.push(t);
        if (!pause) resolve();
      });
      rec.on("gone", (why) => reject(new Error(`recogniser gone: ${why}`)));
    });
    for (let i = 0; i < pcm.length; i += 3200) rec.feed(pcm.subarray(i, i + 3200));
    rec.end();
    await done;
    const words = finals.join(" ").split(" ");
    const heard = ["bonjour", "tous", "bienvenue", "dans", "notre", "émission"].filter((w) => words.includes(w));
    assert.ok(heard.length >= 3, `heard ${JSON.stringify(finals)}`);
  } finally {
    rec.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
