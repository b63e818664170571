// The in-call part of the call screen: duration and the end button (media controls join here).
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { type Lang, t } from "../../i18n/mod.ts";
import { callDurationS, type CallView } from "../../protocol/call.ts";
import { formatDuration } from "../entry_text.ts";

export function InCall({ lang, call, onEnd }: { lang: Lang; call: CallView; callId: string; onEnd: () => void }) {
  const now = useSignal(Date.now());
  useEffect(() => {
    const id = setInterval(() => (now.value = Date.now()), 1_000);
    return () => clearInterval(id);
  }, []);
  return (
    <>
      <p class="duration" aria-live="off">{t(lang, "call.duration", { duration: formatDuration(callDurationS(call, now.value)) })}</p>
      <div class="call-controls">
        <button type="button" class="button danger" onClick={onEnd}>{t(lang, "call.end")}</button>
      </div>
    </>
  );
}
