// An ended Space as anyone finds it: what ended and who hosted it, where its replay stands
// (Listen to the replay once it is made; being made; nothing was recorded because nobody spoke;
// could not be made; deleted), home and the host's profile. The Space page renders it on a fresh
// load (routes/s/[id].tsx) and the live screen turns into it when the host ends the Space, so
// both read the same; islands/EndedScreen.tsx follows a replay still being made.
import { type Lang, type MessageKey, t } from "../../lib/i18n/mod.ts";
import type { ReplayState } from "../../lib/protocol/space_public.ts";
import { Icon } from "../Icon.tsx";

export interface EndedSpaceProps {
  lang: Lang;
  spaceId: string;
  title: string;
  host: { name: string; handle?: string } | null;
  cancelled?: boolean;
  /** Where the replay stands; null while the page does not know yet. */
  replay: ReplayState | null;
}

/** What the replay's line says, for each state (none and unknown say nothing). */
const REPLAY_LINE: Partial<Record<ReplayState, MessageKey>> = {
  making: "space.replay_making",
  ready: "space.replay_ready",
  empty: "space.replay_empty",
  failed: "rec.failed",
  gone: "rec.err.recording_gone",
};

export function EndedSpace({ lang, spaceId, title, host, cancelled, replay }: EndedSpaceProps) {
  const ready = replay === "ready";
  const line = replay ? REPLAY_LINE[replay] : undefined;
  const hostName = host?.name ?? "?";
  return (
    <section class="screen center ended-space">
      <span class="screen-mark quiet" aria-hidden="true">
        <Icon name={cancelled ? "calendarOff" : "broadcast"} size={28} />
      </span>
      <h1 tabIndex={-1}>{t(lang, cancelled ? "space.cancelled" : "space.ended_title")}</h1>
      <p class="lead">{t(lang, "space.ended_body", { title, name: hostName })}</p>
      {/* Always there, so that "being made" turning into "ready" is said to screen readers. */}
      <p class={`ended-replay ${replay ?? ""}`} role="status">
        {replay === "making" && <span class="spinner" aria-hidden="true" />}
        {line && t(lang, line)}
      </p>
      <div class="actions center">
        {ready && (
          <a class="button" href={`/s/${spaceId}/replay`}>
            <Icon name="replay" size={20} />
            {t(lang, "rec.listen")}
          </a>
        )}
        <a class={ready ? "button secondary" : "button"} href="/">
          <Icon name="home" size={20} />
          {t(lang, "error.home")}
        </a>
        {host?.handle && (
          <a class="button secondary" href={`/@${host.handle}`}>
            {t(lang, "space.host_profile", { name: hostName })}
          </a>
        )}
      </div>
    </section>
  );
}
