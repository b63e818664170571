// Home: "Start a Space" first, then live Spaces (those hosted or spoken in by people you follow
// first) as cards, then upcoming ones with Set reminder. A search field and chips (topics, the
// Space's language) narrow both lists; every filter is a link or a GET form, so no script is needed.
// The live list follows the directory while the page is open (islands/LiveSpaces.tsx): a Space that
// ends leaves it, one that starts joins it.
import { Island } from "../components/Island.tsx";
import { SpaceCard } from "../components/space/SpaceCard.tsx";
import type { Handlers } from "../lib/server/http/route.ts";
import { type Lang, t } from "../lib/i18n/mod.ts";
import { matches, SPACE_LANGS, SpaceStore } from "../lib/server/kv/spaces.ts";
import { type HomeFilters, homeFilters, liveAnswer, liveCards } from "../lib/server/spaces/public_view.ts";
import { renderPage } from "../lib/server/render.tsx";
import { Icon } from "../components/Icon.tsx";

/** The home page with these filters, the others left out. */
function homeHref(f: HomeFilters): string {
  const p = new URLSearchParams();
  for (const k of ["q", "topic", "lang"] as const) if (f[k]) p.set(k, f[k]!);
  const s = p.toString();
  return s ? `/?${s}` : "/";
}

/** A short start time for a card: "Tue 4 Jun, 18:00". */
function shortWhen(lang: Lang, ms: number): string {
  return new Intl.DateTimeFormat(lang, {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(ms);
}

export const handler: Handlers = {
  async GET(c) {
    const lang = c.get("lang");
    const user = c.get("user");
    const deps = c.get("deps");
    const f = homeFilters((k) => c.req.query(k));
    const filtered = !!(f.topic || f.lang || f.q);
    const store = new SpaceStore(deps.kv);
    const [live, upcoming] = await Promise.all([store.list("live"), store.list("scheduled")]);
    const upcomingShown = upcoming.filter((s) => matches(s, f)).slice(0, 50);
    const [liveShown, upcomingHosts] = await Promise.all([
      liveCards(deps, user, f, live),
      deps.users.getMany([...new Set(upcomingShown.map((s) => s.hostId))]),
    ]);
    const { etag } = await liveAnswer(liveShown);
    const hosts = new Map(upcomingHosts.map((u) => [u.id, u]));
    const topics = [...new Set([...live, ...upcoming].flatMap((s) => s.topics))].sort().slice(
      0,
      30,
    );
    if (f.topic && !topics.includes(f.topic)) topics.unshift(f.topic);
    const reminders = user ? await store.remindersAmong(user.id, upcomingShown.map((s) => s.id)) : new Set<string>();
    const langName = f.lang && (SPACE_LANGS as readonly string[]).includes(f.lang)
      ? t(lang, `space.lang.${f.lang as typeof SPACE_LANGS[number]}`)
      : t(lang, "home.lang_any");

    const emptyAction = filtered ? <a class="button secondary" href="/">{t(lang, "home.clear_filters")}</a> : null;
    return renderPage(
      c,
      t(lang, "home.title"),
      (
        <div class="home">
          <header class="home-head">
            <div class="home-hello">
              <h1>
                {user ? t(lang, "home.welcome", { name: user.displayName }) : t(lang, "app.name")}
              </h1>
              {!user && <p class="muted">{t(lang, "app.tagline")}</p>}
            </div>
            <a class="button start-space" href="/spaces/new">
              <Icon name="mic" size={20} />
              {t(lang, "space.nav")}
            </a>
          </header>

          <form
            method="get"
            action="/"
            class="home-search"
            role="search"
            aria-label={t(lang, "home.search_label")}
          >
            <label for="home-q" class="visually-hidden">{t(lang, "home.search_label")}</label>
            <span class="search-field">
              <Icon name="search" size={20} />
              <input
                id="home-q"
                type="search"
                name="q"
                value={f.q ?? ""}
                placeholder={t(lang, "home.search_placeholder")}
                enterkeyhint="search"
              />
            </span>
            {f.topic && <input type="hidden" name="topic" value={f.topic} />}
            {f.lang && <input type="hidden" name="lang" value={f.lang} />}
          </form>

          <nav class="chips" aria-label={t(lang, "home.filters")}>
            <details class="chip-menu">
              <summary class={f.lang ? "chip on" : "chip"}>
                <Icon name="world" size={16} />
                <span class="visually-hidden">{t(lang, "space.lang_label")}:</span>
                {langName}
                <Icon name="chevronDown" size={16} />
              </summary>
              <div class="chip-panel">
                <a
                  href={homeHref({ ...f, lang: undefined })}
                  aria-current={!f.lang ? "true" : undefined}
                >
                  {t(lang, "home.lang_any")}
                </a>
                {SPACE_LANGS.map((l) => (
                  <a
                    key={l}
                    href={homeHref({ ...f, lang: l })}
                    aria-current={f.lang === l ? "true" : undefined}
                  >
                    {t(lang, `space.lang.${l}`)}
                  </a>
                ))}
              </div>
            </details>
            <span class="chip-scroll">
              <a
                class={!f.topic ? "chip on" : "chip"}
                href={homeHref({ ...f, topic: undefined })}
                aria-current={!f.topic ? "true" : undefined}
              >
                {t(lang, "home.topic_all")}
              </a>
              {topics.map((tp) => (
                <a
                  key={tp}
                  class={f.topic === tp ? "chip on" : "chip"}
                  href={homeHref({ ...f, topic: tp })}
                  aria-current={f.topic === tp ? "true" : undefined}
                >
                  #{tp}
                </a>
              ))}
            </span>
          </nav>

          <section aria-labelledby="live-h" class="home-section">
            <h2 id="live-h" class="section-title">
              <span class="live-dot">
                <Icon name="live" size={10} />
              </span>
              {t(lang, "space.live_now")}
            </h2>
            <Island
              name="LiveSpaces"
              props={{ lang, initial: liveShown, etag, query: homeHref(f).slice(1), filtered }}
            />
          </section>

          <section aria-labelledby="upcoming-h" class="home-section">
            <h2 id="upcoming-h" class="section-title">
              <Icon name="calendar" size={20} />
              {t(lang, "space.upcoming")}
            </h2>
            {upcomingShown.length === 0
              ? (
                <div class="empty">
                  <Icon name="calendar" />
                  <p>{t(lang, filtered ? "space.none_upcoming" : "home.empty_upcoming")}</p>
                  {emptyAction ?? (
                    <a class="button secondary" href="/spaces/new?when=later">
                      {t(lang, "home.schedule")}
                    </a>
                  )}
                </div>
              )
              : (
                <div class="space-list">
                  {upcomingShown.map((s) => (
                    <SpaceCard
                      key={s.id}
                      lang={lang}
                      space={s}
                      host={hosts.get(s.hostId) ?? null}
                      startsAt={shortWhen(lang, s.scheduledFor!)}
                    >
                      {!user
                        ? (
                          <a class="button secondary small" href="/signin?next=/">
                            <Icon name="bell" size={18} />
                            {t(lang, "space.set_reminder")}
                          </a>
                        )
                        : user.id !== s.hostId && (
                          <Island
                            name="ScheduledActions"
                            props={{
                              lang,
                              spaceId: s.id,
                              isHost: false,
                              reminder: reminders.has(s.id),
                              signedIn: true,
                              compact: true,
                            }}
                          />
                        )}
                    </SpaceCard>
                  ))}
                </div>
              )}
          </section>
        </div>
      ),
    );
  },
};
