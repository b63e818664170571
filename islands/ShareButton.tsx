import { useRef } from "preact/hooks";
import { type Lang, t } from "../lib/i18n/mod.ts";
import { Icon } from "../components/Icon.tsx";
import { toast } from "../components/Toast.tsx";

/** Web Share where the browser has it (phones), copy to the clipboard otherwise, confirmed by a toast. */
export default function ShareButton({ lang, url, title }: { lang: Lang; url: string; title: string }) {
  const btn = useRef<HTMLButtonElement>(null);
  async function share() {
    const full = new URL(url, location.href).href;
    if (navigator.share) {
      try {
        await navigator.share({ title, url: full });
        return;
      } catch { /* cancelled: fall through to copy */ }
    }
    try {
      await navigator.clipboard.writeText(full);
    } catch {
      const input = document.createElement("input");
      input.value = full;
      document.body.append(input);
      input.select();
      document.execCommand("copy");
      input.remove();
      // The copy took the focus to a field that is gone: give it back to the button.
      btn.current?.focus();
    }
    toast(t(lang, "space.link_copied"));
  }
  return (
    <span class="share">
      <button type="button" class="button secondary small" ref={btn} onClick={share}>
        <Icon name="share" size={18} />
        {t(lang, "space.share")}
      </button>
    </span>
  );
}
