// The one status line of a Space page, the same height from the first paint on (so nothing below
// it moves as the page connects): the room's connection when it is not up, else the audio's
// (joining, listening, reconnecting); the one "Tap to listen" control when the browser blocks
// autoplay; the microphone problem for speakers.
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { Icon } from "../Icon.tsx";
import type { MicProblem } from "../../lib/browser/media/space_audio.ts";

export type LinkState = "connecting" | "connected" | "reconnecting" | "closed";

export interface AudioBarProps {
  lang: Lang;
  room: LinkState;
  audio: LinkState;
  needsTap: boolean;
  onTap: () => void;
  micProblem: MicProblem;
}

const MIC_PROBLEM = {
  denied: "space.mic_denied",
  unavailable: "space.mic_unavailable",
  notSent: "space.mic_not_sent",
} as const;

export function AudioBar({ lang, room, audio, needsTap, onTap, micProblem }: AudioBarProps) {
  const roomText = room === "reconnecting"
    ? t(lang, "space.reconnecting")
    : room === "connecting"
    ? t(lang, "space.connecting")
    : null;
  return (
    <div class="audio-bar">
      {needsTap && (
        <button type="button" class="button small" onClick={onTap}>
          <Icon name="speaker" size={18} />
          {t(lang, "space.tap_to_listen")}
        </button>
      )}
      <span class="muted" role="status" data-testid="audio-state">
        {roomText ?? (audio === "connected"
          ? (
            <>
              <Icon name="speaker" size={18} /> {t(lang, "space.audio_live")}
            </>
          )
          : audio === "reconnecting"
          ? t(lang, "space.audio_reconnecting")
          : t(lang, "space.audio_joining"))}
      </span>
      {micProblem && <p class="error" role="alert">{t(lang, MIC_PROBLEM[micProblem])}</p>}
    </div>
  );
}
