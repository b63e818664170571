import { useSignal } from "@preact/signals";
import { type Lang, t } from "../lib/i18n/mod.ts";

/** Web Share where the browser has it (phones), copy to the clipboard otherwise. */
export default function ShareButton({ lang, url, title }: { lang: Lang; url: string; title: string }) {
  const copied = useSignal(false);
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
    }
    copied.value = true;
    setTimeout(() => (copied.value = false), 3000);
  }
  return (
    <span class="share">
      <button type="button" class="button secondary small" onClick={share}>↗ {t(lang, "space.share")}</button>
      <span role="status" class="success">{copied.value ? t(lang, "space.link_copied") : ""}</span>
    </span>
  );
}
