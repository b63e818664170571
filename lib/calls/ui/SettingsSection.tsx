// The calls section of the settings page: who may call me (and, on this device, notifications).
import { Island } from "../../../components/Island.tsx";
import { type Lang, t } from "../../i18n/mod.ts";
import type { CallSettings } from "../rule.ts";

export function CallSettingsSection({ lang, settings }: { lang: Lang; settings: CallSettings }) {
  return (
    <section class="card" aria-labelledby="calls-h">
      <style>{`.check { display: flex; gap: 8px; align-items: center; font-weight: 400; min-height: 44px; } .check input { width: auto; min-height: 0; } fieldset { border: 1px solid #4c3d85; border-radius: 10px; }`}</style>
      <h2 id="calls-h">{t(lang, "call.settings.title")}</h2>
      <Island name="CallSettings" props={{ lang, settings }} />
      <Island name="PushToggle" props={{ lang }} />
    </section>
  );
}
