// Home: live Spaces (those hosted or spoken in by people you follow first) and upcoming ones,
// filtered by topic and language and searched by title.
import { Island } from "../components/Island.tsx";
import { SpaceCard } from "../components/space/SpaceCard.tsx";
import type { Handlers } from "../lib/http/route.ts";
import { when } from "../lib/i18n/dates.ts";
import { t } from "../lib/i18n/mod.ts";
import { matches, SPACE_LANGS, type SpaceRecord, SpaceStore } from "../lib/kv/spaces.ts";
import { renderPage } from "../lib/render.tsx";

export const handler: Handlers = {
  async GET(c) {
    const lang = c.get("lang");
    const user = c.get("user");
    const { kv, social, users } = c.get("deps");
    const f = {
      topic: c.req.query("topic")?.slice(0, 24) || undefined,
      lang: c.req.query("lang")?.slice(0, 8) || undefined,
      q: c.req.query("q")?.slice(0, 70) || undefined,
    };
    const store = new SpaceStore(kv);
    const [live, upcoming] = await Promise.all([store.list("live"), store.list("scheduled")]);
    const followed = new Set(user ? (await social.followingIds(user.id)).map((id) => `u:${id}`) : []);
    const byFollowed = (s: SpaceRecord) => followed.has(`u:${s.hostId}`) || s.stage.some((m) => followed.has(m.sub));
    const liveShown = live.filter((s) => matches(s, f)).sort((a, b) => Number(byFollowed(b)) - Number(byFollowed(a)));
    const upcomingShown = upcoming.filter((s) => matches(s, f)).slice(0, 50);
    const hosts = new Map((await users.getMany([...new Set([...liveShown, ...upcomingShown].map((s) => s.hostId))])).map((u) => [u.id, u]));
    const topics = [...new Set([...live, ...upcoming].flatMap((s) => s.topics))].sort().slice(0, 50);
    const reminders = user ? await store.remindersAmong(user.id, upcomingShown.map((s) => s.id)) : new Set<string>();

    return renderPage(c, t(lang, "home.title"), (
      <>
        <section class="card hero">
          <h1>{user ? t(lang, "home.welcome", { name: user.displayName }) : t(lang, "app.name")}</h1>
          <p class="lead">{t(lang, "app.tagline")}</p>
          <p class="actions">
            {user
              ? <a class="button" href="/spaces/new">🎙️ {t(lang, "space.nav")}</a>
              : (
                <>
                  <a class="button" href="/signup">{t(lang, "nav.signup")}</a>
                  <a class="button secondary" href="/signin">{t(lang, "nav.signin")}</a>
                </>
              )}
          </p>
        </section>
        <form method="get" action="/" class="card filters" role="search">
          <label>
            {t(lang, "space.filter_q")} <input type="search" name="q" value={f.q ?? ""} />
          </label>
          <label>
            {t(lang, "space.filter_topic")}{" "}
            <select name="topic">
              <option value="">{t(lang, "space.any")}</option>
              {topics.map((tp) => <option value={tp} selected={tp === f.topic}>#{tp}</option>)}
            </select>
          </label>
          <label>
            {t(lang, "space.lang_label")}{" "}
            <select name="lang">
              <option value="">{t(lang, "space.any")}</option>
              {SPACE_LANGS.map((l) => <option value={l} selected={l === f.lang}>{t(lang, `space.lang.${l}`)}</option>)}
            </select>
          </label>
          <button type="submit" class="button small">{t(lang, "space.apply_filters")}</button>
        </form>
        <section aria-labelledby="live-h">
          <h2 id="live-h">● {t(lang, "space.live_now")}</h2>
          {liveShown.length === 0 ? <p class="muted">{t(lang, "space.none_live")}</p> : (
            <div class="space-list">
              {liveShown.map((s) => <SpaceCard key={s.id} lang={lang} space={s} hostName={hosts.get(s.hostId)?.displayName ?? "?"} />)}
            </div>
          )}
        </section>
        <section aria-labelledby="upcoming-h">
          <h2 id="upcoming-h">🗓 {t(lang, "space.upcoming")}</h2>
          {upcomingShown.length === 0 ? <p class="muted">{t(lang, "space.none_upcoming")}</p> : (
            <div class="space-list">
              {upcomingShown.map((s) => (
                <div key={s.id}>
                  <SpaceCard lang={lang} space={s} hostName={hosts.get(s.hostId)?.displayName ?? "?"} startsAt={when(lang, s.scheduledFor!)} />
                  {user && user.id !== s.hostId && (
                    <Island name="ScheduledActions" props={{ lang, spaceId: s.id, isHost: false, reminder: reminders.has(s.id), signedIn: true }} />
                  )}
                </div>
              ))}
            </div>
          )}
        </section>
      </>
    ));
  },
};
