// The audience: the first screenful of signed-in listeners as avatars, then "and N more".
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { Avatar } from "../Avatar.tsx";

/** How many faces fit a phone's first screenful under the stage. */
const SHOWN = 12;

export interface ListenerFace {
  sub: string;
  handle?: string;
  name?: string;
}

export function Listeners(
  { lang, count, sample, youSub }: { lang: Lang; count: number; sample: ListenerFace[]; youSub?: string },
) {
  if (count === 0) return null;
  const faces = sample.slice(0, SHOWN);
  const more = Math.max(0, count - faces.length);
  return (
    <section class="listeners" aria-labelledby="listeners-h">
      <h2 id="listeners-h">
        {t(lang, "space.listeners_title")} <span class="muted">({count})</span>
      </h2>
      <ul class="listener-grid">
        {faces.map((p) => {
          const name = p.name ?? `@${p.handle}`;
          return (
            <li key={p.sub} class="listener">
              <Avatar id={p.sub} name={name} size={44} />
              <span class="listener-name">{name}{p.sub === youSub ? ` ${t(lang, "space.you")}` : ""}</span>
            </li>
          );
        })}
        {more > 0 && (
          <li class="listener more">
            <span class="more-count" aria-hidden="true">+{more > 999 ? `${Math.floor(more / 1000)}k` : more}</span>
            <span class="listener-name">
              {t(lang, faces.length ? "space.and_more" : "space.listening", { n: more })}
            </span>
          </li>
        )}
      </ul>
    </section>
  );
}
