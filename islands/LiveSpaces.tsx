import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { SpaceCard } from "../components/space/SpaceCard.tsx";
import { Icon } from "../components/Icon.tsx";
import { type Lang, t } from "../lib/i18n/mod.ts";
import type { SpaceCardData } from "../lib/protocol/space_public.ts";
import { followLiveSpaces } from "../lib/browser/space/live_list.ts";

interface Props {
  lang: Lang;
  /** The live cards the page was rendered with, and the ETag of that list. */
  initial: SpaceCardData[];
  etag: string;
  /** The home's filters as its URL has them ("" or "?topic=…"), asked of /api/spaces as they are. */
  query: string;
  filtered: boolean;
}

/**
 * The home's live Spaces, kept current: a Space that ends leaves the list and one that starts
 * joins it, and the counts follow, without a reload (lib/browser/space/live_list.ts polls). A
 * scheduled Space that starts leaves the Upcoming list below as it joins this one.
 */
export default function LiveSpaces({ lang, initial, etag, query, filtered }: Props) {
  const spaces = useSignal(initial);
  useEffect(() => followLiveSpaces(query, etag, (next) => (spaces.value = next)), [query]);
  // A scheduled Space that started is live now: its card leaves Upcoming (rendered with the page),
  // for good (once it ends it is neither live nor upcoming).
  useEffect(() => {
    const live = new Set(spaces.value.map((s) => s.id));
    for (const card of document.querySelectorAll<HTMLElement>(".space-card.scheduled[data-space]")) {
      if (live.has(card.dataset.space!)) card.hidden = true;
    }
  }, [spaces.value]);
  if (spaces.value.length === 0) {
    return (
      <div class="empty">
        <Icon name="broadcast" />
        <p>{t(lang, filtered ? "space.none_live" : "home.empty_live")}</p>
        {filtered
          ? <a class="button secondary" href="/">{t(lang, "home.clear_filters")}</a>
          : (
            <a class="button secondary" href="/spaces/new">
              <Icon name="mic" size={20} />
              {t(lang, "space.nav")}
            </a>
          )}
      </div>
    );
  }
  return (
    <div class="space-list">
      {spaces.value.map((s) => <SpaceCard key={s.id} lang={lang} space={s} host={s.host} />)}
    </div>
  );
}
