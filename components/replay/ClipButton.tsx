// Cut a 30 s clip of a recorded Space: the last 30 s of a live one, or 30 s from where the reader
// is in its replay. Clips need an account: a signed-out person sees "Sign in to clip", a link
// that brings them back here. The button says it is working while the server cuts; then the
// clip's link and a share button take its side. A refusal (clips off, removed, a limit with the
// minutes left from Retry-After) stays beside the button.
import { useState } from "preact/hooks";
import ShareButton from "../../islands/ShareButton.tsx";
import { ApiErrorAnswer, ClipMade } from "../../lib/protocol/api.ts";
import { type Lang, type MessageKey, t } from "../../lib/i18n/mod.ts";
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
  /** False for a signed-out person: a link to sign in instead of a control that would fail. */
  signedIn?: boolean;
  /** Where signing in brings them back to (this page). */
  next?: string;
}

/** A refusal as the person reads it: the limit's minutes come from Retry-After. */
async function refusal(res: Response, lang: Lang): Promise<string> {
  const parsed = ApiErrorAnswer.safeParse(await res.json().catch(() => null));
  const code: MessageKey = parsed.success ? parsed.data.error.code : "rec.clip_failed";
  const after = Number(res.headers.get("retry-after"));
  return t(lang, code, { minutes: Number.isFinite(after) && after > 0 ? Math.ceil(after / 60) : 60 });
}

export function ClipButton({ lang, spaceId, title, label, fromMs, signedIn = true, next }: ClipButtonProps) {
  const [busy, setBusy] = useState(false);
  const [url, setUrl] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [signedOut, setSignedOut] = useState(!signedIn);
  async function clip() {
    if (busy) return;
    setBusy(true);
    setUrl(null);
    setProblem(null);
    try {
      const res = await fetch(`/api/spaces/${spaceId}/clips`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(fromMs ? { fromMs: Math.floor(fromMs()) } : {}),
        credentials: "same-origin",
      });
      if (res.status === 401) return setSignedOut(true);
      if (!res.ok) return setProblem(await refusal(res, lang));
      const made = ClipMade.safeParse(await res.json().catch(() => null));
      if (!made.success) return setProblem(t(lang, "rec.clip_failed"));
      setUrl(`/clips/${made.data.id}`);
      toast(t(lang, "rec.clip_ready"));
    } catch {
      setProblem(t(lang, "err.network"));
    } finally {
      setBusy(false);
    }
  }
  if (signedOut) {
    const back = next ?? (typeof location === "undefined" ? "" : location.pathname);
    return (
      <div class="clip-action">
        <a class="button secondary" href={back ? `/signin?next=${encodeURIComponent(back)}` : "/signin"}>
          <Icon name="clip" size={20} />
          {t(lang, "rec.sign_in_to_clip")}
        </a>
      </div>
    );
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
      {problem && <p class="error" role="alert">{problem}</p>}
    </div>
  );
}
