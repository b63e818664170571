// The bar at the bottom of a Space, always inside the viewport: the person's own actions. The
// microphone for people on stage, a hand for listeners, reactions, comments, and the sheets with
// host tools and settings; on a recorded Space, a clip of the last 30 s (hosts and co-hosts find
// it in their tools). Every button has a name a screen reader says, and a tooltip.
// The main action always shows its whole label, in every language: on a phone the bar keeps at
// most three icons beside it (the rest, by priority, move into the "Audio and more" sheet, see
// SpilledActions), and with three the main button drops its icon, never its words.
import type { ComponentChildren } from "preact";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { REACTIONS, type SpaceCommand } from "../../lib/protocol/space.ts";
import type { SpaceView } from "../../lib/protocol/space_view.ts";
import type { CameraState } from "../../lib/browser/media/space_video.ts";
import { Icon } from "../Icon.tsx";
import type { IconName } from "../icon_names.ts";

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

/** How many icons a phone's bar shows beside the main action and the "Audio and more" icon. */
const PHONE_ICONS = 3;

interface Secondary {
  id: "camera" | SheetName;
  label: string;
  icon: IconName;
  badge?: string | number;
  pressed?: boolean;
  busy?: boolean;
  run: () => void;
}

/** The icons beside the main action, most needed first (what a phone keeps). */
function secondaries(p: ActionBarProps): Secondary[] {
  const { lang, view, camera } = p;
  const me = view.stage.find((m) => m.sub === view.you.sub);
  const mod = view.you.role === "host" || view.you.role === "cohost";
  const out: Secondary[] = [];
  if (me && view.space.videoAllowed) {
    out.push({
      id: "camera",
      icon: camera === "on" ? "video" : "videoOff",
      pressed: camera === "on",
      busy: camera === "starting",
      label: camera === "starting"
        ? t(lang, "space.camera_starting")
        : camera === "on"
        ? t(lang, "space.camera_off")
        : t(lang, "space.camera_on"),
      run: () => camera !== "starting" && p.onCamera(camera === "off"),
    });
  }
  if (mod) {
    out.push({
      id: "tools",
      icon: "tools",
      label: view.hands.length
        ? `${t(lang, "space.host_tools")}, ${t(lang, "space.requests_badge", { n: view.hands.length })}`
        : t(lang, "space.host_tools"),
      badge: view.hands.length || undefined,
      run: () => p.open("tools"),
    });
  }
  const n = view.comments.length;
  out.push({
    id: "comments",
    icon: "comments",
    label: t(lang, "space.comments_count", { n }),
    badge: n > 99 ? "99+" : n || undefined,
    run: () => p.open("comments"),
  });
  out.push({ id: "react", icon: "react", label: t(lang, "space.reactions"), run: () => p.open("react") });
  if (view.space.recording && !mod) {
    out.push({ id: "clip", icon: "clip", label: t(lang, "rec.clip_live"), run: () => p.open("clip") });
  }
  return out;
}

/** The ids a phone's bar leaves to the "Audio and more" sheet. */
export function spilledOnPhone(p: ActionBarProps): Set<Secondary["id"]> {
  return new Set(secondaries(p).slice(PHONE_ICONS).map((s) => s.id));
}

// The order on the bar stays the one people know (camera, reactions, comments, clip, tools).
const ORDER: Secondary["id"][] = ["camera", "react", "comments", "clip", "tools"];

export function ActionBar(p: ActionBarProps) {
  const { lang, view, signInUrl, onUnmute, onMute, onHand, open } = p;
  const you = view.you;
  const me = view.stage.find((m) => m.sub === you.sub);
  const all = secondaries(p);
  const spilled = new Set(all.slice(PHONE_ICONS).map((s) => s.id));
  // With a full row of icons, the main button keeps its words and drops its icon (on a phone).
  const shown = Math.min(all.length, PHONE_ICONS);
  const icons = [...all].sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));
  const mainClass = `bar-main${shown >= PHONE_ICONS ? " tight" : ""}`;
  const label = (icon: IconName, short: string): ComponentChildren => (
    <>
      <Icon name={icon} />
      <span class="bar-label">{short}</span>
    </>
  );
  return (
    <div class="action-bar" role="toolbar" aria-label={t(lang, "space.your_actions")}>
      {me
        ? (me.muted
          ? (
            <button type="button" class={mainClass} onClick={onUnmute} aria-label={t(lang, "space.unmute_me")}>
              {label("micOff", t(lang, "space.unmute_short"))}
            </button>
          )
          : (
            <button type="button" class={`${mainClass} live`} onClick={onMute} aria-label={t(lang, "space.mute_me")}>
              {label("mic", t(lang, "space.mute_short"))}
            </button>
          ))
        : you.anonymous
        ? (
          <a class={`button ${mainClass}`} href={signInUrl} aria-label={t(lang, "space.signin_to_take_part")}>
            {label("signin", t(lang, "nav.signin"))}
          </a>
        )
        : you.handRaised
        ? (
          <button
            type="button"
            class={`${mainClass} quiet`}
            onClick={() => onHand(false)}
            aria-label={t(lang, "space.cancel_request")}
          >
            {label("hand", t(lang, "space.cancel_request_short"))}
          </button>
        )
        : (
          <button
            type="button"
            class={mainClass}
            onClick={() => onHand(true)}
            aria-label={t(lang, "space.request_speak")}
          >
            {label("hand", t(lang, "space.request_short"))}
          </button>
        )}
      {icons.map((s) => (
        <button
          type="button"
          key={s.id}
          class={`bar-icon${s.pressed ? " on" : ""}${spilled.has(s.id) ? " spill" : ""}`}
          aria-pressed={s.id === "camera" ? !!s.pressed : undefined}
          aria-busy={s.busy || undefined}
          aria-label={s.label}
          title={s.label}
          onClick={s.run}
        >
          <Icon name={s.icon} />
          {s.badge !== undefined && <span class="count-badge" aria-hidden="true">{s.badge}</span>}
        </button>
      ))}
      <button
        type="button"
        class="bar-icon"
        aria-label={t(lang, "space.audio_settings")}
        title={t(lang, "space.audio_settings")}
        onClick={() => open("settings")}
      >
        <Icon name="more" />
      </button>
    </div>
  );
}

/**
 * What a phone's bar had no room for, at the top of the "Audio and more" sheet (hidden on wide
 * screens, where the bar shows it): the reactions themselves, or the clip button.
 */
export function SpilledActions(
  { p, send, clip }: { p: ActionBarProps; send: (c: SpaceCommand) => void; clip: ComponentChildren },
) {
  const spilled = spilledOnPhone(p);
  const { lang } = p;
  if (!spilled.size) return null;
  return (
    <div class="stack narrow-only">
      {spilled.has("react") && <Reactions lang={lang} send={send} />}
      {spilled.has("clip") && clip}
    </div>
  );
}

/** The reactions, one button each (the Reactions sheet, or "Audio and more" on a crowded phone bar). */
export function Reactions({ lang, send }: { lang: Lang; send: (c: SpaceCommand) => void }) {
  return (
    <div class="reactions" role="group" aria-label={t(lang, "space.reactions")}>
      {REACTIONS.map((emoji) => (
        <button
          type="button"
          key={emoji}
          class="reaction"
          aria-label={t(lang, "space.react", { emoji })}
          onClick={() => send({ type: "react", emoji })}
        >
          {emoji}
        </button>
      ))}
    </div>
  );
}
