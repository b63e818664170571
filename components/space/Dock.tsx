// The docked player: while a person is in a Space and looks at another page, a bar above the tabs
// with the Space's title, who is speaking, their microphone (if on stage), Leave, and a tap that
// opens the Space again. Part of the shell's NowPlaying island, outside the content that
// navigation swaps; it knows the Space only through lib/browser/now_playing.ts, so that pages
// without a Space never load the Space's client.
//
// When the host ends the Space while the person is on another page, the dock says so (and a live
// region says it aloud), offers the replay once it is made if the Space was recorded, and stays
// until Dismiss. Ended while the Space's own screen is open, that screen says it: the dock goes.
import { useEffect } from "preact/hooks";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { currentPath, navigate } from "../../lib/browser/partial.ts";
import { useReplayState } from "../../lib/browser/space/replay_watch.ts";
import { Icon } from "../Icon.tsx";
import { leaveSpace, liveSpace } from "../../lib/browser/now_playing.ts";

export function Dock({ lang }: { lang: Lang }) {
  const live = liveSpace.value;
  const here = !!live && currentPath.value === `/s/${live.info.spaceId}`;
  const stopped = live?.client.stopped.value ?? null;
  const ended = !!live && !live.left && stopped === "ended" && !here;
  const open = !!live && !live.left && !stopped && !here;
  useEffect(() => {
    document.body.classList.toggle("has-dock", open || ended);
  }, [open || ended]);
  // Ended in front of the person: the Space's screen says so, nothing is left to dock.
  useEffect(() => {
    if (here && stopped === "ended") leaveSpace();
  }, [here, stopped]);
  return (
    <>
      <p class="visually-hidden" role="status">
        {ended && live ? t(lang, "space.ended_named", { title: live.info.title }) : ""}
      </p>
      {ended && live && <EndedDock lang={lang} spaceId={live.info.spaceId} title={live.info.title} />}
      {open && live && <LiveDock lang={lang} />}
    </>
  );
}

/** The dock of a Space that ended while the person was elsewhere: what ended, the replay, Dismiss. */
function EndedDock({ lang, spaceId, title }: { lang: Lang; spaceId: string; title: string }) {
  const replay = useReplayState(spaceId, null);
  return (
    <section class="dock ended" aria-label={t(lang, "space.in_dock")}>
      <span class="dock-open">
        <span class="dock-title">
          <Icon name="broadcast" size={18} /> {title}
        </span>
        <span class="dock-sub">
          {t(lang, "space.ended_title")}
          {replay === "making" && <>· {t(lang, "space.replay_soon")}</>}
        </span>
      </span>
      {replay === "ready" && (
        <a class="button small" href={`/s/${spaceId}/replay`} onClick={() => leaveSpace()}>
          <Icon name="replay" size={18} />
          {t(lang, "rec.listen")}
        </a>
      )}
      <button
        type="button"
        class="round quiet"
        aria-label={t(lang, "space.dock_dismiss")}
        onClick={() => leaveSpace()}
      >
        <Icon name="close" />
      </button>
    </section>
  );
}

/** The dock of the Space playing now. */
function LiveDock({ lang }: { lang: Lang }) {
  const live = liveSpace.value!;
  const view = live.client.view.value;
  const me = live.me();
  const speaking = live.audio.value?.session.speaking.value ?? [];
  const names = speaking
    .map((sub) => view?.stage.find((m) => m.sub === sub))
    .filter((m) => !!m)
    .map((m) => m!.name ?? `@${m!.handle}`);
  const sub = names.length
    ? t(lang, "space.speaking_now", { name: names.slice(0, 2).join(", ") })
    : t(lang, "space.listening", { n: view?.listenerCount ?? 0 });
  const href = `/s/${live.info.spaceId}`;
  return (
    <section class="dock" aria-label={t(lang, "space.in_dock")}>
      <button
        type="button"
        class="dock-open"
        aria-label={t(lang, "space.open_space", { title: live.info.title })}
        onClick={() => void navigate(new URL(href, location.href).href, { push: true, scroll: 0 })}
      >
        <span class="dock-title">
          <span class="live-dot">
            <Icon name="live" />
          </span>{" "}
          {live.info.title}
        </span>
        <span class="dock-sub" aria-live="polite">{sub}</span>
      </button>
      {me && (me.muted
        ? (
          <button
            type="button"
            class="round quiet"
            aria-label={t(lang, "space.unmute_me")}
            onClick={() => void live.unmute()}
          >
            <Icon name="micOff" />
          </button>
        )
        : (
          <button
            type="button"
            class="round"
            aria-label={t(lang, "space.mute_me")}
            onClick={() => live.send({ type: "muteSelf" })}
          >
            <Icon name="mic" />
          </button>
        ))}
      <button
        type="button"
        class="round end"
        aria-label={t(lang, "space.leave_space", { title: live.info.title })}
        onClick={() => leaveSpace()}
      >
        <Icon name="leave" />
      </button>
    </section>
  );
}
