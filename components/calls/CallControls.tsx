// The in-call controls: round icon buttons for the microphone, the camera, switching camera, the
// audio output (where the browser can choose one) and ending the call, in one toolbar that always
// sits at the bottom of the screen.
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { Icon } from "../Icon.tsx";
import type { IconName } from "../icon_names.ts";
import { Sheet } from "../Sheet.tsx";
import type { CallMedia } from "../../lib/browser/calls/call_media.ts";

/** A video element showing one track (the other side, or your own inset). */
export function TrackVideo({ track, label, cls }: { track: MediaStreamTrack; label: string; cls: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.srcObject = new MediaStream([track]);
  }, [track]);
  return <video ref={ref} class={cls} autoplay playsInline muted aria-label={label} />;
}

function Round(
  { label, icon, onClick, cls = "" }: { label: string; icon: IconName; onClick: () => void; cls?: string },
) {
  return (
    <button type="button" class={`call-btn ${cls}`} aria-label={label} title={label} onClick={onClick}>
      <Icon name={icon} size={26} />
    </button>
  );
}

/** The End button alone: also the whole toolbar while the media code loads or if it failed. */
export function EndButton({ lang, onEnd, label }: { lang: Lang; onEnd: () => void; label?: string }) {
  return <Round label={label ?? t(lang, "call.end")} icon="phoneOff" cls="end" onClick={onEnd} />;
}

export function CallControls({ lang, media, onEnd }: { lang: Lang; media: CallMedia | null; onEnd: () => void }) {
  const choosing = useSignal(false);
  const label = t(lang, "call.controls");
  if (!media) {
    return (
      <div class="call-controls" role="toolbar" aria-label={label}>
        <EndButton lang={lang} onEnd={onEnd} />
      </div>
    );
  }
  const mic = media.micOn.value;
  const cam = media.cameraOn.value;
  const outputs = media.outputs.value;
  return (
    <div class="call-controls" role="toolbar" aria-label={label}>
      <Round
        label={t(lang, mic ? "call.mute" : "call.unmute")}
        icon={mic ? "mic" : "micOff"}
        cls={mic ? "" : "off"}
        onClick={() => void media.toggleMic()}
      />
      <Round
        label={t(lang, cam ? "call.camera_off" : "call.camera_on")}
        icon={cam ? "video" : "videoOff"}
        onClick={() => void media.toggleCamera()}
      />
      {cam && media.cameras.value.length > 1 && (
        <Round
          label={t(lang, "call.switch_camera")}
          icon="cameraRotate"
          onClick={() => void media.switchCamera()}
        />
      )}
      {outputs.length > 1 && (
        <Round label={t(lang, "call.output")} icon="speaker" onClick={() => (choosing.value = true)} />
      )}
      <EndButton lang={lang} onEnd={onEnd} />
      <Sheet
        open={choosing.value}
        title={t(lang, "call.output")}
        closeLabel={t(lang, "call.output_close")}
        onClose={() => (choosing.value = false)}
        id="call-output"
      >
        <fieldset class="output-list">
          <legend class="sr-only">{t(lang, "call.output")}</legend>
          {outputs.map((o, i) => (
            <label class="check" key={o.deviceId}>
              <input
                type="radio"
                name="call-output"
                value={o.deviceId}
                checked={media.outputId.value ? media.outputId.value === o.deviceId : i === 0}
                onChange={() => void media.setOutput(o.deviceId)}
              />
              {o.label}
            </label>
          ))}
        </fieldset>
      </Sheet>
    </div>
  );
}
