// A Space in a list: title, topics, host, who is on stage, listeners or start time.
import { type Lang, t } from "../../lib/i18n/mod.ts";
import type { SpaceRecord } from "../../lib/kv/spaces.ts";
import { Avatar } from "../Avatar.tsx";

export function SpaceCard({ lang, space, hostName, startsAt }: { lang: Lang; space: SpaceRecord; hostName: string; startsAt?: string }) {
  return (
    <article class={`space-card ${space.status}`}>
      <a href={`/s/${space.id}`} class="space-link">
        <h3>{space.title}</h3>
      </a>
      <p class="muted">
        {space.topics.map((tp) => <span class="topic" key={tp}>#{tp}</span>)} · {t(lang, `space.lang.${space.lang}`)}
      </p>
      <p class="faces">
        {space.stage.slice(0, 5).map((m) => <Avatar key={m.sub} id={m.sub} name={m.name ?? m.handle ?? "?"} size={28} />)}
        <span>{t(lang, "space.hosted_by", { name: hostName })}</span>
      </p>
      <p class="muted">
        {space.status === "live" ? t(lang, "space.listening", { n: space.listenerCount }) : startsAt && t(lang, "space.starts_at", { when: startsAt })}
      </p>
    </article>
  );
}
