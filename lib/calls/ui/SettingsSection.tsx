// The calls section of the settings page: who may call me (and, on this device, notifications).
import { Island } from "../../../components/Island.tsx";
import { type Lang, t } from "../../i18n/mod.ts";
import type { CallSettings } from "../rule.ts";

export function CallSettingsSection({ lang, settings }: { lang: Lang; settings: CallSettings }) {
  return (
    <section class="card" aria-labelledby="calls-h">
      <h2 id="calls-h">{t(lang, "call.settings.title")}</h2>
      <Island name="CallSettings" props={{ lang, settings }} />
      <Island name="PushToggle" props={{ lang }} />
    </section>
  );
}
