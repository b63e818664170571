// Dates as the pages show them, in the reader's language.
import type { Lang } from "./mod.ts";

/** A Space's start time: "Tuesday 4 June 2030 at 18:00" in the reader's language. */
export function when(lang: Lang, ms: number): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: "full", timeStyle: "short" }).format(ms);
}
