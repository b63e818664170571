// The audio line of a Space page: joining, listening or reconnecting; the one "Tap to listen"
// control when the browser blocks autoplay; the microphone problem for speakers.
import { type Lang, t } from "../../lib/i18n/mod.ts";

export interface AudioBarProps {
  lang: Lang;
  state: "connecting" | "connected" | "reconnecting" | "closed" | null;
  needsTap: boolean;
  onTap: () => void;
  micProblem: "denied" | "unavailable" | null;
}

export function AudioBar({ lang, state, needsTap, onTap, micProblem }: AudioBarProps) {
  return (
    <div class="audio-bar">
      {needsTap && <button type="button" class="button" onClick={onTap}>🔊 {t(lang, "space.tap_to_listen")}</button>}
      <span class="muted" role="status" data-testid="audio-state">
        {state === "connected" ? `🔊 ${t(lang, "space.audio_live")}` : state === "reconnecting" ? t(lang, "space.audio_reconnecting") : state ? t(lang, "space.audio_joining") : ""}
      </span>
      {micProblem && <p class="error" role="alert">{t(lang, "space.mic_denied")}</p>}
    </div>
  );
}
