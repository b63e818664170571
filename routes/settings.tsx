// /settings: the account at the top, then sections: profile (name, bio), language, passkeys,
// who may call me, and signing out. The language switch is the same form as the top bar's menu.
import { Avatar } from "../components/Avatar.tsx";
import { Island } from "../components/Island.tsx";
import { CallSettingsSection } from "../components/calls/SettingsSection.tsx";
import type { Handlers } from "../lib/server/http/route.ts";
import { LANG_NAMES, LANGS, t } from "../lib/i18n/mod.ts";
import { CallStore } from "../lib/server/kv/calls.ts";
import { renderPage } from "../lib/server/render.tsx";
import { Icon } from "../components/Icon.tsx";

export const handler: Handlers = {
  async GET(c) {
    const lang = c.get("lang");
    const user = c.get("user");
    if (!user) return c.redirect("/signin?next=/settings");
    const passkeys = (await c.get("deps").users.passkeysOf(user.id)).length;
    const callSettings = await new CallStore(c.get("deps").kv).settings(user.id);
    return renderPage(
      c,
      t(lang, "settings.title"),
      (
        <div class="settings">
          <h1>{t(lang, "settings.title")}</h1>
          <a class="card account-card" href={`/@${user.handle}`}>
            <Avatar id={user.id} name={user.displayName} size={56} />
            <span class="account-id">
              <strong>{user.displayName}</strong>
              <span class="muted">{t(lang, "settings.signed_in_as", { handle: user.handle })}</span>
            </span>
            <span class="account-go">
              <span class="go-text">{t(lang, "settings.view_profile")}</span>
              <Icon name="chevronRight" size={20} />
            </span>
          </a>
          <section class="card" aria-labelledby="profile-h">
            <h2 id="profile-h" class="card-title">
              <Icon name="profile" size={22} />
              {t(lang, "settings.profile")}
            </h2>
            <Island
              name="ProfileEditor"
              props={{ lang, handle: user.handle, displayName: user.displayName, bio: user.bio }}
            />
          </section>
          <section class="card" aria-labelledby="lang-h">
            <h2 id="lang-h" class="card-title">
              <Icon name="language" size={22} />
              {t(lang, "lang.label")}
            </h2>
            <p class="hint" id="lang-hint">{t(lang, "settings.language_hint")}</p>
            <form method="post" action="/lang" class="lang-form">
              <input type="hidden" name="back" value="/settings" />
              <div class="segmented-buttons" role="group" aria-labelledby="lang-h" aria-describedby="lang-hint">
                {LANGS.map((l) => (
                  <button
                    type="submit"
                    name="lang"
                    value={l}
                    lang={l}
                    aria-pressed={l === lang ? "true" : "false"}
                    key={l}
                  >
                    {l === lang && <Icon name="check" size={18} />}
                    {LANG_NAMES[l]}
                  </button>
                ))}
              </div>
            </form>
          </section>
          <section class="card" aria-labelledby="passkeys-h">
            <h2 id="passkeys-h" class="card-title">
              <Icon name="key" size={22} />
              {t(lang, "settings.passkeys")}
            </h2>
            <p class="hint">{t(lang, "settings.passkeys_hint")}</p>
            <Island name="AddPasskey" props={{ lang, count: passkeys }} />
          </section>
          <CallSettingsSection lang={lang} settings={callSettings} />
          <section class="card" aria-labelledby="account-h">
            <h2 id="account-h" class="card-title">
              <Icon name="lock" size={22} />
              {t(lang, "settings.account")}
            </h2>
            <form method="post" action="/signout">
              <button type="submit" class="button danger">
                <Icon name="signout" size={20} />
                {t(lang, "nav.signout")}
              </button>
            </form>
          </section>
        </div>
      ),
    );
  },
};
