import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api } from "../lib/browser/api_client.ts";
import { ProfileSaved } from "../lib/protocol/api.ts";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";
import { toast } from "../components/Toast.tsx";

/** Edits the signed-in person's display name and bio. */
export default function ProfileEditor(
  props: { lang: Lang; handle: string; displayName: string; bio: string },
) {
  const { lang } = props;
  const name = useSignal(props.displayName);
  const bio = useSignal(props.bio);
  const busy = useSignal(false);
  const status = useSignal<{ ok: boolean; code: MessageKey; field?: string } | null>(null);

  // A refused field takes the focus, so its message is read and the fix is one keystroke away.
  useEffect(() => {
    const f = status.value?.field;
    if (f === "displayName" || f === "bio") document.getElementById(f === "bio" ? "edit-bio" : "edit-name")?.focus();
  }, [status.value]);

  async function save(e: Event) {
    e.preventDefault();
    if (busy.value) return;
    busy.value = true;
    status.value = null;
    const r = await api("PATCH", `/api/users/${encodeURIComponent(props.handle)}`, ProfileSaved, {
      displayName: name.value,
      bio: bio.value,
    });
    busy.value = false;
    if (r.ok) toast(t(lang, "settings.saved"));
    status.value = r.ok ? null : { ok: false, code: r.code, field: r.field };
  }

  const s = status.value;
  return (
    <form class="stack settings-form" onSubmit={save} noValidate>
      <label for="edit-name">{t(lang, "settings.name")}</label>
      <input
        id="edit-name"
        maxLength={50}
        required
        value={name.value}
        aria-invalid={s?.field === "displayName" ? "true" : undefined}
        onInput={(e) => (name.value = (e.target as HTMLInputElement).value)}
      />
      <label for="edit-bio">{t(lang, "settings.bio")}</label>
      <textarea
        id="edit-bio"
        rows={3}
        maxLength={160}
        aria-invalid={s?.field === "bio" ? "true" : undefined}
        value={bio.value}
        onInput={(e) => (bio.value = (e.target as HTMLTextAreaElement).value)}
      />
      <p class="hint" aria-live="polite">{bio.value.length}/160</p>
      <button type="submit" class="button" aria-disabled={busy.value} aria-busy={busy.value}>
        {busy.value ? t(lang, "settings.saving") : t(lang, "settings.save")}
      </button>
      <p class="error" role="alert">{s ? t(lang, s.code) : ""}</p>
    </form>
  );
}
