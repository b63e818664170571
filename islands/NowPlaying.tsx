import type { Lang } from "../lib/i18n/mod.ts";
import { Dock } from "../components/space/Dock.tsx";
import { CallBar } from "../components/calls/CallBar.tsx";

interface Props {
  lang: Lang;
}

/**
 * What goes on in this tab while the person looks at another page: the docked Space player and,
 * above it, the mini call bar. The layout renders it outside the content that partial navigation
 * swaps, so it stays across pages; it reads the live Space and call from lib/browser/now_playing.ts,
 * which the Space's and the call's own modules fill when they start (nothing else loads here).
 * #dock and #call-dock keep their ids: styles, the call screen (which makes them inert) and the
 * Space handoff (lib/browser/calls/space_handoff.ts) find them by id.
 */
export default function NowPlaying({ lang }: Props) {
  return (
    <>
      <div id="dock">
        <Dock lang={lang} />
      </div>
      <div id="call-dock">
        <CallBar lang={lang} />
      </div>
    </>
  );
}
