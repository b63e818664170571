import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api } from "../lib/browser/api_client.ts";
import { Done, PushKey } from "../lib/protocol/api.ts";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";

interface Props {
  lang: Lang;
}

type State = "checking" | "unsupported" | "denied" | "off" | "on";

function keyBytes(b64url: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64url.replaceAll("-", "+").replaceAll("_", "/") + "===".slice((b64url.length + 3) % 4));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Call notifications on this device: asks permission, subscribes, tells the server. */
export default function PushToggle({ lang }: Props) {
  const state = useSignal<State>("checking");
  const busy = useSignal(false);
  const error = useSignal<MessageKey | null>(null);

  useEffect(() => {
    (async () => {
      if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
        return void (state.value = "unsupported");
      }
      if (Notification.permission === "denied") return void (state.value = "denied");
      const reg = await navigator.serviceWorker.ready;
      state.value = (await reg.pushManager.getSubscription()) && Notification.permission === "granted" ? "on" : "off";
    })().catch(() => (state.value = "unsupported"));
  }, []);

  async function enable() {
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    try {
      if ((await Notification.requestPermission()) !== "granted") return void (state.value = "denied");
      const key = await api("GET", "/api/push/key", PushKey);
      if (!key.ok) return void (error.value = key.code);
      const reg = await navigator.serviceWorker.ready;
      const sub = await reg.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(key.data.publicKey),
      });
      const saved = await api("POST", "/api/push/subscriptions", Done, sub.toJSON());
      if (!saved.ok) {
        await sub.unsubscribe().catch(() => {});
        return void (error.value = "call.push.failed");
      }
      state.value = "on";
    } catch {
      error.value = "call.push.failed";
    } finally {
      busy.value = false;
    }
  }

  async function disable() {
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    const reg = await navigator.serviceWorker.ready;
    const sub = await reg.pushManager.getSubscription();
    if (sub) {
      await api("DELETE", "/api/push/subscriptions", Done, { endpoint: sub.endpoint });
      await sub.unsubscribe().catch(() => {});
    }
    state.value = "off";
    busy.value = false;
  }

  const words: Partial<Record<State, MessageKey>> = {
    unsupported: "call.push.unsupported",
    denied: "call.push.denied",
    off: "call.push.off",
    on: "call.push.on",
  };
  return (
    <div class="stack">
      <h3>{t(lang, "call.push.title")}</h3>
      <p role="status">{words[state.value] ? t(lang, words[state.value]!) : ""}</p>
      {(state.value === "off" || state.value === "on") && (
        // One button whose words change, so the focus stays on it after a switch.
        <div class="actions">
          <button
            type="button"
            class={state.value === "on" ? "button secondary" : "button"}
            aria-disabled={busy.value}
            onClick={state.value === "on" ? disable : enable}
          >
            {t(lang, state.value === "on" ? "call.push.disable" : "call.push.enable")}
          </button>
        </div>
      )}
      <p class="error" role="alert">{error.value ? t(lang, error.value) : ""}</p>
    </div>
  );
}
