// The host's controls under their replay: start it where they are (the replay is mixed again from
// there) or delete the recording for everyone, after a confirmation that says how many clips go
// with it (counted again as it opens: people may have clipped since the page loaded).
import { useState } from "preact/hooks";
import { z } from "zod";
import { api } from "../../lib/browser/api_client.ts";
import { Done, RecordingPatched } from "../../lib/protocol/api.ts";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { Icon } from "../Icon.tsx";
import { toast } from "../Toast.tsx";

export interface ReplayHostToolsProps {
  lang: Lang;
  spaceId: string;
  /** Where the host is, in ms of the recording (the current trim plus the replay's time). */
  recordingMs: () => number;
  /** The replay was made again from this new start (ms of the recording). */
  onTrimmed: (trimStartMs: number) => void;
  /** The clips of this recording when the page was made. */
  clipCount: number;
}

/** The part of `GET /api/spaces/<id>/recording` the confirmation reads. */
const ClipCount = z.object({ clips: z.number().int().nonnegative() });

export function ReplayHostTools({ lang, spaceId, recordingMs, onTrimmed, clipCount }: ReplayHostToolsProps) {
  const [busy, setBusy] = useState<"trim" | "delete" | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [clips, setClips] = useState(clipCount);

  async function confirm() {
    setConfirming(true);
    const r = await api("GET", `/api/spaces/${spaceId}/recording`, ClipCount);
    if (r.ok) setClips(r.data.clips);
  }

  async function trimHere() {
    setBusy("trim");
    const trimStartMs = Math.floor(recordingMs());
    const r = await api("PATCH", `/api/spaces/${spaceId}/recording`, RecordingPatched, { trimStartMs });
    setBusy(null);
    if (!r.ok) return toast(t(lang, r.code));
    onTrimmed(trimStartMs);
    toast(t(lang, "rec.trimmed"));
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
      <div class="replay-actions">
        <button
          type="button"
          class="button secondary"
          onClick={trimHere}
          aria-busy={busy === "trim"}
          aria-disabled={busy !== null}
        >
          <Icon name="edit" size={20} />
          {t(lang, "rec.trim_here")}
        </button>
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
