// The caption engines, best first: for each language the first engine with a usable model serves
// it (an operator's Vosk model before the embedded pocketsphinx). A third engine is one more file
// in engines/ and one more line here.
import type { CaptionEngine } from "./engine.ts";
import { pocketsphinx } from "./engines/pocketsphinx.ts";
import { vosk } from "./engines/vosk.ts";

export const ENGINES: readonly CaptionEngine[] = [vosk, pocketsphinx];

export function engineById(
  id: string,
  engines: readonly CaptionEngine[] = ENGINES,
): CaptionEngine | undefined {
  return engines.find((e) => e.id === id);
}

/** Per language the engines to try in order, with the problems of the ones that cannot be tried. */
export function plan(
  env: Record<string, string | undefined>,
  engines: readonly CaptionEngine[] = ENGINES,
): {
  tries: Map<string, { engine: string; model: string }[]>;
  problems: Map<string, string[]>;
} {
  const tries = new Map<string, { engine: string; model: string }[]>();
  const problems = new Map<string, string[]>();
  for (const engine of engines) {
    for (const choice of engine.models(env)) {
      if ("problem" in choice) {
        problems.set(choice.lang, [
          ...(problems.get(choice.lang) ?? []),
          `${engine.id}: ${choice.problem}`,
        ]);
      } else {tries.set(choice.lang, [...(tries.get(choice.lang) ?? []), {
          engine: engine.id,
          model: choice.model,
        }]);}
    }
  }
  return { tries, problems };
}
