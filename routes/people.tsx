// People: search the address book and the viewer's contacts.
import { Hono } from "hono";
import { Avatar, VerifiedBadge } from "../components/Avatar.tsx";
import { Island } from "../components/Island.tsx";
import type { AppEnv } from "../lib/http/env.ts";
import { requireUser } from "../lib/http/guards.ts";
import { t } from "../lib/i18n/mod.ts";
import type { User } from "../lib/kv/users.ts";
import { renderPage } from "../lib/render.tsx";

const people = new Hono<AppEnv>();

/** What search results and contact lists show of a person. */
export interface PersonCard {
  id: string;
  handle: string;
  displayName: string;
  verified: boolean;
  contact?: boolean;
}

export function card(u: User, contact?: boolean): PersonCard {
  return { id: u.id, handle: u.handle, displayName: u.displayName, verified: u.verified, contact };
}

people.get("/people", async (c) => {
  const lang = c.get("lang");
  const viewer = c.get("user");
  const { users, social } = c.get("deps");
  const q = (c.req.query("q") ?? "").slice(0, 60);
  const results = q ? (await users.search(q)).map((u) => card(u)) : [];
  const contacts = viewer ? (await users.getMany(await social.contactIds(viewer.id))).map((u) => card(u, true)) : [];
  return renderPage(c, t(lang, "people.title"), (
    <section class="card">
      <h1>{t(lang, "people.title")}</h1>
      <Island name="PeopleSearch" props={{ lang, initialQuery: q, initialResults: results, signedIn: !!viewer }} />
      {viewer && (
        <section aria-labelledby="contacts-h">
          <h2 id="contacts-h">{t(lang, "people.contacts")}</h2>
          {contacts.length === 0
            ? <p class="muted">{t(lang, "people.no_contacts")}</p>
            : (
              <ul class="people" aria-labelledby="contacts-h">
                {contacts.map((p) => (
                  <li key={p.id}>
                    <a href={`/@${p.handle}`} class="person">
                      <Avatar id={p.id} name={p.displayName} size={40} />
                      <span>
                        <strong>{p.displayName}</strong>
                        {p.verified && <VerifiedBadge label={t(lang, "profile.verified")} />} <span class="muted">@{p.handle}</span>
                      </span>
                    </a>
                  </li>
                ))}
              </ul>
            )}
        </section>
      )}
    </section>
  ));
});

people.get("/api/people", async (c) => {
  const q = (c.req.query("q") ?? "").slice(0, 60);
  const found = await c.get("deps").users.search(q);
  return c.json({ results: found.map((u) => card(u)) });
});

people.get("/api/contacts", async (c) => {
  const me = requireUser(c);
  const { users, social } = c.get("deps");
  return c.json({ contacts: (await users.getMany(await social.contactIds(me.id))).map((u) => card(u, true)) });
});

export default people;
