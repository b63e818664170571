// The calls section of the settings page: who may call me (and, on this device, notifications).
import { Island } from "../Island.tsx";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { Icon } from "../Icon.tsx";
import type { CallSettings } from "../../lib/shared/call_rule.ts";

export function CallSettingsSection({ lang, settings }: { lang: Lang; settings: CallSettings }) {
  return (
    <section class="card call-settings" aria-labelledby="calls-h">
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
