// The calls section of the settings page: who may call me (and, on this device, notifications).
// Its id is what "Who can call me" links to, from the call screen and the DM thread.
import { Island } from "../Island.tsx";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { Icon } from "../Icon.tsx";
import { CALL_SETTINGS_ID } from "./WhoCanCall.tsx";
import type { CallSettings } from "../../lib/shared/call_rule.ts";

export function CallSettingsSection({ lang, settings }: { lang: Lang; settings: CallSettings }) {
  return (
    <section class="card call-settings" id={CALL_SETTINGS_ID} aria-labelledby="calls-h">
      <h2 id="calls-h" class="card-title">
        <Icon name="phone" size={22} />
        {t(lang, "call.settings.title")}
      </h2>
      <Island name="CallSettings" props={{ lang, settings }} />
      <div class="call-push">
        <Island name="PushToggle" props={{ lang }} />
      </div>
    </section>
  );
}
