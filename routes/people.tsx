// /people: search people by handle or name, and (signed in) my contacts.
import { Avatar, VerifiedBadge } from "../components/Avatar.tsx";
import { Island } from "../components/Island.tsx";
import type { Handlers } from "../lib/server/http/route.ts";
import { t } from "../lib/i18n/mod.ts";
import { card } from "../lib/server/people_card.ts";
import { renderPage } from "../lib/server/render.tsx";
import { Icon } from "../components/Icon.tsx";

export const handler: Handlers = {
  async GET(c) {
    const lang = c.get("lang");
    const viewer = c.get("user");
    const { users, social } = c.get("deps");
    const q = (c.req.query("q") ?? "").slice(0, 60);
    const results = q ? (await users.search(q)).map((u) => card(u)) : [];
    const contacts = viewer ? (await users.getMany(await social.contactIds(viewer.id))).map((u) => card(u, true)) : [];
    return renderPage(
      c,
      t(lang, "people.title"),
      (
        <div class="people-page">
          <h1>{t(lang, "people.title")}</h1>
          <Island name="PeopleSearch" props={{ lang, initialQuery: q, initialResults: results, signedIn: !!viewer }} />
          {viewer && (
            <section aria-labelledby="contacts-h">
              <h2 id="contacts-h" class="section-title">
                <Icon name="users" size={20} />
                {t(lang, "people.contacts")}
              </h2>
              {contacts.length === 0
                ? (
                  <div class="empty">
                    <Icon name="userPlus" />
                    <p>{t(lang, "people.no_contacts")}</p>
                    <a class="button secondary" href="#people-q">{t(lang, "people.search_label")}</a>
                  </div>
                )
                : (
                  <ul class="people" aria-labelledby="contacts-h">
                    {contacts.map((p) => (
                      <li key={p.id}>
                        <a href={`/@${p.handle}`} class="person">
                          <Avatar id={p.id} name={p.displayName} size={44} />
                          <span class="person-id">
                            <strong>
                              {p.displayName}
                              {p.verified && <VerifiedBadge label={t(lang, "profile.verified")} />}
                            </strong>
                            <span class="muted">@{p.handle}</span>
                          </span>
                        </a>
                      </li>
                    ))}
                  </ul>
                )}
            </section>
          )}
        </div>
      ),
    );
  },
};
