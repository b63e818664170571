// One camera in the stage grid. It tells the media layer whether it is on screen and how wide it
// is drawn, so that the SFU sends it the layer that fits (or nothing when it is off screen); the
// person's own camera is shown mirrored, like a mirror, and never asks for anything.
import { useEffect, useRef } from "preact/hooks";

export interface TileAsk {
  visible: boolean;
  width: number;
}

export interface VideoTileProps {
  track: MediaStreamTrack;
  label: string;
  mirrored?: boolean;
  /** Called with what the tile needs, and with null when it goes away. */
  onAsk?: (ask: TileAsk | null) => void;
}

export function VideoTile({ track, label, mirrored = false, onAsk }: VideoTileProps) {
  const ref = useRef<HTMLVideoElement>(null);
  const ask = useRef(onAsk);
  ask.current = onAsk;
  useEffect(() => {
    const el = ref.current!;
    el.srcObject = new MediaStream([track]);
    el.play().catch(() => {/* muted video may always play; a refusal shows the poster */});
    return () => {
      el.srcObject = null;
    };
  }, [track]);
  useEffect(() => {
    const el = ref.current!;
    if (!ask.current) return;
    let visible = false;
    let width = el.getBoundingClientRect().width;
    const tell = () => ask.current?.({ visible, width });
    const io = new IntersectionObserver((entries) => {
      visible = entries[entries.length - 1].isIntersecting;
      tell();
    }, { threshold: 0.01 });
    const ro = new ResizeObserver((entries) => {
      width = entries[entries.length - 1].contentRect.width;
      tell();
    });
    io.observe(el);
    ro.observe(el);
    return () => {
      io.disconnect();
      ro.disconnect();
      ask.current?.(null);
    };
  }, [track]);
  return (
    <video
      ref={ref}
      class={`tile-video${mirrored ? " mirrored" : ""}`}
      autoplay
      muted
      playsInline
      aria-label={label}
      data-track={track.id}
    />
  );
}
