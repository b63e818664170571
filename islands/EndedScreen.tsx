import { useEffect } from "preact/hooks";
import type { Lang } from "../lib/i18n/mod.ts";
import type { SpacePublicSnapshot } from "../lib/protocol/space_http.ts";
import { EndedSpace, type EndedSpaceProps } from "../components/space/EndedSpace.tsx";
import { useReplayState } from "../lib/browser/space/replay_watch.ts";

type Props =
  | (EndedSpaceProps & { live?: undefined })
  /** The live Space screen, the moment its Space ends: from the snapshot it started with. */
  | { lang: Lang; live: SpacePublicSnapshot; recording: boolean };

/**
 * The ended Space page while its replay may still change: "being made" turns into "Listen to the
 * replay" as soon as the web has mixed it (or says why there is none), without a reload. The live
 * Space screen turns into it when the host ends the Space; then the heading takes the focus (the
 * control the person was on is gone), so a screen reader says what happened.
 */
export default function EndedScreen(props: Props) {
  const p: EndedSpaceProps = props.live
    ? {
      lang: props.lang,
      spaceId: props.live.space.id,
      title: props.live.space.title,
      host: {
        name: props.live.space.host.name ?? `@${props.live.space.host.handle ?? "?"}`,
        handle: props.live.space.host.handle,
      },
      // Recorded at the end: the replay is on its way (the web says soon if nobody spoke).
      replay: props.recording ? "making" : null,
    }
    : props;
  const replay = useReplayState(p.spaceId, p.replay);
  useEffect(() => {
    if (props.live) document.querySelector<HTMLElement>(".ended-space h1")?.focus();
  }, []);
  return <EndedSpace {...p} replay={replay} />;
}
