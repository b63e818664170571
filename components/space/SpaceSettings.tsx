// The Space's settings sheet: the microphone for people on stage (and leaving the stage), and
// reporting the Space or a person in it.
import { useSignal } from "@preact/signals";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import type { SpaceAudio } from "../../lib/browser/media/space_audio.ts";
import type { SpaceCommand } from "../../lib/protocol/space.ts";
import type { SpaceView } from "../../lib/protocol/space_view.ts";
import { Icon } from "../Icon.tsx";
import { SwitchRow } from "../SwitchRow.tsx";

export type ReportTarget = { target: { sub: string } | { space: true }; label: string };

export interface SpaceSettingsProps {
  lang: Lang;
  view: SpaceView;
  media: SpaceAudio | null;
  send: (c: SpaceCommand) => boolean;
  report: ReportTarget | null;
  setReport: (r: ReportTarget | null) => void;
}

export function SpaceSettings({ lang, view, media, send, report, setReport }: SpaceSettingsProps) {
  const reason = useSignal("");
  const sent = useSignal(false);
  const me = view.stage.find((m) => m.sub === view.you.sub);
  const inputs = media?.inputs.value ?? [];
  const video = media?.video ?? null;
  return (
    <div class="stack">
      {me && inputs.length > 0 && (
        <label class="stack">
          {t(lang, "space.mic_choose")}
          <select
            value={media?.inputId.value ?? ""}
            onChange={(e) => media?.chooseInput((e.target as HTMLSelectElement).value)}
          >
            {inputs.map((d) => <option key={d.deviceId} value={d.deviceId}>{d.label}</option>)}
          </select>
        </label>
      )}
      {me && view.space.videoAllowed && video && video.camera.value === "on" && video.cameras.value.length > 1 && (
        <>
          <label class="stack">
            {t(lang, "space.camera_label")}
            <select
              value={video.cameraId.value ?? ""}
              onChange={(e) => video.choose((e.target as HTMLSelectElement).value)}
            >
              {video.cameras.value.map((d) => <option key={d.deviceId} value={d.deviceId}>{d.label}</option>)}
            </select>
          </label>
          <button type="button" class="button secondary" onClick={() => video.flip()}>
            <Icon name="cameraRotate" size={20} />
            {t(lang, "space.camera_flip")}
          </button>
        </>
      )}
      {view.space.videoAllowed && video && (
        <SwitchRow
          icon="speaker"
          label={t(lang, "space.audio_only")}
          hint={t(lang, "space.audio_only_hint")}
          checked={video.audioOnly.value}
          onChange={(on) => video.setAudioOnly(on)}
        />
      )}
      {me && view.you.role !== "host" && (
        <button
          type="button"
          class="button secondary"
          onClick={() => send({ type: "leaveStage" })}
        >
          {t(lang, "space.leave_stage")}
        </button>
      )}
      {!view.you.anonymous && !report && !sent.value && (
        <button
          type="button"
          class="button secondary"
          onClick={() => setReport({ target: { space: true }, label: t(lang, "space.report_space") })}
        >
          <Icon name="report" size={20} />
          {t(lang, "space.report_space")}
        </button>
      )}
      {report && !sent.value && (
        <form
          class="stack report"
          aria-label={report.label}
          onSubmit={(e) => {
            e.preventDefault();
            if (send({ type: "report", target: report.target as never, reason: reason.value })) sent.value = true;
          }}
        >
          <label for="report-reason">{report.label}: {t(lang, "space.report_reason")}</label>
          <textarea
            id="report-reason"
            maxLength={500}
            required
            value={reason.value}
            onInput={(e) => (reason.value = (e.target as HTMLTextAreaElement).value)}
          />
          <button type="submit" class="button danger">{t(lang, "space.report_send")}</button>
        </form>
      )}
      {sent.value && <p class="success" role="status">{t(lang, "space.report_sent")}</p>}
    </div>
  );
}
