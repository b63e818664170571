import { useSignal } from "@preact/signals";
import { startRegistration } from "@simplewebauthn/browser";
import { api } from "../lib/browser/api_client.ts";
import { PasskeyAdded, PasskeyCreationOptions } from "../lib/protocol/api.ts";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";
import { Icon } from "../components/Icon.tsx";
import { toast } from "../components/Toast.tsx";

/** Adds another passkey (a phone, a security key) to the signed-in account. */
export default function AddPasskey({ lang, count }: { lang: Lang; count: number }) {
  const n = useSignal(count);
  const busy = useSignal(false);
  const status = useSignal<{ ok: boolean; code: MessageKey } | null>(null);

  async function add() {
    if (busy.value) return;
    busy.value = true;
    status.value = null;
    try {
      const opts = await api("POST", "/api/auth/passkeys/options", PasskeyCreationOptions, {});
      if (!opts.ok) return void (status.value = { ok: false, code: opts.code });
      let response;
      try {
        response = await startRegistration({ optionsJSON: opts.data });
      } catch {
        return void (status.value = { ok: false, code: "err.passkey_cancelled" });
      }
      const r = await api("POST", "/api/auth/passkeys/verify", PasskeyAdded, { response });
      if (!r.ok) return void (status.value = { ok: false, code: r.code });
      n.value = r.data.count;
      toast(t(lang, "settings.passkey_added"));
    } finally {
      busy.value = false;
    }
  }

  return (
    <div class="stack">
      <p data-testid="passkey-count" class="setting-value">
        <Icon name="key" size={20} />
        {t(lang, "settings.passkey_count", { n: n.value })}
      </p>
      <button type="button" class="button secondary" onClick={add} aria-disabled={busy.value} aria-busy={busy.value}>
        <Icon name="plus" size={20} />
        {t(lang, "settings.add_passkey")}
      </button>
      <p class="error" role="alert">{status.value ? t(lang, status.value.code) : ""}</p>
    </div>
  );
}
