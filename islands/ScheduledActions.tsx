import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { z } from "zod";
import { api } from "../lib/browser/api_client.ts";
import { Done, ReminderChanged, SpaceStarted } from "../lib/protocol/api.ts";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";
import { Icon } from "../components/Icon.tsx";
import { Sheet } from "../components/Sheet.tsx";
import { toast } from "../components/Toast.tsx";

interface Props {
  lang: Lang;
  spaceId: string;
  isHost: boolean;
  reminder: boolean;
  signedIn: boolean;
  /** In a list's card: only the reminder, small. */
  compact?: boolean;
  /** Where "Set reminder" sends someone signed out (and back). */
  signInUrl?: string;
}

/**
 * On a scheduled Space: the host starts, edits or cancels it (cancelling asks first, in a dialog
 * that takes the focus); others set or remove a reminder, confirmed by a toast.
 */
export default function ScheduledActions(
  { lang, spaceId, isHost, reminder, signedIn, compact, signInUrl }: Props,
) {
  const on = useSignal(reminder);
  const busy = useSignal(false);
  const error = useSignal<MessageKey | null>(null);
  const confirming = useSignal(false);
  const cancelled = useSignal(false);
  const notice = useRef<HTMLParagraphElement>(null);

  // The cancel button is gone once the Space is cancelled: the focus goes to what says so.
  useEffect(() => {
    if (cancelled.value) notice.current?.focus();
  }, [cancelled.value]);

  async function call<S extends z.ZodTypeAny>(
    method: "POST" | "PUT" | "DELETE",
    path: string,
    answer: S,
    after: (d: z.output<S>) => void,
  ) {
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    const r = await api(method, path, answer);
    busy.value = false;
    if (!r.ok) return void (error.value = r.code);
    after(r.data);
  }

  if (cancelled.value) {
    return <p class="notice" role="status" tabIndex={-1} ref={notice}>{t(lang, "space.cancelled")}</p>;
  }
  const size = compact ? " small" : "";
  return (
    <div class="scheduled-actions">
      <div class="actions">
        {isHost && (
          <>
            <button
              type="button"
              class="button"
              aria-disabled={busy.value}
              onClick={() => call("POST", `/api/spaces/${spaceId}/start`, SpaceStarted, () => location.reload())}
            >
              <Icon name="broadcast" size={20} />
              {t(lang, "space.start_now")}
            </button>
            <a class="button secondary" href={`/s/${spaceId}/edit`}>
              <Icon name="edit" size={20} />
              {t(lang, "space.edit")}
            </a>
            <button
              type="button"
              class="button danger"
              aria-disabled={busy.value}
              onClick={() => !busy.value && (confirming.value = true)}
            >
              {t(lang, "space.cancel")}
            </button>
          </>
        )}
        {!isHost && signedIn && (
          <button
            type="button"
            class={(on.value ? "button secondary" : "button") + size}
            aria-pressed={on.value}
            aria-disabled={busy.value}
            onClick={() =>
              call(on.value ? "DELETE" : "PUT", `/api/spaces/${spaceId}/reminder`, ReminderChanged, (d) => {
                on.value = d.reminder;
                toast(t(lang, on.value ? "space.reminder_on_toast" : "space.reminder_off_toast"));
              })}
          >
            <Icon name={on.value ? "bellRinging" : "bell"} size={compact ? 18 : 20} />
            {on.value ? t(lang, "space.reminder_set") : t(lang, "space.set_reminder")}
          </button>
        )}
        {!isHost && !signedIn && signInUrl && (
          <a class={"button secondary" + size} href={signInUrl}>
            <Icon name="bell" size={compact ? 18 : 20} />
            {t(lang, "space.set_reminder")}
          </a>
        )}
      </div>
      <p class="error" role="alert">
        {error.value && !confirming.value ? t(lang, error.value) : ""}
      </p>
      {isHost && (
        <Sheet
          open={confirming.value}
          id={`cancel-${spaceId}`}
          title={t(lang, "space.cancel_confirm_title")}
          closeLabel={t(lang, "space.close")}
          onClose={() => (confirming.value = false)}
        >
          <p>{t(lang, "space.cancel_confirm_body")}</p>
          <div class="actions confirm-actions">
            <button
              type="button"
              class="button danger"
              aria-disabled={busy.value}
              onClick={() =>
                call("POST", `/api/spaces/${spaceId}/cancel`, Done, () => {
                  confirming.value = false;
                  cancelled.value = true;
                })}
            >
              {t(lang, "space.cancel_yes")}
            </button>
            <button
              type="button"
              class="button secondary"
              onClick={() => (confirming.value = false)}
              autofocus
            >
              {t(lang, "space.keep_scheduled")}
            </button>
          </div>
          <p class="error" role="alert">{error.value ? t(lang, error.value) : ""}</p>
        </Sheet>
      )}
    </div>
  );
}
