import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { SwitchRow } from "../components/SwitchRow.tsx";
import { PLAIN_OK_KEY, plainOkHere } from "../lib/browser/calls/e2ee/plain_setting.ts";
import { api } from "../lib/browser/api_client.ts";
import { CallSettingsAnswer } from "../lib/protocol/api.ts";
import { CALL_CHOICES, type CallChoice, type CallSettings as Settings } from "../lib/shared/call_rule.ts";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";
import { Icon } from "../components/Icon.tsx";
import type { IconName } from "../components/icon_names.ts";

interface Props {
  lang: Lang;
  settings: Settings;
}

const ICON: Record<CallChoice, IconName> = {
  nobody: "ban",
  contacts: "users",
  following: "userCheck",
  verified: "check",
  everyone: "world",
};

type Status = { state: "saving" } | { state: "saved" } | { state: "failed"; code: MessageKey } | null;

/**
 * Who may call me, as one choice of five (radios, each wider than the one above it), saved as it
 * changes: the callee's side of THE RULE. A refused save puts the last saved choice back.
 */
export default function CallSettings({ lang, settings }: Props) {
  const saved = useSignal<CallChoice>(settings.who);
  const chosen = useSignal<CallChoice>(settings.who);
  const status = useSignal<Status>(null);
  const latest = useRef(0);
  // A setting of this device (localStorage): the server never learns how a call is carried.
  const plainOk = useSignal(true);
  useEffect(() => void (plainOk.value = plainOkHere()), []);

  async function choose(who: CallChoice) {
    chosen.value = who;
    status.value = { state: "saving" };
    const mine = ++latest.current;
    const r = await api("PUT", "/api/settings/calls", CallSettingsAnswer, { who } satisfies Settings);
    // A later choice made while this one was on its way has the last word.
    if (mine !== latest.current) return;
    if (r.ok) {
      saved.value = chosen.value = r.data.settings.who;
      status.value = { state: "saved" };
    } else {
      chosen.value = saved.value;
      status.value = { state: "failed", code: r.code };
    }
  }

  const s = status.value;
  return (
    <div class="call-choice">
      <fieldset class="choice-list" aria-describedby="call-who-note">
        <legend>{t(lang, "call.settings.who")}</legend>
        {CALL_CHOICES.map((who) => (
          <label class="choice-row" key={who}>
            <Icon name={ICON[who]} size={22} />
            <span>
              <strong>{t(lang, `call.settings.${who}`)}</strong>
              <span class="hint">{t(lang, `call.settings.${who}_hint`)}</span>
            </span>
            <input
              type="radio"
              name="call-who"
              value={who}
              checked={chosen.value === who}
              onChange={() => void choose(who)}
            />
          </label>
        ))}
      </fieldset>
      <p class="hint" id="call-who-note">{t(lang, "call.settings.note")}</p>
      <p class={s?.state === "failed" ? "error save-status" : "save-status"} role="status">
        {s?.state === "saved" && <Icon name="check" size={18} />}
        {s ? t(lang, s.state === "failed" ? s.code : `call.settings.${s.state}`) : ""}
      </p>
      <SwitchRow
        icon="lock"
        label={t(lang, "call.settings.plain")}
        hint={t(lang, "call.settings.plain_hint")}
        checked={plainOk.value}
        onChange={(on) => {
          plainOk.value = on;
          localStorage.setItem(PLAIN_OK_KEY, on ? "1" : "0");
        }}
      />
    </div>
  );
}
