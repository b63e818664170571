// The bar at the bottom of a Space, always inside the viewport: the person's own actions. The
// microphone for people on stage, a hand for listeners, reactions, comments, and the sheets with
// host tools and settings; on a recorded Space, a clip of the last 30 s (hosts and co-hosts find
// it in their tools, to leave their bar room). Every button has a name a screen reader says.
import { type Lang, t } from "../../lib/i18n/mod.ts";
import type { SpaceView } from "../../lib/protocol/space_view.ts";
import type { CameraState } from "../../lib/browser/media/space_video.ts";
import { Icon } from "../Icon.tsx";

export type SheetName = "comments" | "react" | "tools" | "settings" | "clip";

export interface ActionBarProps {
  lang: Lang;
  view: SpaceView;
  signInUrl: string;
  onUnmute: () => void;
  onMute: () => void;
  camera: CameraState;
  onCamera: (on: boolean) => void;
  onHand: (raise: boolean) => void;
  open: (sheet: SheetName) => void;
}

export function ActionBar({ lang, view, signInUrl, onUnmute, onMute, camera, onCamera, onHand, open }: ActionBarProps) {
  const you = view.you;
  const me = view.stage.find((m) => m.sub === you.sub);
  const mod = you.role === "host" || you.role === "cohost";
  return (
    <div class="action-bar" role="toolbar" aria-label={t(lang, "space.your_actions")}>
      {me
        ? (me.muted
          ? (
            <button type="button" class="bar-main" onClick={onUnmute} aria-label={t(lang, "space.unmute_me")}>
              <Icon name="micOff" />
              <span>{t(lang, "space.unmute_short")}</span>
            </button>
          )
          : (
            <button type="button" class="bar-main live" onClick={onMute} aria-label={t(lang, "space.mute_me")}>
              <Icon name="mic" />
              <span>{t(lang, "space.mute_short")}</span>
            </button>
          ))
        : you.anonymous
        ? (
          <a class="button bar-main" href={signInUrl} aria-label={t(lang, "space.signin_to_take_part")}>
            <Icon name="signin" />
            <span>{t(lang, "nav.signin")}</span>
          </a>
        )
        : you.handRaised
        ? (
          <button
            type="button"
            class="bar-main quiet"
            onClick={() => onHand(false)}
            aria-label={t(lang, "space.cancel_request")}
          >
            <Icon name="hand" />
            <span>{t(lang, "space.cancel_request_short")}</span>
          </button>
        )
        : (
          <button
            type="button"
            class="bar-main"
            onClick={() => onHand(true)}
            aria-label={t(lang, "space.request_speak")}
          >
            <Icon name="hand" />
            <span>{t(lang, "space.request_short")}</span>
          </button>
        )}
      {me && view.space.videoAllowed && (
        <button
          type="button"
          class={`bar-icon${camera === "on" ? " on" : ""}`}
          aria-pressed={camera === "on"}
          aria-busy={camera === "starting"}
          aria-label={camera === "starting"
            ? t(lang, "space.camera_starting")
            : camera === "on"
            ? t(lang, "space.camera_off")
            : t(lang, "space.camera_on")}
          onClick={() => camera !== "starting" && onCamera(camera === "off")}
        >
          <Icon name={camera === "on" ? "video" : "videoOff"} />
        </button>
      )}
      <button type="button" class="bar-icon" aria-label={t(lang, "space.reactions")} onClick={() => open("react")}>
        <Icon name="react" />
      </button>
      <button
        type="button"
        class="bar-icon"
        aria-label={t(lang, "space.comments_count", { n: view.comments.length })}
        onClick={() => open("comments")}
      >
        <Icon name="comments" />
        {view.comments.length > 0 && (
          <span class="count-badge" aria-hidden="true">{view.comments.length > 99 ? "99+" : view.comments.length}</span>
        )}
      </button>
      {view.space.recording && !mod && (
        <button
          type="button"
          class="bar-icon"
          aria-label={t(lang, "rec.clip_live")}
          onClick={() => open("clip")}
        >
          <Icon name="clip" />
        </button>
      )}
      {mod && (
        <button
          type="button"
          class="bar-icon"
          aria-label={view.hands.length
            ? `${t(lang, "space.host_tools")}, ${t(lang, "space.requests_badge", { n: view.hands.length })}`
            : t(lang, "space.host_tools")}
          onClick={() => open("tools")}
        >
          <Icon name="tools" />
          {view.hands.length > 0 && <span class="count-badge" aria-hidden="true">{view.hands.length}</span>}
        </button>
      )}
      <button
        type="button"
        class="bar-icon"
        aria-label={t(lang, "space.audio_settings")}
        onClick={() => open("settings")}
      >
        <Icon name="more" />
      </button>
    </div>
  );
}
