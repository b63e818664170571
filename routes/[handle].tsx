// /@<handle>: a person's profile. Hono matches a parameter only as a whole path segment (a pattern
// like `/@:handle` never matches), so this is `[handle]` narrowed to segments that start with "@";
// the parameter holds the "@" too. Static pages (/people, /signin...) are mounted before it.
// The header (avatar, name, counts, actions), then the Space the person hosts now, if any, and
// the ones they have scheduled.
import { Avatar, VerifiedBadge } from "../components/Avatar.tsx";
import { Island } from "../components/Island.tsx";
import { SpaceCard } from "../components/space/SpaceCard.tsx";
import { userByHandle } from "../lib/server/http/params.ts";
import type { Handlers } from "../lib/server/http/route.ts";
import { t } from "../lib/i18n/mod.ts";
import { SpaceStore } from "../lib/server/kv/spaces.ts";
import { renderPage } from "../lib/server/render.tsx";
import { Icon } from "../components/Icon.tsx";

export const params = { handle: "@[A-Za-z0-9_]{1,20}" };

export const handler: Handlers = {
  async GET(c) {
    const lang = c.get("lang");
    const viewer = c.get("user");
    const { social, kv } = c.get("deps");
    const user = await userByHandle(c, c.req.param("handle") ?? "");
    const store = new SpaceStore(kv);
    const [counts, live, scheduled] = await Promise.all([
      social.counts(user.id),
      store.list("live"),
      store.list("scheduled"),
    ]);
    const liveSpace = live.find((s) => s.hostId === user.id) ?? null;
    const upcoming = scheduled.filter((s) => s.hostId === user.id).slice(0, 5);
    const self = viewer?.id === user.id;
    const rel = viewer && !self
      ? {
        following: await social.follows(viewer.id, user.id),
        contact: await social.isContact(viewer.id, user.id),
        blocked: await social.blocks(viewer.id, user.id),
      }
      : null;
    const joined = new Intl.DateTimeFormat(lang, { year: "numeric", month: "long" }).format(user.createdAt);
    const short = new Intl.DateTimeFormat(lang, {
      weekday: "short",
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
    });
    const face = <Avatar id={user.id} name={user.displayName} size={88} />;
    return renderPage(
      c,
      `${user.displayName} (@${user.handle})`,
      (
        <div class="profile">
          <header class="profile-head">
            {liveSpace
              ? (
                <a class="profile-face live" href={`/s/${liveSpace.id}`}>
                  {face}
                  <span class="live-pill">{t(lang, "space.live_badge")}</span>
                  <span class="visually-hidden">{liveSpace.title}</span>
                </a>
              )
              : <span class="profile-face">{face}</span>}
            <div class="profile-id">
              <h1>
                {user.displayName} {user.verified && <VerifiedBadge label={t(lang, "profile.verified")} />}
              </h1>
              <p class="muted">@{user.handle}</p>
            </div>
          </header>
          <p class="bio">{user.bio || <span class="muted">{t(lang, "profile.no_bio")}</span>}</p>
          <p class="joined muted">
            <Icon name="calendar" size={18} />
            {t(lang, "profile.joined", { date: joined })}
          </p>
          {rel
            ? (
              <Island
                name="ProfileActions"
                props={{
                  lang,
                  handle: user.handle,
                  name: user.displayName,
                  followers: counts.followers,
                  followingCount: counts.following,
                  ...rel,
                }}
              />
            )
            : (
              <>
                <p class="stats">
                  <span>
                    <strong data-testid="followers">{counts.followers}</strong> {t(lang, "profile.followers")}
                  </span>
                  <span>
                    <strong>{counts.following}</strong> {t(lang, "profile.following")}
                  </span>
                </p>
                <div class="actions profile-actions">
                  {self && (
                    <a class="button secondary" href="/settings">
                      <Icon name="edit" size={20} />
                      {t(lang, "profile.edit")}
                    </a>
                  )}
                  {!viewer && (
                    <a class="button" href={`/signin?next=/@${user.handle}`}>
                      <Icon name="userPlus" size={20} />
                      {t(lang, "profile.sign_in_to_follow")}
                    </a>
                  )}
                </div>
              </>
            )}
          {liveSpace && (
            <section aria-labelledby="profile-live-h">
              <h2 id="profile-live-h" class="section-title">
                <span class="live-dot">
                  <Icon name="live" size={10} />
                </span>
                {t(lang, "space.live_now")}
              </h2>
              <SpaceCard lang={lang} space={liveSpace} host={user} />
            </section>
          )}
          {upcoming.length > 0 && (
            <section aria-labelledby="profile-upcoming-h">
              <h2 id="profile-upcoming-h" class="section-title">
                <Icon name="calendar" size={20} />
                {t(lang, "space.upcoming")}
              </h2>
              <div class="space-list">
                {upcoming.map((s) => (
                  <SpaceCard key={s.id} lang={lang} space={s} host={user} startsAt={short.format(s.scheduledFor!)} />
                ))}
              </div>
            </section>
          )}
        </div>
      ),
    );
  },
};
