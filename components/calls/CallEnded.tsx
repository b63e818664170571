// The call screen after the call: it closes by itself a few seconds later, back to the thread,
// saying so with the seconds left, and "Stay here" keeps it (as phones' call screens do).
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { navigate } from "../../lib/browser/partial.ts";

/** How long an ended call's screen stays before it closes. */
export const ENDED_CLOSES_AFTER_S = 5;

export function CallEnded({ lang, href }: { lang: Lang; href: string }) {
  const left = useSignal(ENDED_CLOSES_AFTER_S);
  const staying = useSignal(false);
  useEffect(() => {
    if (staying.value) return;
    const timer = setInterval(() => {
      left.value -= 1;
      if (left.value > 0) return;
      clearInterval(timer);
      // Only if this screen still shows: the person may have gone elsewhere meanwhile.
      if (location.pathname.startsWith("/calls/")) {
        void navigate(new URL(href, location.href).href, { push: true, scroll: 0 });
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [staying.value]);
  return (
    <div class="call-ended">
      <a class="button call-done" href={href}>{t(lang, "call.back")}</a>
      {!staying.value && (
        <p class="call-closing">
          <span role="timer" aria-live="off">{t(lang, "call.closing_in", { n: left.value })}</span>
          <button type="button" class="call-stay" onClick={() => (staying.value = true)}>
            {t(lang, "call.keep_open")}
          </button>
        </p>
      )}
    </div>
  );
}
