// The audio line of a Space page: joining, listening or reconnecting; the one "Tap to listen"
// control when the browser blocks autoplay; the microphone problem and choice for speakers.
import { type Lang, t } from "../../lib/i18n/mod.ts";

export interface AudioBarProps {
  lang: Lang;
  state: "connecting" | "connected" | "reconnecting" | "closed" | null;
  needsTap: boolean;
  onTap: () => void;
  micProblem: "denied" | "unavailable" | null;
  inputs: { deviceId: string; label: string }[];
  inputId: string | null;
  onInput: (deviceId: string) => void;
  onStage: boolean;
}

export function AudioBar({ lang, state, needsTap, onTap, micProblem, inputs, inputId, onInput, onStage }: AudioBarProps) {
  return (
    <div class="audio-bar">
      {needsTap && <button type="button" class="button" onClick={onTap}>🔊 {t(lang, "space.tap_to_listen")}</button>}
      <span class="muted" role="status" data-testid="audio-state">
        {state === "connected" ? `🔊 ${t(lang, "space.audio_live")}` : state === "reconnecting" ? t(lang, "space.audio_reconnecting") : state ? t(lang, "space.audio_joining") : ""}
      </span>
      {micProblem && <p class="error" role="alert">{t(lang, "space.mic_denied")}</p>}
      {onStage && inputs.length > 1 && (
        <label class="mic-choice">
          {t(lang, "space.mic_choose")}{" "}
          <select value={inputId ?? ""} onChange={(e) => onInput((e.target as HTMLSelectElement).value)}>
            {inputs.map((d) => <option key={d.deviceId} value={d.deviceId}>{d.label}</option>)}
          </select>
        </label>
      )}
    </div>
  );
}
