// /@<handle>: a person's profile. Hono matches a parameter only as a whole path segment (a pattern
// like `/@:handle` never matches), so this is `[handle]` narrowed to segments that start with "@";
// the parameter holds the "@" too. Static pages (/people, /signin...) are mounted before it.
import { Avatar, VerifiedBadge } from "../components/Avatar.tsx";
import { Island } from "../components/Island.tsx";
import { userByHandle } from "../lib/http/params.ts";
import type { Handlers } from "../lib/http/route.ts";
import { t } from "../lib/i18n/mod.ts";
import { renderPage } from "../lib/render.tsx";

export const params = { handle: "@[A-Za-z0-9_]{1,20}" };

export const handler: Handlers = {
  async GET(c) {
    const lang = c.get("lang");
    const viewer = c.get("user");
    const { social } = c.get("deps");
    const user = await userByHandle(c, c.req.param("handle") ?? "");
    const counts = await social.counts(user.id);
    const self = viewer?.id === user.id;
    const rel = viewer && !self
      ? {
        following: await social.follows(viewer.id, user.id),
        contact: await social.isContact(viewer.id, user.id),
        blocked: await social.blocks(viewer.id, user.id),
      }
      : null;
    const joined = new Intl.DateTimeFormat(lang, { year: "numeric", month: "long" }).format(user.createdAt);
    return renderPage(c, `${user.displayName} (@${user.handle})`, (
      <article class="card profile">
        <header class="profile-head">
          <Avatar id={user.id} name={user.displayName} size={80} />
          <div>
            <h1>
              {user.displayName} {user.verified && <VerifiedBadge label={t(lang, "profile.verified")} />}
            </h1>
            <p class="muted">@{user.handle} · {t(lang, "profile.joined", { date: joined })}</p>
          </div>
        </header>
        <p class="bio">{user.bio || <span class="muted">{t(lang, "profile.no_bio")}</span>}</p>
        {rel
          ? (
            <Island
              name="ProfileActions"
              props={{ lang, handle: user.handle, name: user.displayName, followers: counts.followers, followingCount: counts.following, ...rel }}
            />
          )
          : (
            <p class="stats">
              <span><strong data-testid="followers">{counts.followers}</strong> {t(lang, "profile.followers")}</span>
              <span><strong>{counts.following}</strong> {t(lang, "profile.following")}</span>
            </p>
          )}
        {self && <p><a class="button secondary" href="/settings">{t(lang, "profile.edit")}</a></p>}
        {!viewer && <p><a href={`/signin?next=/@${user.handle}`}>{t(lang, "nav.signin")}</a></p>}
      </article>
    ));
  },
};
