// What a caption engine is: a speech recogniser for some languages, each with a model found from
// the environment. Engines run inside a recogniser child process (child.ts), never in the SFU's
// own event loop: a decoder takes a core's worth of work and its C library may crash, and neither
// may stall signalling or audio. To add an engine: one file in engines/ and one line in registry.ts.

/** A language this engine can serve here, with the model it would load, or why it cannot. */
export type ModelChoice =
  | { lang: string; model: string }
  | { lang: string; problem: string };

/** One stream of 16 kHz mono 16-bit PCM being recognised. */
export interface Recogniser {
  /** Feeds samples; returns the text of an utterance the engine ended at a pause, if it did. */
  accept(pcm: Int16Array): string | null;
  /** The best guess for the words since the last final (may change as more audio comes). */
  partial(): string;
  /** Ends the current utterance (the speaker stopped): its final text, "" for nothing heard. */
  finish(): string;
  close(): void;
}

export interface CaptionEngine {
  /** A short name, for logs and the bench (`pocketsphinx`, `vosk`). */
  readonly id: string;
  /**
   * The languages it could serve with this environment (files looked at, nothing loaded): a
   * setting that names a missing folder is a `problem`, told at start-up.
   */
  models(env: Record<string, string | undefined>): ModelChoice[];
  /** Loads a model (in the child): throws an Error that says what is wrong with it. */
  open(lang: string, model: string): Recogniser;
}

/** The rate every engine is fed at. */
export const SAMPLE_RATE = 16_000;

/** Words of a recogniser's text, lower case, without the engine's fillers (`<unk>`, `[noise]`). */
export function cleanText(text: string): string {
  return text.replace(/<[^>]*>|\[[^\]]*\]|\([0-9]+\)/g, " ").replace(
    /\s+/g,
    " ",
  ).trim();
}
