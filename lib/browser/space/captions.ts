// Live captions on a listener's page: the lines the room sends (a partial replaced by the next
// text of the same utterance, then by its final), the last few kept on screen for a while, and
// whether this person wants them shown (remembered in this browser).
import { signal } from "@preact/signals";
import type { SpaceEventOf } from "../../protocol/space.ts";

export type CaptionLine = { id: string; sub: string; name: string; text: string; final: boolean; at: number };

/** Lines on screen at once: two speakers' words and the line before. */
const MAX_LINES = 3;
/** How long a final line stays once nothing newer came. */
const LINGER_MS = 8_000;
const STORAGE_KEY = "spazio.captions";

export class CaptionLines {
  readonly lines = signal<CaptionLine[]>([]);
  /** The last final line, for screen readers (partials would be read out word by word). */
  readonly lastFinal = signal("");
  #timer: ReturnType<typeof setTimeout> | undefined;

  add(ev: SpaceEventOf<"caption">): void {
    const { type: _, ...line } = ev;
    const rest = this.lines.value.filter((l) => l.id !== line.id);
    // An empty final only clears its partial.
    const next = line.text === "" ? rest : [...rest, line];
    this.lines.value = next.slice(-MAX_LINES);
    if (line.final && line.text !== "") this.lastFinal.value = `${line.name}: ${line.text}`;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => (this.lines.value = this.lines.value.filter((l) => !l.final)), LINGER_MS);
  }
}

function stored(): boolean {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === "on";
  } catch {
    return false;
  }
}

/** Whether this browser shows captions (off until the person turns them on). */
export const captionsShown = signal(typeof window === "undefined" ? false : stored());

export function showCaptions(on: boolean): void {
  captionsShown.value = on;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, on ? "on" : "off");
  } catch {
    // A browser that keeps nothing still shows them for this page.
  }
}
