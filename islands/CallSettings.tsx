import { useSignal } from "@preact/signals";
import { api } from "../lib/browser/api_client.ts";
import { CallSettingsAnswer } from "../lib/protocol/api.ts";
import type { CallSettings as Settings } from "../lib/shared/call_rule.ts";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";

interface Props {
  lang: Lang;
  settings: Settings;
}

const GROUPS = ["contacts", "following", "verified", "everyone"] as const;

/** Calling on or off, and who may call: the callee's side of THE RULE. */
export default function CallSettings({ lang, settings }: Props) {
  const s = useSignal(settings);
  const busy = useSignal(false);
  const result = useSignal<{ ok: boolean; key: MessageKey } | null>(null);

  async function save(e: Event) {
    e.preventDefault();
    busy.value = true;
    result.value = null;
    const r = await api("PUT", "/api/settings/calls", CallSettingsAnswer, s.value);
    busy.value = false;
    result.value = r.ok ? { ok: true, key: "call.settings.saved" } : { ok: false, key: r.code };
  }

  return (
    <form class="stack" onSubmit={save}>
      <label class="check">
        <input
          type="checkbox"
          checked={s.value.enabled}
          onChange={(e) => (s.value = { ...s.value, enabled: (e.target as HTMLInputElement).checked })}
        />
        {t(lang, "call.settings.enabled")}
      </label>
      <fieldset disabled={!s.value.enabled}>
        <legend>{t(lang, "call.settings.who")}</legend>
        {GROUPS.map((g) => (
          <label class="check" key={g}>
            <input
              type="checkbox"
              checked={s.value.allow[g]}
              onChange={(
                e,
              ) => (s.value = { ...s.value, allow: { ...s.value.allow, [g]: (e.target as HTMLInputElement).checked } })}
            />
            {t(lang, `call.settings.${g}`)}
          </label>
        ))}
      </fieldset>
      <p class="hint">{t(lang, "call.settings.note")}</p>
      <div class="actions">
        <button type="submit" disabled={busy.value}>{t(lang, "call.settings.save")}</button>
      </div>
      <p class={result.value?.ok ? "success" : "error"} role="status">
        {result.value ? t(lang, result.value.key) : ""}
      </p>
    </form>
  );
}
