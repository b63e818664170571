// Comments with the pin on top; hosts and co-hosts can pin a comment or invite its author to speak.
import { useSignal } from "@preact/signals";
import type { Comment, Pin } from "../../lib/protocol/space.ts";
import { type Lang, t } from "../../lib/i18n/mod.ts";

export interface CommentsProps {
  lang: Lang;
  comments: Comment[];
  pinned: Pin | null;
  moderator: boolean;
  stageSubs: string[];
  onPin?: (c: Comment) => void;
  onUnpin?: () => void;
  onInvite?: (c: Comment) => void;
  onRemove?: (c: Comment) => void;
  youSub?: string;
}

export function PinnedItem(
  { lang, pinned, moderator, onUnpin }: Pick<CommentsProps, "lang" | "pinned" | "moderator" | "onUnpin">,
) {
  if (!pinned) return null;
  return (
    <aside class="pinned" aria-label={t(lang, "space.pinned")}>
      <strong>📌 {t(lang, "space.pinned")}</strong> {pinned.kind === "url"
        ? <a href={pinned.url} rel="noopener noreferrer nofollow" target="_blank">{pinned.url}</a>
        : <span>{pinned.comment.name ?? pinned.comment.handle}: {pinned.comment.text}</span>}
      {moderator && onUnpin && <button type="button" class="link" onClick={onUnpin}>{t(lang, "space.unpin")}</button>}
    </aside>
  );
}

export function Comments({ lang, comments, moderator, stageSubs, onPin, onInvite, onRemove, youSub }: CommentsProps) {
  return (
    <section aria-label={t(lang, "space.comments")} class="comments">
      {comments.length === 0 && <p class="muted">{t(lang, "space.no_comments")}</p>}
      <ol class="comment-list" aria-live="polite">
        {comments.map((c) => {
          const name = c.name ?? `@${c.handle}`;
          return (
            <li key={c.id}>
              <strong>{name}</strong> <span>{c.text}</span>
              {moderator && (
                <span class="comment-actions">
                  {onPin && (
                    <button
                      type="button"
                      class="link"
                      onClick={() => onPin(c)}
                      aria-label={`${t(lang, "space.pin")}: ${c.text.slice(0, 40)}`}
                    >
                      {t(lang, "space.pin")}
                    </button>
                  )}
                  {onInvite && c.sub.startsWith("u:") && !stageSubs.includes(c.sub) && (
                    <button
                      type="button"
                      class="link"
                      onClick={() => onInvite(c)}
                    >
                      {t(lang, "space.invite_person", { name })}
                    </button>
                  )}
                  {onRemove && c.sub !== youSub && (
                    <button
                      type="button"
                      class="link danger"
                      onClick={() => onRemove(c)}
                    >
                      {t(lang, "space.remove_person", { name })}
                    </button>
                  )}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** The comment box; `send` says whether the room got it (the text stays when it did not). */
export function CommentComposer({ lang, send }: { lang: Lang; send: (text: string) => boolean }) {
  const text = useSignal("");
  return (
    <form
      class="comment-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.value.trim() && send(text.value)) text.value = "";
      }}
    >
      <label for="comment-input">{t(lang, "space.comment_label")}</label>
      <div class="row">
        <input
          id="comment-input"
          maxLength={280}
          autoComplete="off"
          value={text.value}
          onInput={(e) => (text.value = (e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="button">{t(lang, "space.send")}</button>
      </div>
    </form>
  );
}
