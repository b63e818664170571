import { useSignal } from "@preact/signals";
import { api } from "../lib/api_client.ts";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";

/** On a scheduled Space: the host starts or cancels it; others set a reminder. */
export default function ScheduledActions({ lang, spaceId, isHost, reminder, signedIn }: {
  lang: Lang;
  spaceId: string;
  isHost: boolean;
  reminder: boolean;
  signedIn: boolean;
}) {
  const on = useSignal(reminder);
  const busy = useSignal(false);
  const error = useSignal<MessageKey | null>(null);
  const cancelled = useSignal(false);

  async function call(method: string, path: string, after: (d: Record<string, unknown>) => void) {
    busy.value = true;
    error.value = null;
    const r = await api<Record<string, unknown>>(method, path);
    busy.value = false;
    if (!r.ok) return void (error.value = r.code);
    after(r.data);
  }

  if (cancelled.value) return <p class="notice" role="status">{t(lang, "space.cancelled")}</p>;
  return (
    <div class="stack">
      <div class="actions">
        {isHost && (
          <>
            <button type="button" class="button" disabled={busy.value} onClick={() => call("POST", `/api/spaces/${spaceId}/start`, () => location.reload())}>
              {t(lang, "space.start_now")}
            </button>
            <a class="button secondary" href={`/s/${spaceId}/edit`}>{t(lang, "space.edit")}</a>
            <button type="button" class="button danger" disabled={busy.value} onClick={() => call("POST", `/api/spaces/${spaceId}/cancel`, () => (cancelled.value = true))}>
              {t(lang, "space.cancel")}
            </button>
          </>
        )}
        {!isHost && signedIn && (
          <button
            type="button"
            class={on.value ? "button secondary" : "button"}
            aria-pressed={on.value}
            disabled={busy.value}
            onClick={() => call(on.value ? "DELETE" : "PUT", `/api/spaces/${spaceId}/reminder`, (d) => (on.value = !!d.reminder))}
          >
            🔔 {on.value ? t(lang, "space.reminder_set") : t(lang, "space.set_reminder")}
          </button>
        )}
      </div>
      <p class="error" role="alert">{error.value ? t(lang, error.value) : ""}</p>
    </div>
  );
}
