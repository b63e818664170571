// A Space in a list, as the apps people know show one: LIVE (or when it starts), the title, topics,
// faces on stage, the host and how many listen. The whole card opens the Space (one link, its title,
// stretched over the card); actions passed as children (Set reminder) sit above that link. Pages
// render it on the server and the home's live list in the browser, so it imports no server code.
import type { ComponentChildren } from "preact";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import type { SpaceCardData } from "../../lib/protocol/space_public.ts";
import { Icon } from "../Icon.tsx";
import { Avatar } from "../Avatar.tsx";

export interface SpaceCardProps {
  lang: Lang;
  /** The directory's record or the card data the home polls (islands/LiveSpaces.tsx) render alike. */
  space: Omit<SpaceCardData, "host">;
  host: { id: string; displayName: string } | null;
  /** When a scheduled Space starts, already in the reader's words. */
  startsAt?: string;
  /** Heading level of the title in the page (h3 under a section's h2 by default). */
  level?: 2 | 3;
  children?: ComponentChildren;
}

export function SpaceCard({ lang, space, host, startsAt, level = 3, children }: SpaceCardProps) {
  const live = space.status === "live";
  const hostName = host?.displayName ?? "?";
  // Faces: who is on stage now, or the host of a Space that has not started.
  const faces = live && space.stage.length > 0
    ? space.stage.slice(0, 4).map((m) => ({ id: m.sub, name: m.name ?? m.handle ?? "?" }))
    : host
    ? [{ id: host.id, name: host.displayName }]
    : [];
  const Title = level === 2 ? "h2" : "h3";
  return (
    <article class={`space-card ${space.status}`} data-space={space.id}>
      <p class="space-card-top">
        {live
          ? (
            <span class="live-pill">
              <Icon name="live" size={10} />
              {t(lang, "space.live_badge")}
            </span>
          )
          : startsAt && (
            <span class="when-pill">
              <Icon name="calendar" size={16} />
              {startsAt}
            </span>
          )}
        <span class="space-card-lang">{t(lang, `space.lang.${space.lang}`)}</span>
      </p>
      <Title class="space-card-title">
        <a href={`/s/${space.id}`} class="space-link">{space.title}</a>
      </Title>
      {space.topics.length > 0 && (
        <p class="space-card-topics">
          {space.topics.map((tp) => <span class="topic" key={tp}>#{tp}</span>)}
        </p>
      )}
      <div class="space-card-foot">
        <span class="faces" aria-hidden="true">
          {faces.map((f) => <Avatar key={f.id} id={f.id} name={f.name} size={32} />)}
          {live && space.stage.length > 4 && <span class="faces-more">+{space.stage.length - 4}</span>}
        </span>
        <span class="space-card-who">
          <span class="space-card-host">{t(lang, "space.hosted_by", { name: hostName })}</span>
          {live && (
            <span class="space-card-count">
              <Icon name="users" size={16} />
              {t(lang, "space.listening", { n: space.listenerCount })}
              {space.stage.length > 0 && <span>· {t(lang, "space.on_stage_count", { n: space.stage.length })}</span>}
            </span>
          )}
        </span>
      </div>
      {children && <div class="space-card-actions">{children}</div>}
    </article>
  );
}
