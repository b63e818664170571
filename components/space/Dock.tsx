// The docked player: while a person is in a Space and looks at another page, a bar above the tabs
// with the Space's title, who is speaking, their microphone (if on stage), Leave, and a tap that
// opens the Space again. Part of the shell's NowPlaying island, outside the content that
// navigation swaps; it knows the Space only through lib/browser/now_playing.ts, so that pages
// without a Space never load the Space's client.
import { useEffect } from "preact/hooks";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { currentPath, navigate } from "../../lib/browser/partial.ts";
import { Icon } from "../Icon.tsx";
import { leaveSpace, liveSpace } from "../../lib/browser/now_playing.ts";

export function Dock({ lang }: { lang: Lang }) {
  const live = liveSpace.value;
  const open = !!live && !live.left && !live.client.stopped.value && currentPath.value !== `/s/${live.info.spaceId}`;
  useEffect(() => {
    document.body.classList.toggle("has-dock", open);
  }, [open]);
  if (!live || !open) return null;
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
