// The composer at the foot of a DM thread: a text area that grows with what is written (Enter
// sends, Shift+Enter starts a line, as in chat apps), a round Send button, and, near the limit,
// how many characters are left.
import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";
import { type Lang, type MessageKey, t } from "../../lib/i18n/mod.ts";
import { DM_MAX_CHARS } from "../../lib/protocol/dm.ts";
import { Icon } from "../Icon.tsx";

/** Below this many characters left, the count shows. */
const COUNT_FROM = 200;

export function Composer(
  { lang, name, onSend }: { lang: Lang; name: string; onSend: (text: string) => Promise<MessageKey | null> },
) {
  const text = useSignal("");
  const busy = useSignal(false);
  const error = useSignal<MessageKey | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const fit = () => {
    const el = area.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 140)}px`;
  };
  async function send(ev: Event) {
    ev.preventDefault();
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    const err = await onSend(text.value);
    busy.value = false;
    if (err) return void (error.value = err);
    text.value = "";
    requestAnimationFrame(fit);
  }
  const left = DM_MAX_CHARS - [...text.value].length;
  return (
    <form class="dm-compose" onSubmit={send}>
      <p class="error" role="alert">{error.value ? t(lang, error.value) : ""}</p>
      <div class="dm-compose-row">
        <label for="dm-text" class="sr-only">{t(lang, "dm.compose_label", { name })}</label>
        <textarea
          id="dm-text"
          ref={area}
          rows={1}
          value={text.value}
          placeholder={t(lang, "dm.placeholder")}
          maxLength={DM_MAX_CHARS * 2}
          aria-invalid={error.value || left < 0 ? "true" : undefined}
          aria-describedby="dm-left"
          onInput={(e) => {
            text.value = (e.target as HTMLTextAreaElement).value;
            fit();
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.isComposing) send(e);
          }}
        />
        <button
          type="submit"
          class="send"
          aria-label={t(lang, "dm.send")}
          title={t(lang, "dm.send")}
          disabled={busy.value}
        >
          <Icon name="send" />
        </button>
      </div>
      <p id="dm-left" class={left < 0 ? "error" : left < COUNT_FROM ? "hint" : "sr-only"}>
        {t(lang, "dm.chars_left", { n: left })}
      </p>
    </form>
  );
}
