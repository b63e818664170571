// A replay's transcript (its Timeline's final caption lines) as people take it away: WebVTT for
// players and editors, plain text to read, and the search that finds a word in it. Times are the
// replay's audio seconds (the host's trim taken off); lines wholly before the trim are left out.
import type { Person } from "../protocol/space.ts";
import type { TranscriptLine } from "../protocol/recording_timeline.ts";

export type TranscriptRow = { startS: number; endS: number; name: string; text: string };

export function transcriptRows(
  lines: TranscriptLine[],
  people: Record<string, Person>,
  trimStartMs: number,
): TranscriptRow[] {
  return lines
    .filter((l) => l.toMs > trimStartMs)
    .map((l) => ({
      startS: Math.max(0, l.fromMs - trimStartMs) / 1000,
      endS: Math.max(0, l.toMs - trimStartMs) / 1000,
      name: people[l.sub]?.name ?? (people[l.sub]?.handle ? `@${people[l.sub].handle}` : "?"),
      text: l.text,
    }));
}

const pad = (n: number, w = 2) => String(Math.floor(n)).padStart(w, "0");
function stamp(s: number, ms: boolean): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${pad(h)}:${pad(m)}:${pad(sec)}${ms ? `.${pad(Math.round((s % 1) * 1000), 3)}` : ""}`;
}

/** WebVTT (https://www.w3.org/TR/webvtt1/): a cue per line with its speaker as a voice span. */
export function toWebVtt(rows: TranscriptRow[]): string {
  const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const cues = rows.map((r, i) =>
    `${i + 1}\n${stamp(r.startS, true)} --> ${stamp(Math.max(r.endS, r.startS + 0.5), true)}\n<v ${esc(r.name)}>${
      esc(r.text)
    }\n`
  );
  return ["WEBVTT", "", ...cues].join("\n");
}

/** One line per caption line: `[hh:mm:ss] Name: words`. */
export function toPlainText(rows: TranscriptRow[]): string {
  return rows.map((r) => `[${stamp(r.startS, false)}] ${r.name}: ${r.text}`).join("\n") + "\n";
}

/** Rows whose words contain `query` (case-insensitive, every word of it), in order. */
export function searchRows(rows: TranscriptRow[], query: string): number[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  return rows.flatMap((r, i) => (words.every((w) => r.text.toLowerCase().includes(w)) ? [i] : []));
}
