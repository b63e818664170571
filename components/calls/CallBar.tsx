// The mini call bar: while a call goes on and the person looks at another page, a bar above the
// tabs with the other person's name, the duration, the microphone, End, and a tap that opens the
// call screen again. Part of the shell's NowPlaying island, in #call-dock beside the Space's #dock,
// outside the content that navigation swaps; stacked above a Space dock. It knows the call only
// through lib/browser/now_playing.ts, so that pages without a call never load the call's client.
import { useEffect } from "preact/hooks";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { currentPath, navigate } from "../../lib/browser/partial.ts";
import { Icon } from "../Icon.tsx";
import { formatDuration } from "../../lib/shared/entry_text.ts";
import type { LiveCall } from "../../lib/browser/calls/live_call.ts";
import { liveCall } from "../../lib/browser/now_playing.ts";
import { useNow } from "../../lib/browser/use_now.ts";

/** How long the bar stays to say the call ended, when it ends away from the call screen. */
const ENDED_SHOWN_MS = 4_000;

/** The bar, once this tab has had a call (until then nothing, not even a clock, runs). */
export function CallBar({ lang }: { lang: Lang }) {
  const live = liveCall.value;
  return live ? <OngoingCallBar lang={lang} live={live} /> : null;
}

function OngoingCallBar({ lang, live }: { lang: Lang; live: LiveCall }) {
  const now = useNow();
  const v = live.client.call.value ?? null;
  const href = `/calls/${live.info.callId}`;
  const away = currentPath.value !== href;
  const justEnded = !!live.media.value && v?.status === "ended" && now - (v.endedAt ?? 0) < ENDED_SHOWN_MS;
  const open = away && (live.ongoing.value || justEnded);
  useEffect(() => {
    document.body.classList.toggle("has-call-dock", open);
    return () => document.body.classList.remove("has-call-dock");
  }, [open]);
  if (!open) return null;
  const name = live.info.peer.name;
  const media = live.media.value;
  const sub = live.inCall.value ? formatDuration(live.durationS(now)) : live.statusText(lang);
  return (
    <section class="dock call-dock" aria-label={t(lang, "call.bar")} data-status={v?.status}>
      <button
        type="button"
        class="dock-open"
        aria-label={t(lang, "call.bar_open", { name })}
        onClick={() => void navigate(new URL(href, location.href).href, { push: true, scroll: 0 })}
      >
        <span class="dock-title">
          <span class="call-dot">
            <Icon name={live.info.video ? "video" : "phone"} size={16} />
          </span>{" "}
          {name}
        </span>
        <span class="dock-sub">{sub}</span>
      </button>
      {media && live.inCall.value && (media.micOn.value
        ? (
          <button
            type="button"
            class="round quiet"
            aria-label={t(lang, "call.mute")}
            onClick={() => void media.toggleMic()}
          >
            <Icon name="mic" />
          </button>
        )
        : (
          <button
            type="button"
            class="round muted"
            aria-label={t(lang, "call.unmute")}
            onClick={() => void media.toggleMic()}
          >
            <Icon name="micOff" />
          </button>
        ))}
      {live.ongoing.value && (
        <button
          type="button"
          class="round end"
          aria-label={t(lang, live.inCall.value ? "call.end" : "call.cancel")}
          onClick={() => live.end()}
        >
          <Icon name="phoneOff" />
        </button>
      )}
    </section>
  );
}
