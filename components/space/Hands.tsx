// The queue of raised hands, for hosts and co-hosts, with accept and dismiss. An answered request
// leaves the list (and takes its focused button with it), so the focus moves on to the next
// request's Accept, or to the list's heading when none is left: a keyboard user stays in place.
import { useEffect, useRef } from "preact/hooks";
import type { Hand } from "../../lib/protocol/space.ts";
import { type Lang, t } from "../../lib/i18n/mod.ts";

export function Hands(
  { lang, hands, onAccept, onDismiss }: {
    lang: Lang;
    hands: Hand[];
    onAccept: (h: Hand) => void;
    onDismiss: (h: Hand) => void;
  },
) {
  const list = useRef<HTMLElement>(null);
  // Where the answered request was, while its button had the focus.
  const answered = useRef<{ sub: string; index: number } | null>(null);
  const subs = hands.map((h) => h.sub).join(",");
  useEffect(() => {
    const was = answered.current;
    if (!was || hands.some((h) => h.sub === was.sub)) return;
    answered.current = null;
    const root = list.current;
    // Only when the focus was lost with the row (not if the person went elsewhere meanwhile).
    if (!root || (document.activeElement && document.activeElement !== document.body)) return;
    const next = root.querySelectorAll<HTMLElement>(".hand-list li")[Math.min(was.index, hands.length - 1)];
    (next?.querySelector<HTMLElement>("button") ?? root.querySelector<HTMLElement>("h2"))?.focus();
  }, [subs]);
  const answer = (h: Hand, index: number, run: (h: Hand) => void) => {
    answered.current = { sub: h.sub, index };
    run(h);
  };
  return (
    <section aria-labelledby="hands-h" class="hands" ref={list}>
      <h2 id="hands-h" tabIndex={-1}>✋ {t(lang, "space.hands")} ({hands.length})</h2>
      {hands.length === 0 ? <p class="muted">{t(lang, "space.no_hands")}</p> : (
        <ul class="hand-list">
          {hands.map((h, i) => {
            const name = h.name ?? `@${h.handle}`;
            return (
              <li key={h.sub}>
                <span>{name}</span>
                <button type="button" class="button small" onClick={() => answer(h, i, onAccept)}>
                  {t(lang, "space.accept", { name })}
                </button>
                <button type="button" class="button small secondary" onClick={() => answer(h, i, onDismiss)}>
                  {t(lang, "space.dismiss", { name })}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
