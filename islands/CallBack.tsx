import { useSignal } from "@preact/signals";
import { api } from "../lib/browser/api_client.ts";
import { CallPlaced } from "../lib/protocol/api.ts";
import { leaveSpaceForCall, spaceInProgress } from "../lib/browser/calls/space_handoff.ts";
import { navigate } from "../lib/browser/partial.ts";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";
import { Icon } from "../components/Icon.tsx";
import { Sheet } from "../components/Sheet.tsx";

interface Props {
  lang: Lang;
  handle: string;
  name: string;
  /** Call back as the call was: by video after a video call. */
  video: boolean;
  /** The history row's call id: names this button's confirmation sheet. */
  row: string;
}

/**
 * A call-history row's call-back button: places the same kind of call to the same person and
 * opens its screen. In a Space, it asks first (a call leaves the Space), as the DM thread does.
 */
export default function CallBack({ lang, handle, name, video, row }: Props) {
  const error = useSignal<MessageKey | null>(null);
  const leaving = useSignal<string | null>(null);
  const label = t(lang, video ? "call.call_back_video" : "call.call_back", { name });

  async function place(confirmed = false) {
    error.value = null;
    const title = confirmed ? null : await spaceInProgress();
    if (title) return void (leaving.value = title);
    leaving.value = null;
    const r = await api("POST", "/api/calls", CallPlaced, { to: handle, video });
    if (!r.ok) return void (error.value = r.code);
    await leaveSpaceForCall();
    void navigate(new URL(`/calls/${r.data.callId}`, location.href).href, { push: true, scroll: 0 });
  }

  return (
    <>
      <button type="button" class="icon-button call-back" aria-label={label} title={label} onClick={() => place()}>
        <Icon name={video ? "video" : "phone"} />
      </button>
      {error.value && <p class="error call-back-error" role="alert">{t(lang, error.value, { name })}</p>}
      <Sheet
        open={!!leaving.value}
        title={t(lang, "call.confirm_title")}
        closeLabel={t(lang, "space.close")}
        onClose={() => (leaving.value = null)}
        id={`call-back-${row}`}
      >
        {leaving.value && (
          <>
            <p>{t(lang, "call.leaves_space_start", { title: leaving.value, name })}</p>
            <div class="actions">
              <button type="button" onClick={() => place(true)}>
                <Icon name={video ? "video" : "phone"} />
                {t(lang, "call.leave_and_call")}
              </button>
              <button type="button" class="secondary" onClick={() => (leaving.value = null)}>
                {t(lang, "call.stay")}
              </button>
            </div>
          </>
        )}
      </Sheet>
    </>
  );
}
