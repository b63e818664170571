// /settings: profile (name, bio), passkeys and who may call me.
import { Island } from "../components/Island.tsx";
import { CallSettingsSection } from "../lib/calls/ui/SettingsSection.tsx";
import type { Handlers } from "../lib/http/route.ts";
import { t } from "../lib/i18n/mod.ts";
import { CallStore } from "../lib/kv/calls.ts";
import { renderPage } from "../lib/render.tsx";

export const handler: Handlers = {
  async GET(c) {
    const lang = c.get("lang");
    const user = c.get("user");
    if (!user) return c.redirect("/signin?next=/settings");
    const passkeys = (await c.get("deps").users.passkeysOf(user.id)).length;
    const callSettings = await new CallStore(c.get("deps").kv).settings(user.id);
    return renderPage(c, t(lang, "settings.title"), (
      <>
        <h1>{t(lang, "settings.title")}</h1>
        <section class="card" aria-labelledby="profile-h">
          <h2 id="profile-h">{t(lang, "settings.profile")}</h2>
          <Island name="ProfileEditor" props={{ lang, handle: user.handle, displayName: user.displayName, bio: user.bio }} />
        </section>
        <section class="card" aria-labelledby="passkeys-h">
          <h2 id="passkeys-h">{t(lang, "settings.passkeys")}</h2>
          <Island name="AddPasskey" props={{ lang, count: passkeys }} />
        </section>
        <CallSettingsSection lang={lang} settings={callSettings} />
      </>
    ));
  },
};
