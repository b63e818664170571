// Cut a 30 s clip of a recorded Space: the last 30 s of a live one, or 30 s from where the reader
// is in its replay. The button says it is working while the server cuts; then the clip's link and
// a share button take its side. A refusal (clips off, removed, nothing recorded yet) is a toast.
import { useState } from "preact/hooks";
import ShareButton from "../../islands/ShareButton.tsx";
import { api } from "../../lib/browser/api_client.ts";
import { ClipMade } from "../../lib/protocol/api.ts";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { Icon } from "../Icon.tsx";
import { toast } from "../Toast.tsx";

export interface ClipButtonProps {
  lang: Lang;
  spaceId: string;
  /** The title the share sheet shows. */
  title: string;
  label: string;
  /** Where in the replay the clip starts (ms); absent on a live Space: its last 30 s. */
  fromMs?: () => number;
}

export function ClipButton({ lang, spaceId, title, label, fromMs }: ClipButtonProps) {
  const [busy, setBusy] = useState(false);
  const [url, setUrl] = useState<string | null>(null);
  async function clip() {
    if (busy) return;
    setBusy(true);
    setUrl(null);
    const r = await api(
      "POST",
      `/api/spaces/${spaceId}/clips`,
      ClipMade,
      fromMs ? { fromMs: Math.floor(fromMs()) } : {},
    );
    setBusy(false);
    if (!r.ok) return toast(t(lang, r.code));
    setUrl(`/clips/${r.data.id}`);
    toast(t(lang, "rec.clip_ready"));
  }
  return (
    <div class="clip-action">
      <button type="button" class="button secondary" onClick={clip} aria-busy={busy} aria-disabled={busy}>
        {busy ? <span class="spinner" aria-hidden="true" /> : <Icon name="clip" size={20} />}
        {busy ? t(lang, "rec.clip_making") : label}
      </button>
      {url && (
        <span class="clip-ready" role="status">
          <a class="button" href={url}>{t(lang, "rec.open_clip")}</a>
          <ShareButton lang={lang} url={url} title={t(lang, "rec.clip_of", { title })} />
        </span>
      )}
    </div>
  );
}
