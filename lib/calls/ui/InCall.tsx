// The in-call part of the call screen: the other side's video and sound, the controls (mute,
// camera, switch camera, output device, end), the duration and the connection quality.
// The media code (mediasoup-client, about 40 KB gzip) is fetched only once a call is answered.
import { useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { type Lang, t } from "../../i18n/mod.ts";
import { callDurationS, type CallView } from "../../protocol/call.ts";
import type { CallMedia } from "../call_media.ts";
import { formatDuration } from "../entry_text.ts";

function useTrack(ref: { current: HTMLMediaElement | null }, track: MediaStreamTrack | null) {
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = track ? new MediaStream([track]) : null;
  }, [track]);
}

interface Props {
  lang: Lang;
  call: CallView;
  callId: string;
  /** The other person's name, for their video's label. */
  peerName: string;
  onEnd: () => void;
}

export function InCall({ lang, call, callId, peerName, onEnd }: Props) {
  const media = useSignal<CallMedia | null>(null);
  const failed = useSignal(false);
  const now = useSignal(Date.now());
  useEffect(() => {
    let m: CallMedia | null = null;
    let gone = false;
    import("../call_media.ts").then(({ CallMedia }) => {
      if (gone) return;
      m = new CallMedia(callId, call.video);
      media.value = m;
      void m.start();
    }).catch(() => (failed.value = true));
    const id = setInterval(() => (now.value = Date.now()), 1_000);
    return () => {
      gone = true;
      clearInterval(id);
      m?.close();
    };
  }, []);
  const duration = (
    <p class="duration">{t(lang, "call.duration", { duration: formatDuration(callDurationS(call, now.value)) })}</p>
  );
  const end = <button type="button" class="button danger" onClick={onEnd}>{t(lang, "call.end")}</button>;
  if (!media.value) {
    return (
      <>
        {failed.value && <p class="error" role="alert">{t(lang, "call.media_failed")}</p>}
        {duration}
        <div class="call-controls">{end}</div>
      </>
    );
  }
  return <MediaView lang={lang} media={media.value} peerName={peerName} duration={duration} end={end} />;
}

function MediaView({ lang, media, peerName, duration, end }: {
  lang: Lang;
  media: CallMedia;
  peerName: string;
  duration: ComponentChildren;
  end: ComponentChildren;
}) {
  const needsTap = useSignal(false);
  const audio = useRef<HTMLAudioElement>(null);
  const remote = useRef<HTMLVideoElement>(null);
  const self = useRef<HTMLVideoElement>(null);
  const remoteAudio = media.remoteAudio.value;
  useTrack(audio, remoteAudio);
  useTrack(remote, media.remoteVideo.value);
  useTrack(self, media.localVideo.value);
  useEffect(() => {
    // A page opened without a tap may not play sound: one clear control then.
    audio.current?.play().catch((e) => (needsTap.value = (e as Error).name === "NotAllowedError"));
  }, [remoteAudio]);

  const setOutput = async (id: string) => {
    media.outputId.value = id;
    await (audio.current as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> })?.setSinkId?.(id);
  };
  const q = media.quality.value;
  return (
    <>
      <audio ref={audio} autoplay />
      <div class="videos">
        {media.remoteVideo.value && <video ref={remote} autoplay playsinline muted aria-label={peerName} />}
        {media.localVideo.value && <video ref={self} class="self" autoplay playsinline muted aria-label={t(lang, "call.you")} />}
      </div>
      {media.problem.value && (
        <p class="error" role="alert">{t(lang, media.problem.value === "denied" ? "call.mic_denied" : "call.media_failed")}</p>
      )}
      {needsTap.value && (
        <button type="button" onClick={() => audio.current?.play().then(() => (needsTap.value = false))}>{t(lang, "call.tap_to_hear")}</button>
      )}
      {duration}
      <p class="quality" data-level={q} role="status" aria-live="off">
        {t(lang, "call.quality", { level: t(lang, `call.quality.${q}`) })}
      </p>
      <div class="call-controls">
        <button type="button" class={media.micOn.value ? undefined : "button danger"} onClick={() => media.toggleMic()}>
          {t(lang, media.micOn.value ? "call.mute" : "call.unmute")}
        </button>
        <button type="button" class="secondary" onClick={() => media.toggleCamera()}>
          {t(lang, media.cameraOn.value ? "call.camera_off" : "call.camera_on")}
        </button>
        {media.cameraOn.value && media.cameras.value.length > 1 && (
          <button type="button" class="secondary" onClick={() => media.switchCamera()}>{t(lang, "call.switch_camera")}</button>
        )}
        {end}
      </div>
      {media.outputs.value.length > 1 && (
        <label>
          {t(lang, "call.output")}{" "}
          <select value={media.outputId.value} onChange={(e) => setOutput((e.target as HTMLSelectElement).value)}>
            {media.outputs.value.map((o) => <option key={o.deviceId} value={o.deviceId}>{o.label}</option>)}
          </select>
        </label>
      )}
    </>
  );
}
