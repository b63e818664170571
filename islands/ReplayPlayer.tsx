// The player of a Space's replay or of a clip: play and pause, a scrubber that seeks (the audio
// is fetched by Range, so a seek downloads from there on), back and forward 15 s, speed 1x /
// 1.5x / 2x, lock-screen controls (Media Session), and the keyboard: Space or K plays and
// pauses, the arrows move 15 s. Anyone cuts a 30 s clip from where they are (unless the host
// turned clips off); the host starts the replay where they are, or deletes the recording.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../lib/api_client.ts";
import { type Lang, t } from "../lib/i18n/mod.ts";
import { Icon } from "../lib/ui/Icon.tsx";
import { toast } from "../lib/ui/Toast.tsx";

export interface ReplayPlayerProps {
  lang: Lang;
  title: string;
  hostName: string;
  /** The two encodings of the same audio: Opus first, AAC for Safari. */
  src: { ogg: string; m4a: string };
  durationMs: number;
  /** A replay (clips, host tools) or a clip (just the player). */
  kind: "replay" | "clip";
  spaceId?: string;
  clipsAllowed?: boolean;
  isHost?: boolean;
  trimStartMs?: number;
}

const SPEEDS = [1, 1.5, 2] as const;

export function clock(s: number): string {
  const total = Math.max(0, Math.floor(s));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

export default function ReplayPlayer(p: ReplayPlayerProps) {
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [at, setAt] = useState(0);
  const [length, setLength] = useState(p.durationMs / 1000);
  const [speed, setSpeed] = useState<number>(1);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState<"clip" | "trim" | "delete" | null>(null);
  const [clipUrl, setClipUrl] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [confirming, setConfirming] = useState(false);
  const lang = p.lang;

  useEffect(() => {
    const a = audio.current!;
    const sync = () => {
      setAt(a.currentTime);
      if (Number.isFinite(a.duration) && a.duration > 0) setLength(a.duration);
      if ("mediaSession" in navigator && Number.isFinite(a.duration) && a.duration > 0) {
        try {
          navigator.mediaSession.setPositionState({ duration: a.duration, position: Math.min(a.currentTime, a.duration), playbackRate: a.playbackRate });
        } catch { /* a browser without position state */ }
      }
    };
    const on = () => setPlaying(true);
    const off = () => setPlaying(false);
    const fail = () => setProblem(t(lang, "rec.cant_play"));
    const listeners: [string, () => void][] = [
      ["timeupdate", sync], ["durationchange", sync], ["seeked", sync],
      ["play", on], ["pause", off], ["ended", off], ["error", fail],
    ];
    for (const [type, fn] of listeners) a.addEventListener(type, fn);
    if ("mediaSession" in navigator) {
      navigator.mediaSession.metadata = new MediaMetadata({
        title: p.title,
        artist: p.hostName,
        album: t(lang, p.kind === "clip" ? "rec.clip_of" : "rec.replay_of", { title: p.title }),
        artwork: [{ src: "/static/icons/icon-192.png", sizes: "192x192", type: "image/png" }, { src: "/static/icons/icon-512.png", sizes: "512x512", type: "image/png" }],
      });
      const set = (action: MediaSessionAction, fn: MediaSessionActionHandler | null) => {
        try {
          navigator.mediaSession.setActionHandler(action, fn);
        } catch { /* not supported here */ }
      };
      set("play", () => void a.play());
      set("pause", () => a.pause());
      set("stop", () => a.pause());
      set("seekbackward", (d) => seekBy(-(d.seekOffset ?? 15)));
      set("seekforward", (d) => seekBy(d.seekOffset ?? 15));
      set("seekto", (d) => d.seekTime !== undefined && seekTo(d.seekTime));
    }
    return () => {
      for (const [type, fn] of listeners) a.removeEventListener(type, fn);
    };
  }, []);

  const seekTo = (s: number) => {
    const a = audio.current!;
    a.currentTime = Math.max(0, Math.min(s, Number.isFinite(a.duration) ? a.duration : length));
    setAt(a.currentTime);
  };
  const seekBy = (d: number) => seekTo(audio.current!.currentTime + d);
  const toggle = () => {
    const a = audio.current!;
    if (a.paused) {
      a.play().catch(() => setProblem(t(lang, "rec.cant_play")));
    } else a.pause();
  };
  const nextSpeed = () => {
    const n = SPEEDS[(SPEEDS.indexOf(speed as typeof SPEEDS[number]) + 1) % SPEEDS.length];
    audio.current!.playbackRate = n;
    setSpeed(n);
  };

  const onKey = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement;
    // The scrubber and buttons keep their own keys (arrows on the range, Space on a button).
    if (target.tagName === "INPUT" || target.tagName === "BUTTON" || target.tagName === "A") return;
    if (e.key === " " || e.key === "k") {
      e.preventDefault();
      toggle();
    } else if (e.key === "ArrowLeft" || e.key === "j") {
      e.preventDefault();
      seekBy(-15);
    } else if (e.key === "ArrowRight" || e.key === "l") {
      e.preventDefault();
      seekBy(15);
    }
  };

  async function clip() {
    if (!p.spaceId) return;
    setBusy("clip");
    setClipUrl(null);
    toast(t(lang, "rec.clip_making"));
    const r = await api<{ id: string }>("POST", `/api/spaces/${p.spaceId}/clips`, { fromMs: Math.floor(audio.current!.currentTime * 1000) });
    setBusy(null);
    if (!r.ok) return toast(t(lang, r.code));
    setClipUrl(`/clips/${r.data.id}`);
    toast(t(lang, "rec.clip_ready"));
  }

  async function trimHere() {
    if (!p.spaceId) return;
    setBusy("trim");
    const from = (p.trimStartMs ?? 0) + Math.floor(audio.current!.currentTime * 1000);
    const r = await api("PATCH", `/api/spaces/${p.spaceId}/recording`, { trimStartMs: from });
    setBusy(null);
    if (!r.ok) return toast(t(lang, r.code));
    // The replay was made again: load it from its new start.
    audio.current!.pause();
    setVersion((v) => v + 1);
    setAt(0);
    toast(t(lang, "rec.trimmed"));
  }

  async function remove() {
    if (!p.spaceId) return;
    setBusy("delete");
    const r = await api("DELETE", `/api/spaces/${p.spaceId}/recording`);
    setBusy(null);
    setConfirming(false);
    if (!r.ok) return toast(t(lang, r.code));
    location.reload();
  }

  useEffect(() => {
    if (version) audio.current!.load();
  }, [version]);

  const v = version ? `?v=${version}` : "";
  return (
    <div class="replay" onKeyDown={onKey} tabIndex={-1}>
      <audio ref={audio} preload="metadata">
        <source src={p.src.ogg + v} type='audio/ogg; codecs="opus"' />
        <source src={p.src.m4a + v} type="audio/mp4" />
      </audio>
      <div class="replay-scrub">
        <input
          type="range"
          min={0}
          max={Math.max(1, Math.round(length))}
          step={1}
          value={Math.round(at)}
          aria-label={t(lang, "rec.position")}
          aria-valuetext={t(lang, "rec.time_of", { at: clock(at), total: clock(length) })}
          onInput={(e) => seekTo(Number((e.target as HTMLInputElement).value))}
        />
        <p class="replay-times" aria-hidden="true">
          <span>{clock(at)}</span>
          <span>-{clock(Math.max(0, length - at))}</span>
        </p>
      </div>
      <div class="replay-controls">
        <button type="button" class="bar-icon" aria-label={t(lang, "rec.back15")} onClick={() => seekBy(-15)}>
          <Icon name="back15" size={24} />
        </button>
        <button type="button" class="replay-play" aria-label={t(lang, playing ? "rec.pause" : "rec.play")} onClick={toggle}>
          <Icon name={playing ? "pause" : "play"} size={30} />
        </button>
        <button type="button" class="bar-icon" aria-label={t(lang, "rec.forward15")} onClick={() => seekBy(15)}>
          <Icon name="forward15" size={24} />
        </button>
        <button type="button" class="replay-speed" aria-label={t(lang, "rec.speed", { n: speed })} onClick={nextSpeed}>
          {speed}×
        </button>
      </div>
      {problem && <p class="error" role="alert">{problem}</p>}
      <p class="hint replay-keys">{t(lang, "rec.keys")}</p>
      {p.kind === "replay" && (
        <div class="replay-actions">
          {p.clipsAllowed && (
            <button type="button" class="button secondary" onClick={clip} aria-busy={busy === "clip"} aria-disabled={busy !== null}>
              <Icon name="clip" size={20} />
              {t(lang, busy === "clip" ? "rec.clip_making" : "rec.clip")}
            </button>
          )}
          {clipUrl && <a class="button" href={clipUrl}>{t(lang, "rec.open_clip")}</a>}
        </div>
      )}
      {p.kind === "replay" && p.isHost && (
        <section class="replay-host" aria-label={t(lang, "rec.host_tools")}>
          <h2>{t(lang, "rec.host_tools")}</h2>
          <div class="replay-actions">
            <button type="button" class="button secondary" onClick={trimHere} aria-busy={busy === "trim"} aria-disabled={busy !== null}>
              <Icon name="edit" size={20} />
              {t(lang, "rec.trim_here")}
            </button>
            {!confirming
              ? (
                <button type="button" class="button danger" onClick={() => setConfirming(true)}>
                  <Icon name="trash" size={20} />
                  {t(lang, "rec.delete")}
                </button>
              )
              : (
                <div class="confirm" role="alertdialog" aria-label={t(lang, "rec.delete")}>
                  <p>{t(lang, "rec.delete_confirm")}</p>
                  <button type="button" class="button danger" onClick={remove} aria-busy={busy === "delete"}>{t(lang, "rec.delete")}</button>
                  <button type="button" class="button secondary" onClick={() => setConfirming(false)}>{t(lang, "rec.cancel")}</button>
                </div>
              )}
          </div>
        </section>
      )}
    </div>
  );
}
