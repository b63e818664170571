import { useSignal } from "@preact/signals";
import { startAuthentication } from "@simplewebauthn/browser";
import { api } from "../lib/browser/api_client.ts";
import { PasskeyRequestOptions, SignedIn } from "../lib/protocol/api.ts";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";
import { Icon } from "../components/Icon.tsx";

/** One button: the browser offers the passkeys it has for this site; no handle is typed. */
export default function SignIn({ lang, next }: { lang: Lang; next: string }) {
  const busy = useSignal(false);
  const error = useSignal<MessageKey | null>(null);

  async function signIn() {
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    try {
      const opts = await api("POST", "/api/auth/login/options", PasskeyRequestOptions, {});
      if (!opts.ok) return void (error.value = opts.code);
      let response;
      try {
        response = await startAuthentication({ optionsJSON: opts.data });
      } catch (err) {
        return void (error.value = (err as Error).name === "NotSupportedError"
          ? "err.passkey_unsupported"
          : "err.passkey_cancelled");
      }
      const done = await api("POST", "/api/auth/login/verify", SignedIn, { response });
      if (!done.ok) return void (error.value = done.code);
      location.assign(next);
    } finally {
      busy.value = false;
    }
  }

  return (
    <div class="stack">
      <button type="button" class="button wide" onClick={signIn} aria-disabled={busy.value} aria-busy={busy.value}>
        <Icon name="key" size={20} />
        {busy.value ? t(lang, "signin.working") : t(lang, "signin.submit")}
      </button>
      <p class="error" role="alert">{error.value ? t(lang, error.value) : ""}</p>
    </div>
  );
}
