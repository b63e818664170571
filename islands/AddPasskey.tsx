import { useSignal } from "@preact/signals";
import { startRegistration } from "@simplewebauthn/browser";
import { api } from "../lib/api_client.ts";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";

/** Adds another passkey (a phone, a security key) to the signed-in account. */
export default function AddPasskey({ lang, count }: { lang: Lang; count: number }) {
  const n = useSignal(count);
  const busy = useSignal(false);
  const status = useSignal<{ ok: boolean; code: MessageKey } | null>(null);

  async function add() {
    busy.value = true;
    status.value = null;
    try {
      const opts = await api<Record<string, unknown>>("POST", "/api/auth/passkeys/options", {});
      if (!opts.ok) return void (status.value = { ok: false, code: opts.code });
      let response;
      try {
        response = await startRegistration({ optionsJSON: opts.data as never });
      } catch {
        return void (status.value = { ok: false, code: "err.passkey_cancelled" });
      }
      const r = await api<{ count: number }>("POST", "/api/auth/passkeys/verify", { response });
      if (!r.ok) return void (status.value = { ok: false, code: r.code });
      n.value = r.data.count;
      status.value = { ok: true, code: "settings.passkey_added" };
    } finally {
      busy.value = false;
    }
  }

  return (
    <div class="stack">
      <p data-testid="passkey-count">{t(lang, "settings.passkey_count", { n: n.value })}</p>
      <button type="button" class="button secondary" onClick={add} disabled={busy.value} aria-busy={busy.value}>
        {t(lang, "settings.add_passkey")}
      </button>
      <p class={status.value?.ok ? "success" : "error"} role="status">{status.value ? t(lang, status.value.code) : ""}</p>
    </div>
  );
}
