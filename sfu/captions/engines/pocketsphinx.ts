// The embedded default: Debian's pocketsphinx (libpocketsphinx3) with its US English model
// (pocketsphinx-en-us), called through koffi. Weak (about a third of the words wrong on read
// speech) but on every machine the set-up made, with no model to download.
import { existsSync } from "node:fs";
import path from "node:path";
import koffi from "koffi";
import { type CaptionEngine, cleanText, type Recogniser } from "../engine.ts";

const MODEL_DIR = "/usr/share/pocketsphinx/model/en-us";

type Lib = {
  init(argv: string[]): unknown;
  start(ps: unknown): number;
  end(ps: unknown): number;
  process(
    ps: unknown,
    pcm: Int16Array,
    n: number,
    noSearch: number,
    full: number,
  ): number;
  hyp(ps: unknown, score: number[]): string | null;
  inSpeech(ps: unknown): number;
  free(ps: unknown): number;
};
let lib: Lib | null = null;

function load(): Lib {
  if (lib) return lib;
  const ps = koffi.load("libpocketsphinx.so.3");
  const sb = koffi.load("libsphinxbase.so.3");
  koffi.opaque("ps_decoder_t");
  koffi.opaque("cmd_ln_t");
  koffi.opaque("arg_t");
  const args = ps.func("const arg_t *ps_args()");
  const parse = sb.func(
    "cmd_ln_t *cmd_ln_parse_r(cmd_ln_t *inout, const arg_t *defn, int argc, const char **argv, int strict)",
  );
  const init = ps.func("ps_decoder_t *ps_init(cmd_ln_t *config)");
  lib = {
    init: (argv) => {
      const config = parse(null, args(), argv.length, argv, 1);
      if (!config) throw new Error("pocketsphinx refused its settings");
      return init(config);
    },
    start: ps.func("int ps_start_utt(ps_decoder_t *ps)"),
    end: ps.func("int ps_end_utt(ps_decoder_t *ps)"),
    process: ps.func(
      "int ps_process_raw(ps_decoder_t *ps, const int16_t *data, size_t n, int no_search, int full)",
    ),
    hyp: ps.func(
      "const char *ps_get_hyp(ps_decoder_t *ps, _Out_ int32_t *score)",
    ),
    inSpeech: ps.func("uint8_t ps_get_in_speech(ps_decoder_t *ps)"),
    free: ps.func("int ps_free(ps_decoder_t *ps)"),
  };
  return lib;
}

class PocketsphinxRecogniser implements Recogniser {
  #ps: unknown;
  #lib: Lib;
  #inSpeech = false;
  #started = false;

  constructor(model: string) {
    this.#lib = load();
    this.#ps = this.#lib.init([
      "-hmm",
      path.join(model, "en-us"),
      "-lm",
      path.join(model, "en-us.lm.bin"),
      "-dict",
      path.join(model, "cmudict-en-us.dict"),
      "-logfn",
      "/dev/null",
    ]);
    if (!this.#ps) {
      throw new Error(`pocketsphinx could not load the model in ${model}`);
    }
  }

  #ensureStarted() {
    if (this.#started) return;
    this.#lib.start(this.#ps);
    this.#started = true;
    this.#inSpeech = false;
  }

  accept(pcm: Int16Array): string | null {
    this.#ensureStarted();
    this.#lib.process(this.#ps, pcm, pcm.length, 0, 0);
    const now = this.#lib.inSpeech(this.#ps) !== 0;
    const ended = this.#inSpeech && !now;
    this.#inSpeech = now;
    // Its own voice-activity detector heard the end of a phrase: that is a final.
    return ended ? this.finish() : null;
  }

  partial(): string {
    if (!this.#started) return "";
    return cleanText(this.#lib.hyp(this.#ps, [0]) ?? "");
  }

  finish(): string {
    if (!this.#started) return "";
    this.#lib.end(this.#ps);
    this.#started = false;
    return cleanText(this.#lib.hyp(this.#ps, [0]) ?? "");
  }

  close(): void {
    if (this.#ps) this.#lib.free(this.#ps);
    this.#ps = null;
  }
}

export const pocketsphinx: CaptionEngine = {
  id: "pocketsphinx",
  models(env) {
    const model = env.SPAZIO_STT_POCKETSPHINX_DIR || MODEL_DIR;
    if (env.SPAZIO_STT_POCKETSPHINX === "0") return [];
    const missing = ["en-us", "en-us.lm.bin", "cmudict-en-us.dict"].find((f) => !existsSync(path.join(model, f)));
    if (missing) {
      return [{
        lang: "en",
        problem: `pocketsphinx's English model is not installed (${path.join(model, missing)})`,
      }];
    }
    return [{ lang: "en", model }];
  },
  open(_lang, model) {
    return new PocketsphinxRecogniser(model);
  },
};
