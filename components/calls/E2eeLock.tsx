// The call's end-to-end encryption as the person sees it: a lock in the call's top bar that names
// the state (and is the only sign needed for a working call), opening a sheet with the short code
// both screens show and "Mark as verified"; and, under the call, why nothing is sent when this
// call cannot be encrypted, or that the other person's device key changed since an earlier call.
import { useSignal } from "@preact/signals";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { Icon } from "../Icon.tsx";
import { Sheet } from "../Sheet.tsx";
import type { CallE2ee } from "../../lib/browser/calls/e2ee/call_e2ee.ts";

export function E2eeLock({ lang, e2ee, peerName }: { lang: Lang; e2ee: CallE2ee; peerName: string }) {
  const open = useSignal(false);
  const state = e2ee.state.value;
  const code = e2ee.code.value;
  const on = state === "encrypted";
  const label = t(
    lang,
    on ? "call.e2ee.on" : state === "waiting" || state === "checking" ? "call.e2ee.waiting" : "call.e2ee.off",
  );
  return (
    <>
      <button
        type="button"
        class={on ? "call-pill e2ee on" : "call-pill e2ee"}
        data-e2ee={state}
        aria-label={on && e2ee.verified.value ? `${label}, ${t(lang, "call.e2ee.verified")}` : label}
        disabled={!on}
        onClick={() => (open.value = true)}
      >
        <Icon name="lock" size={16} />
        <span class="pill-text" aria-hidden="true">{label}</span>
      </button>
      <Sheet
        open={open.value && on}
        title={t(lang, "call.e2ee.sheet_title")}
        closeLabel={t(lang, "call.e2ee.close")}
        onClose={() => (open.value = false)}
        id="call-e2ee"
      >
        <p>{t(lang, "call.e2ee.explain", { name: peerName })}</p>
        <p class="e2ee-code" data-testid="e2ee-code" aria-label={t(lang, "call.e2ee.code_label", { code: code ?? "" })}>
          {code}
        </p>
        {e2ee.verified.value
          ? (
            <p class="e2ee-verified" role="status">
              <Icon name="userCheck" size={16} /> {t(lang, "call.e2ee.verified_long", { name: peerName })}
            </p>
          )
          : (
            <button type="button" class="button" onClick={() => void e2ee.markVerified()}>
              {t(lang, "call.e2ee.mark_verified", { name: peerName })}
            </button>
          )}
      </Sheet>
    </>
  );
}

/** Under the call: why it cannot be encrypted (nothing is sent), or that the other's key changed. */
export function E2eeNotice({ lang, e2ee, peerName }: { lang: Lang; e2ee: CallE2ee; peerName: string }) {
  const state = e2ee.state.value;
  if (state === "unsupported" || state === "peer_unsupported" || state === "failed") {
    if (e2ee.plainAgreed.value) {
      return <p class="call-note warn" role="status">{t(lang, "call.e2ee.plain_on")}</p>;
    }
    return (
      <div class="call-note-group">
        <p class="call-note error" role="alert">
          {t(lang, `call.e2ee.${state}`, { name: peerName })}
        </p>
        {e2ee.plainOffered.value && !e2ee.plainChosen.value && (
          <button
            type="button"
            class="call-tap"
            onClick={() => e2ee.goPlain()}
          >
            {t(lang, "call.e2ee.go_plain")}
          </button>
        )}
        {e2ee.plainChosen.value && (
          <p class="call-note" role="status">{t(lang, "call.e2ee.plain_waiting", { name: peerName })}</p>
        )}
      </div>
    );
  }
  if (e2ee.keyChanged.value) {
    return (
      <p class="call-note warn" role="alert" data-testid="e2ee-key-changed">
        {t(lang, "call.e2ee.key_changed", { name: peerName })}
      </p>
    );
  }
  return null;
}
