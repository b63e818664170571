// Vosk (Kaldi) for the languages whose model folder the operator names: SPAZIO_STT_MODEL_<LANG>
// (SPAZIO_STT_MODEL_EN, _FR, _IT, ...). Its library is the libvosk.so shipped inside the npm
// package `vosk`, called through koffi (the package's own binding needs ffi-napi, which does not
// build on Node 20); the set-up unpacks it to ~/.cache/spazio/ (SPAZIO_STT_VOSK_LIB overrides).
import { existsSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import koffi from "koffi";
import { type CaptionEngine, cleanText, type Recogniser, SAMPLE_RATE } from "../engine.ts";

export const VOSK_VERSION = "0.3.39";
const DEFAULT_LIB = path.join(
  os.homedir(),
  ".cache",
  "spazio",
  `vosk-${VOSK_VERSION}`,
  "libvosk.so",
);

type Lib = {
  modelNew(dir: string): unknown;
  recNew(model: unknown, rate: number): unknown;
  accept(rec: unknown, pcm: Int16Array, n: number): number;
  partial(rec: unknown): string;
  result(rec: unknown): string;
  final(rec: unknown): string;
  reset(rec: unknown): void;
  recFree(rec: unknown): void;
};
let lib: Lib | null = null;

function load(file: string): Lib {
  if (lib) return lib;
  const so = koffi.load(file);
  koffi.opaque("VoskModel");
  koffi.opaque("VoskRecognizer");
  so.func("void vosk_set_log_level(int level)")(-1);
  lib = {
    modelNew: so.func("VoskModel *vosk_model_new(const char *path)"),
    recNew: so.func(
      "VoskRecognizer *vosk_recognizer_new(VoskModel *model, float rate)",
    ),
    accept: so.func(
      "int vosk_recognizer_accept_waveform_s(VoskRecognizer *r, const int16_t *data, int n)",
    ),
    partial: so.func(
      "const char *vosk_recognizer_partial_result(VoskRecognizer *r)",
    ),
    result: so.func("const char *vosk_recognizer_result(VoskRecognizer *r)"),
    final: so.func(
      "const char *vosk_recognizer_final_result(VoskRecognizer *r)",
    ),
    reset: so.func("void vosk_recognizer_reset(VoskRecognizer *r)"),
    recFree: so.func("void vosk_recognizer_free(VoskRecognizer *r)"),
  };
  return lib;
}

function field(json: string, key: "text" | "partial"): string {
  try {
    const v = (JSON.parse(json) as Record<string, unknown>)[key];
    return typeof v === "string" ? cleanText(v) : "";
  } catch {
    return "";
  }
}

class VoskRecogniser implements Recogniser {
  #rec: unknown;
  #lib: Lib;

  constructor(libFile: string, model: string) {
    this.#lib = load(libFile);
    const m = this.#lib.modelNew(model);
    if (!m) {
      throw new Error(
        `Vosk could not load the model in ${model} (not a Vosk model folder, or damaged)`,
      );
    }
    this.#rec = this.#lib.recNew(m, SAMPLE_RATE);
    if (!this.#rec) {
      throw new Error(
        `Vosk could not make a recogniser with the model in ${model}`,
      );
    }
  }

  accept(pcm: Int16Array): string | null {
    const ended = this.#lib.accept(this.#rec, pcm, pcm.length) === 1;
    return ended ? field(this.#lib.result(this.#rec), "text") : null;
  }

  partial(): string {
    return field(this.#lib.partial(this.#rec), "partial");
  }

  finish(): string {
    const text = field(this.#lib.final(this.#rec), "text");
    this.#lib.reset(this.#rec);
    return text;
  }

  close(): void {
    if (this.#rec) this.#lib.recFree(this.#rec);
    this.#rec = null;
  }
}

function libFile(env: Record<string, string | undefined>): string {
  return env.SPAZIO_STT_VOSK_LIB || DEFAULT_LIB;
}

export const vosk: CaptionEngine = {
  id: "vosk",
  models(env) {
    const out = [];
    for (const [key, value] of Object.entries(env)) {
      const m = /^SPAZIO_STT_MODEL_([A-Z]{2})$/.exec(key);
      if (!m || !value) continue;
      const lang = m[1].toLowerCase();
      const isDir = existsSync(value) && statSync(value).isDirectory();
      if (!isDir) {
        out.push({ lang, problem: `${key}=${value}: no such folder` });
      } else if (!existsSync(libFile(env))) {
        out.push({
          lang,
          problem: `${key} is set but libvosk.so is not at ${libFile(env)} (run the set-up)`,
        });
      } else out.push({ lang, model: value });
    }
    return out;
  },
  open(_lang, model) {
    return new VoskRecogniser(libFile(process.env), model);
  },
};
