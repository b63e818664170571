// The replay's transcript: every final caption line at its time, the one playing now marked, a
// tap on a line plays from there; a search that lists the lines with the words asked and jumps
// to the first; WebVTT and plain-text downloads. Shown only for a replay that has one.
import { useMemo, useState } from "preact/hooks";
import type { Timeline } from "../../lib/protocol/recording_timeline.ts";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { searchRows, toPlainText, toWebVtt, transcriptRows } from "../../lib/shared/transcript.ts";

interface Props {
  lang: Lang;
  timeline: Timeline;
  trimStartMs: number;
  /** The replay's audio time now (s). */
  at: number;
  onSeek: (s: number) => void;
  /** The downloads' file name, without extension. */
  name: string;
}

const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
const dataUrl = (type: string, text: string) => `data:${type};charset=utf-8,${encodeURIComponent(text)}`;

export function Transcript({ lang, timeline, trimStartMs, at, onSeek, name }: Props) {
  const rows = useMemo(
    () => transcriptRows(timeline.transcript ?? [], timeline.people, trimStartMs),
    [timeline, trimStartMs],
  );
  const [query, setQuery] = useState("");
  if (rows.length === 0) return null;
  const found = query.trim() ? searchRows(rows, query) : null;
  const shown = found ? found.map((i) => rows[i]) : rows;
  const current = rows.findLastIndex((r) => r.startS <= at + 0.05);
  return (
    <section class="transcript" aria-labelledby="transcript-h" data-testid="transcript">
      <h2 id="transcript-h">{t(lang, "tr.title")}</h2>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (found && found.length > 0) onSeek(rows[found[0]].startS);
        }}
      >
        <input
          type="search"
          aria-label={t(lang, "tr.search")}
          placeholder={t(lang, "tr.search")}
          value={query}
          onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
        />
      </form>
      {found && (
        <p class="muted" role="status">
          {found.length ? t(lang, "tr.matches", { n: found.length }) : t(lang, "tr.no_match")}
        </p>
      )}
      <ol style={{ listStyle: "none", padding: 0, margin: "0.5rem 0", maxHeight: "20rem", overflowY: "auto" }}>
        {shown.map((r) => {
          const now = rows.indexOf(r) === current;
          return (
            <li key={`${r.startS}-${r.name}`}>
              <button
                type="button"
                class={`transcript-line${now ? " now" : ""}`}
                aria-current={now ? "true" : undefined}
                aria-label={t(lang, "tr.jump", { at: clock(r.startS), name: r.name, text: r.text })}
                style={{
                  display: "block",
                  width: "100%",
                  textAlign: "left",
                  background: now ? "rgba(120, 80, 220, 0.15)" : "transparent",
                  border: 0,
                  padding: "0.35rem 0.25rem",
                  font: "inherit",
                  color: "inherit",
                  cursor: "pointer",
                }}
                onClick={() => onSeek(r.startS)}
              >
                <span class="muted">{clock(r.startS)}</span> <strong>{r.name}</strong> {r.text}
              </button>
            </li>
          );
        })}
      </ol>
      <p style={{ display: "flex", gap: "1rem", flexWrap: "wrap" }}>
        <a href={dataUrl("text/vtt", toWebVtt(rows))} download={`${name}.vtt`}>{t(lang, "tr.vtt")}</a>
        <a href={dataUrl("text/plain", toPlainText(rows))} download={`${name}.txt`}>{t(lang, "tr.txt")}</a>
      </p>
    </section>
  );
}
