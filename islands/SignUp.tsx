import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { startRegistration } from "@simplewebauthn/browser";
import { api } from "../lib/browser/api_client.ts";
import { PasskeyCreationOptions, SignedIn } from "../lib/protocol/api.ts";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";
import { Icon } from "../components/Icon.tsx";

/**
 * Handle and name, then the browser's passkey prompt; errors shown beside the field they concern.
 * Afterwards the person goes back to `next` (a same-site path the server checked), or to their
 * new profile when they came to sign up for its own sake.
 */
export default function SignUp({ lang, next = null }: { lang: Lang; next?: string | null }) {
  const handle = useSignal("");
  const name = useSignal("");
  const busy = useSignal(false);
  const error = useSignal<{ field?: string; code: MessageKey } | null>(null);

  // A refused field takes the focus, so its message is read and the fix is one keystroke away.
  useEffect(() => {
    const f = error.value?.field;
    if (f === "handle" || f === "displayName") {
      document.getElementById(f === "handle" ? "signup-handle" : "signup-name")?.focus();
    }
  }, [error.value]);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    try {
      const opts = await api("POST", "/api/auth/register/options", PasskeyCreationOptions, {
        handle: handle.value,
        displayName: name.value,
      });
      if (!opts.ok) return void (error.value = { field: opts.field, code: opts.code });
      let response;
      try {
        response = await startRegistration({ optionsJSON: opts.data });
      } catch (err) {
        const code = (err as Error).name === "NotSupportedError" ? "err.passkey_unsupported" : "err.passkey_cancelled";
        return void (error.value = { code });
      }
      const done = await api("POST", "/api/auth/register/verify", SignedIn, { response });
      if (!done.ok) return void (error.value = { field: done.field, code: done.code });
      location.assign(next ?? `/@${done.data.handle}`);
    } finally {
      busy.value = false;
    }
  }

  const err = error.value;
  return (
    <form onSubmit={submit} class="stack auth-form" noValidate>
      <label for="signup-handle">{t(lang, "signup.handle")}</label>
      <div class="prefixed">
        <span aria-hidden="true">@</span>
        <input
          id="signup-handle"
          name="handle"
          autocomplete="username webauthn"
          autocapitalize="none"
          spellcheck={false}
          maxLength={15}
          required
          aria-describedby="signup-handle-hint signup-handle-error"
          aria-invalid={err?.field === "handle" ? "true" : undefined}
          value={handle.value}
          onInput={(e) => (handle.value = (e.target as HTMLInputElement).value)}
        />
      </div>
      <p id="signup-handle-hint" class="hint">{t(lang, "signup.handle_hint")}</p>
      <p id="signup-handle-error" class="error" role="alert">{err?.field === "handle" ? t(lang, err.code) : ""}</p>
      <label for="signup-name">{t(lang, "signup.name")}</label>
      <input
        id="signup-name"
        name="displayName"
        autocomplete="name"
        maxLength={50}
        required
        aria-describedby="signup-name-error"
        aria-invalid={err?.field === "displayName" ? "true" : undefined}
        value={name.value}
        onInput={(e) => (name.value = (e.target as HTMLInputElement).value)}
      />
      <p id="signup-name-error" class="error" role="alert">{err?.field === "displayName" ? t(lang, err.code) : ""}</p>
      {err && !err.field && <p class="error" role="alert">{t(lang, err.code)}</p>}
      <button type="submit" class="button wide" aria-disabled={busy.value} aria-busy={busy.value}>
        <Icon name="key" size={20} />
        {busy.value ? t(lang, "signup.working") : t(lang, "signup.submit")}
      </button>
    </form>
  );
}
