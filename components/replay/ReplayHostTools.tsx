// The host's controls under their replay. "Edit the start" opens a slider over the replay (with
// where each person spoke under it, as on the player): the host drags to where the replay should
// begin, listens from there in the player above, and saves; the server checks that it is the host
// and that the start lies inside the recording, and mixes the replay again from there. Once
// trimmed, the host can bring the beginning back. Delete asks first and says how many clips go
// with the recording (counted again as it opens: people may have clipped since the page loaded).
import { useRef, useState } from "preact/hooks";
import { z } from "zod";
import { api } from "../../lib/browser/api_client.ts";
import { Done, RecordingPatched } from "../../lib/protocol/api.ts";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { clock, type SpeakerMark } from "../../lib/shared/replay_view.ts";
import { Icon } from "../Icon.tsx";
import { toast } from "../Toast.tsx";
import { SpeakerMarks } from "./SpeakerMarks.tsx";

export interface ReplayHostToolsProps {
  lang: Lang;
  spaceId: string;
  /** The replay's current start, in ms of the recording. */
  trimStartMs: number;
  /** The replay's length now (s). */
  lengthS: number;
  /** Where the player is (s of the replay): the slider opens there. */
  positionS: () => number;
  /** Plays the replay from `s` (s of the replay): the preview of a start. */
  preview: (s: number) => void;
  /** Where each person spoke, as on the player's bar. */
  marks: SpeakerMark[];
  markLabel: (m: SpeakerMark) => string;
  /** The replay was made again from this new start (ms of the recording). */
  onTrimmed: (trimStartMs: number) => void;
  /** The clips of this recording when the page was made. */
  clipCount: number;
}

/** The part of `GET /api/spaces/<id>/recording` the confirmation reads. */
const ClipCount = z.object({ clips: z.number().int().nonnegative() });

/** The latest start the server takes: at least a second of replay must be left after it. */
export function latestStartS(lengthS: number): number {
  return Math.max(0, Math.ceil(lengthS - 1) - 1);
}

export function ReplayHostTools(p: ReplayHostToolsProps) {
  const { lang, spaceId } = p;
  const [busy, setBusy] = useState<"trim" | "delete" | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [clips, setClips] = useState(p.clipCount);
  const [editing, setEditing] = useState(false);
  const [startS, setStartS] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const slider = useRef<HTMLInputElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const maxS = latestStartS(p.lengthS);

  function edit() {
    setStartS(Math.min(maxS, Math.floor(p.positionS())));
    setProblem(null);
    setEditing(true);
    requestAnimationFrame(() => slider.current?.focus());
  }

  function close() {
    setEditing(false);
    // Back to the control that opened it, for a keyboard or a screen reader.
    requestAnimationFrame(() => editButton.current?.focus());
  }

  async function confirm() {
    setConfirming(true);
    const r = await api("GET", `/api/spaces/${spaceId}/recording`, ClipCount);
    if (r.ok) setClips(r.data.clips);
  }

  async function save(trimStartMs: number) {
    setBusy("trim");
    setProblem(null);
    const r = await api("PATCH", `/api/spaces/${spaceId}/recording`, RecordingPatched, { trimStartMs });
    setBusy(null);
    if (!r.ok) return setProblem(t(lang, r.code));
    close();
    p.onTrimmed(trimStartMs);
    toast(t(lang, "rec.trimmed", { at: clock(trimStartMs / 1000) }));
  }

  async function remove() {
    setBusy("delete");
    const r = await api("DELETE", `/api/spaces/${spaceId}/recording`, Done);
    setBusy(null);
    setConfirming(false);
    if (!r.ok) return toast(t(lang, r.code));
    location.reload();
  }

  return (
    <section class="replay-host" aria-label={t(lang, "rec.host_tools")}>
      <h2>{t(lang, "rec.host_tools")}</h2>
      {editing && (
        <div class="replay-trim" role="group" aria-labelledby="replay-trim-label">
          <label id="replay-trim-label" for="replay-trim-start" class="replay-trim-label">
            {t(lang, "rec.start_at")} <strong data-testid="trim-start">{clock(startS + p.trimStartMs / 1000)}</strong>
          </label>
          <div class="replay-track">
            <input
              id="replay-trim-start"
              ref={slider}
              type="range"
              min={0}
              max={maxS}
              step={1}
              value={startS}
              aria-describedby="replay-trim-hint"
              aria-valuetext={clock(startS + p.trimStartMs / 1000)}
              onInput={(e) => setStartS(Number((e.target as HTMLInputElement).value))}
            />
            <SpeakerMarks marks={p.marks} label={p.markLabel} />
          </div>
          <p id="replay-trim-hint" class="hint">{t(lang, "rec.start_hint")}</p>
          {problem && <p class="error" role="alert">{problem}</p>}
          <div class="replay-actions">
            <button type="button" class="button secondary" onClick={() => p.preview(startS)}>
              <Icon name="play" size={20} />
              {t(lang, "rec.preview_start")}
            </button>
            <button
              type="button"
              class="button"
              onClick={() => busy === null && save(p.trimStartMs + startS * 1000)}
              aria-busy={busy === "trim"}
              aria-disabled={busy !== null}
            >
              {t(lang, "rec.save_start")}
            </button>
            <button type="button" class="button secondary" onClick={close}>
              {t(lang, "rec.cancel")}
            </button>
          </div>
        </div>
      )}
      <div class="replay-actions">
        {!editing && (
          <button type="button" class="button secondary" onClick={edit} ref={editButton}>
            <Icon name="edit" size={20} />
            {t(lang, "rec.trim_here")}
          </button>
        )}
        {!editing && p.trimStartMs > 0 && (
          <button
            type="button"
            class="button secondary"
            onClick={() => busy === null && save(0)}
            aria-busy={busy === "trim"}
            aria-disabled={busy !== null}
          >
            {t(lang, "rec.restore_start")}
          </button>
        )}
        {!confirming
          ? (
            <button type="button" class="button danger" onClick={confirm}>
              <Icon name="trash" size={20} />
              {t(lang, "rec.delete")}
            </button>
          )
          : (
            <div class="confirm" role="alertdialog" aria-label={t(lang, "rec.delete")}>
              <p>{t(lang, "rec.delete_confirm")}</p>
              {clips > 0 && (
                <p data-testid="delete-clips">
                  {clips === 1 ? t(lang, "rec.delete_clips_one") : t(lang, "rec.delete_clips", { n: clips })}
                </p>
              )}
              <button type="button" class="button danger" onClick={remove} aria-busy={busy === "delete"}>
                {t(lang, "rec.delete")}
              </button>
              <button type="button" class="button secondary" onClick={() => setConfirming(false)}>
                {t(lang, "rec.cancel")}
              </button>
            </div>
          )}
      </div>
    </section>
  );
}
