// The queue of raised hands, for hosts and co-hosts, with accept and dismiss.
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
  return (
    <section aria-labelledby="hands-h" class="hands">
      <h2 id="hands-h">✋ {t(lang, "space.hands")} ({hands.length})</h2>
      {hands.length === 0 ? <p class="muted">{t(lang, "space.no_hands")}</p> : (
        <ul class="hand-list">
          {hands.map((h) => {
            const name = h.name ?? `@${h.handle}`;
            return (
              <li key={h.sub}>
                <span>{name}</span>
                <button type="button" class="button small" onClick={() => onAccept(h)}>
                  {t(lang, "space.accept", { name })}
                </button>
                <button type="button" class="button small secondary" onClick={() => onDismiss(h)}>
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
