// "Who can call me": a link to the calls section of the settings page, from the places a person
// thinks of it (the call screen, a DM thread), since settings keep it a few cards down.
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { Icon } from "../Icon.tsx";

/** The id of the settings page's calls section. */
export const CALL_SETTINGS_ID = "calls";

export function WhoCanCallLink({ lang, cls }: { lang: Lang; cls: string }) {
  return (
    <a class={cls} href={`/settings#${CALL_SETTINGS_ID}`}>
      <Icon name="settings" size={18} />
      <span class="pill-text">{t(lang, "call.settings.who")}</span>
    </a>
  );
}
