// The top of a live Space: LIVE (and REC while it is recorded), topics, the title, the host, how many listen, Share and Leave.
import ShareButton from "../../islands/ShareButton.tsx";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { Icon } from "../Icon.tsx";

export interface SpaceHeaderProps {
  lang: Lang;
  spaceId: string;
  title: string;
  topics: string[];
  hostName: string;
  listenerCount: number;
  /** The REC mark: the Space is being recorded. */
  recording?: boolean;
  onLeave?: () => void;
}

export function SpaceHeader(
  { lang, spaceId, title, topics, hostName, listenerCount, recording, onLeave }: SpaceHeaderProps,
) {
  return (
    <header class="space-head">
      <div class="space-status">
        <p class="muted">
          <span class="live-dot">
            <Icon name="live" /> LIVE
          </span>
          {/* The mark is always laid out and only shown while recording, so nothing beside it moves when REC comes and goes. */}
          <span class={recording ? "rec-slot" : "rec-slot off"} aria-hidden={recording ? undefined : "true"}>
            <span
              class="rec-mark"
              data-testid={recording ? "rec-indicator" : undefined}
              role={recording ? "img" : undefined}
              aria-label={recording ? t(lang, "rec.recording") : undefined}
              title={recording ? t(lang, "rec.recording") : undefined}
            >
              <span class="rec-dot" aria-hidden="true" />
              <span aria-hidden="true">REC</span>
            </span>
          </span>
        </p>
        <div class="space-head-actions">
          <ShareButton lang={lang} url={`/s/${spaceId}`} title={title} />
          {onLeave && (
            <button type="button" class="button danger small" onClick={onLeave}>
              <Icon name="leave" size={18} />
              {t(lang, "space.leave")}
            </button>
          )}
        </div>
      </div>
      <h1>{title}</h1>
      {/* Topics on a line of their own: beside LIVE, REC, Share and Leave a phone has no room for them. */}
      {topics.length > 0 && <p class="space-topics muted">{topics.map((tp) => `#${tp}`).join(" ")}</p>}
      <p class="host-line muted">
        <span>{t(lang, "space.hosted_by", { name: hostName })}</span>
        <span aria-hidden="true">·</span>
        <span class="count" aria-live="polite">
          <Icon name="users" size={18} />
          <strong data-testid="listener-count">{t(lang, "space.listening", { n: listenerCount })}</strong>
        </span>
      </p>
      {/* Calls are end-to-end encrypted; a Space is a broadcast (recorded, captioned): say so. */}
      <p class="space-e2ee-note muted" data-testid="space-e2ee-note">
        <Icon name="world" size={14} /> {t(lang, "space.not_e2ee")}
      </p>
    </header>
  );
}
