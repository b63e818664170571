// The Space as it was at the replay's current moment: the stage (each person lit with the live
// page's speaking ring while they speak) with reaction bursts at their time, in the player card
// right under its controls so that a phone shows it without scrolling; then the pin of the
// moment and the comments written so far, newest at the bottom. The list follows the newest comment
// while the reader is at its bottom; a reader who scrolled up keeps their place.
import { useLayoutEffect, useRef } from "preact/hooks";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import type { ReplayMoment as Moment } from "../../lib/shared/replay_view.ts";
import { Avatar } from "../Avatar.tsx";
import { PinnedItem } from "../space/Comments.tsx";

const nameOf = (p: { name?: string; handle?: string; sub: string }) => p.name ?? (p.handle ? `@${p.handle}` : "?");

/** Who was on stage at this point: a row of avatars right under the player's controls. */
export function ReplayStage({ lang, moment }: { lang: Lang; moment: Moment }) {
  return (
    <section class="stage replay-stage" aria-labelledby="replay-stage-h" data-testid="replay-stage">
      <h2 id="replay-stage-h">{t(lang, "rec.stage_then")}</h2>
      <ul class="replay-stage-row">
        {moment.stage.map((m) => (
          <li
            key={m.sub}
            class={`member${m.speaking ? " speaking" : ""}`}
            data-sub={m.sub}
            data-speaking={String(m.speaking)}
          >
            <Avatar id={m.sub} name={nameOf(m)} size={44} />
            <span class="member-name">{nameOf(m)}</span>
            <span class="member-meta">
              <span class={`badge role-${m.role}`}>{t(lang, `space.role.${m.role}`)}</span>
              {m.speaking && <span class="visually-hidden">{t(lang, "space.speaking")}</span>}
            </span>
          </li>
        ))}
      </ul>
      <div class="bursts" aria-hidden="true">
        {moment.reactions.map((r) => (
          <span key={r.key} class="burst">{r.emoji}{r.count > 1 && <small>×{r.count}</small>}</span>
        ))}
      </div>
    </section>
  );
}

/** The rest of the moment: the pin and the comments so far (beside the player on a wide screen). */
export function ReplayMoment({ lang, moment }: { lang: Lang; moment: Moment }) {
  return (
    <div class="replay-moment">
      <PinnedItem lang={lang} pinned={moment.pin} moderator={false} />
      <ReplayComments lang={lang} comments={moment.comments} />
    </div>
  );
}

function ReplayComments({ lang, comments }: { lang: Lang; comments: Moment["comments"] }) {
  const list = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);
  const last = comments.at(-1)?.id;
  useLayoutEffect(() => {
    const el = list.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [last, comments.length]);
  return (
    <section class="comments replay-comments" aria-labelledby="replay-comments-h">
      <h2 id="replay-comments-h">{t(lang, "rec.comments_then")}</h2>
      {comments.length === 0 && <p class="muted">{t(lang, "rec.no_comments_then")}</p>}
      <ol
        class="comment-list"
        ref={list}
        data-testid="replay-comments"
        tabIndex={comments.length ? 0 : -1}
        aria-label={t(lang, "rec.comments_then")}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {comments.map((c) => (
          <li key={c.id} data-comment-id={c.id}>
            <strong>{nameOf(c)}</strong> <span>{c.text}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
