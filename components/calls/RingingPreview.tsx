// Your own camera while an outgoing video call rings, full screen behind the name, as phones show
// it: the person sees how they will look before the other side answers. The preview's camera is
// let go as the ringing ends; the call's media takes its own.
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";

/** The preview's camera track while `on`, or null (not asked for, refused, or let go). */
export function useRingingPreview(on: boolean): MediaStreamTrack | null {
  const track = useSignal<MediaStreamTrack | null>(null);
  useEffect(() => {
    if (!on) return;
    let stopped = false;
    let mine: MediaStreamTrack | null = null;
    navigator.mediaDevices?.getUserMedia({ video: { facingMode: "user" } }).then((s) => {
      mine = s.getVideoTracks()[0] ?? null;
      if (stopped) return mine?.stop();
      track.value = mine;
    }).catch(() => {/* no camera, or refused: the avatar stays */});
    return () => {
      stopped = true;
      mine?.stop();
      track.value = null;
    };
  }, [on]);
  return track.value;
}
