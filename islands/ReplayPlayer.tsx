// The player of a Space's replay or of a clip: play and pause, a scrubber that seeks (the audio
// is fetched by Range, so a seek downloads from there on), back and forward 15 s, speed 1x /
// 1.5x / 2x, lock-screen controls (Media Session), and the keyboard: Space or K plays and
// pauses, the arrows move 15 s, N skips to the next speaker. A replay with its timeline shows the
// Space as it was at each moment (components/replay/ReplayMoment.tsx: who is on stage right under
// the controls), marks where each person spoke on the progress bar, and skips to the next
// speaker. A signed-in person cuts a 30 s clip from where they are (unless the host turned clips
// off; a signed-out one is offered to sign in); the host moves the replay's start with a slider
// and a preview, or deletes the recording and its clips.
import { Transcript } from "../components/replay/Transcript.tsx";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ClipButton } from "../components/replay/ClipButton.tsx";
import { ReplayHostTools } from "../components/replay/ReplayHostTools.tsx";
import { ReplayMoment, ReplayStage } from "../components/replay/ReplayMoment.tsx";
import { SpeakerMarks } from "../components/replay/SpeakerMarks.tsx";
import { type Lang, t } from "../lib/i18n/mod.ts";
import type { Timeline } from "../lib/protocol/recording_timeline.ts";
import {
  audioSeconds,
  clock,
  hasMoments,
  momentAt,
  type ReplayKeyAction,
  replayKeyAction,
  type SpeakerMark,
  speakerMarks,
  timelineMs,
} from "../lib/shared/replay_view.ts";
import { Icon } from "../components/Icon.tsx";
import { showNowPlaying } from "../lib/browser/media_session.ts";

export interface ReplayPlayerProps {
  lang: Lang;
  title: string;
  hostName: string;
  /** The two encodings of the same audio: Opus first, AAC for Safari. */
  src: { ogg: string; m4a: string };
  durationMs: number;
  /** A replay (timeline, clips, host tools) or a clip (just the player). */
  kind: "replay" | "clip";
  spaceId?: string;
  clipsAllowed?: boolean;
  isHost?: boolean;
  /** Clips need an account: signed out, the clip control is a link to sign in. */
  signedIn?: boolean;
  /** The recording's clips, which its deletion takes with it (the host's confirmation says so). */
  clipCount?: number;
  trimStartMs?: number;
  /** Who was on stage and spoke when, comments, reactions and pins; null when none was kept. */
  timeline?: Timeline | null;
}

const SPEEDS = [1, 1.5, 2] as const;

export default function ReplayPlayer(p: ReplayPlayerProps) {
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [at, setAt] = useState(0);
  const [length, setLength] = useState(p.durationMs / 1000);
  const [speed, setSpeed] = useState<number>(1);
  const [problem, setProblem] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [trim, setTrim] = useState(p.trimStartMs ?? 0);
  const lang = p.lang;
  const timeline = p.kind === "replay" && hasMoments(p.timeline) ? p.timeline : null;
  const moment = useMemo(() => (timeline ? momentAt(timeline, timelineMs(at, trim)) : null), [timeline, at, trim]);
  const marks = useMemo(
    () => (p.kind === "replay" && p.timeline ? speakerMarks(p.timeline, trim, length * 1000) : []),
    [p.timeline, trim, length],
  );
  const markLabel = (m: SpeakerMark) => t(lang, "rec.spoke", { name: m.name, at: clock((m.left / 100) * length) });
  // Key and lock-screen handlers are made once; they read the moment through this ref.
  const act = useRef<(a: ReplayKeyAction) => void>(() => {});

  const seekTo = (s: number) => {
    const a = audio.current!;
    a.currentTime = Math.max(0, Math.min(s, Number.isFinite(a.duration) ? a.duration : length));
    setAt(a.currentTime);
  };
  const seekBy = (d: number) => seekTo(audio.current!.currentTime + d);
  const toggle = () => {
    const a = audio.current!;
    if (a.paused) a.play().catch(() => setProblem(t(lang, "rec.cant_play")));
    else a.pause();
  };
  const nextSpeaker = () => {
    const a = audio.current!;
    const next = timeline && momentAt(timeline, timelineMs(a.currentTime, trim)).nextSpeakerMs;
    if (next !== null && next !== undefined) seekTo(audioSeconds(next, trim));
  };
  const nextSpeed = () => {
    const n = SPEEDS[(SPEEDS.indexOf(speed as typeof SPEEDS[number]) + 1) % SPEEDS.length];
    audio.current!.playbackRate = n;
    setSpeed(n);
  };
  act.current = (a) => ({ toggle, back: () => seekBy(-15), forward: () => seekBy(15), nextSpeaker })[a]();

  useEffect(() => {
    const a = audio.current!;
    const sync = () => {
      setAt(a.currentTime);
      if (!Number.isFinite(a.duration) || a.duration <= 0) return;
      setLength(a.duration);
      try {
        navigator.mediaSession?.setPositionState({
          duration: a.duration,
          position: Math.min(a.currentTime, a.duration),
          playbackRate: a.playbackRate,
        });
      } catch { /* a browser without position state */ }
    };
    const on = () => setPlaying(true);
    const off = () => setPlaying(false);
    const fail = () => setProblem(t(lang, "rec.cant_play"));
    const listeners: [string, () => void][] = [
      ["timeupdate", sync],
      ["durationchange", sync],
      ["seeked", sync],
      ["play", on],
      ["pause", off],
      ["ended", off],
      ["error", fail],
    ];
    for (const [type, fn] of listeners) a.addEventListener(type, fn);
    // The page is the player: its keys work wherever the focus is, except in a control.
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const action = replayKeyAction(e.key, e.target as HTMLElement);
      if (!action || (action === "nextSpeaker" && !timeline)) return;
      e.preventDefault();
      act.current(action);
    };
    addEventListener("keydown", onKey);
    const album = t(lang, p.kind === "clip" ? "rec.clip_of" : "rec.replay_of", { title: p.title });
    if (showNowPlaying({ title: p.title, artist: p.hostName, album })) {
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
      // A headset's "next" button skips to the next speaker.
      if (timeline) set("nexttrack", () => act.current("nextSpeaker"));
    }
    return () => {
      for (const [type, fn] of listeners) a.removeEventListener(type, fn);
      removeEventListener("keydown", onKey);
    };
  }, []);

  useEffect(() => {
    if (version) audio.current!.load();
  }, [version]);

  const preview = (s: number) => {
    seekTo(s);
    audio.current!.play().catch(() => setProblem(t(lang, "rec.cant_play")));
  };

  const onTrimmed = (ms: number) => {
    // The replay was made again: load it from its new start.
    audio.current!.pause();
    setTrim(ms);
    setVersion((v) => v + 1);
    setAt(0);
  };

  const v = version ? `?v=${version}` : "";
  const next = moment?.nextSpeakerMs ?? null;
  return (
    <div class={`replay${moment ? " with-timeline" : ""}`} tabIndex={-1}>
      <audio ref={audio} preload="metadata">
        <source src={p.src.ogg + v} type='audio/ogg; codecs="opus"' />
        <source src={p.src.m4a + v} type="audio/mp4" />
      </audio>
      <div class="replay-card">
        <div class="replay-scrub">
          <div class="replay-track">
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
            <SpeakerMarks marks={marks} label={markLabel} />
          </div>
          <p class="replay-times" aria-hidden="true">
            <span>{clock(at)}</span>
            <span>-{clock(Math.max(0, length - at))}</span>
          </p>
        </div>
        <div class="replay-controls">
          <button type="button" class="bar-icon" aria-label={t(lang, "rec.back15")} onClick={() => seekBy(-15)}>
            <Icon name="back15" size={24} />
          </button>
          <button
            type="button"
            class="replay-play"
            aria-label={t(lang, playing ? "rec.pause" : "rec.play")}
            onClick={toggle}
          >
            <Icon name={playing ? "pause" : "play"} size={30} />
          </button>
          <button type="button" class="bar-icon" aria-label={t(lang, "rec.forward15")} onClick={() => seekBy(15)}>
            <Icon name="forward15" size={24} />
          </button>
          {moment && (
            <button
              type="button"
              class="bar-icon"
              data-testid="replay-next-speaker"
              aria-label={t(lang, "rec.next_speaker")}
              title={next === null ? t(lang, "rec.no_next_speaker") : t(lang, "rec.next_speaker")}
              disabled={next === null}
              onClick={nextSpeaker}
            >
              <Icon name="nextSpeaker" size={24} />
            </button>
          )}
          <button
            type="button"
            class="replay-speed"
            aria-label={t(lang, "rec.speed", { n: speed })}
            onClick={nextSpeed}
          >
            {speed}×
          </button>
        </div>
        {moment && <ReplayStage lang={lang} moment={moment} />}
        {problem && <p class="error" role="alert">{problem}</p>}
        <p class="hint replay-keys">{t(lang, moment ? "rec.keys" : "rec.keys_short")}</p>
        {p.kind === "replay" && p.spaceId && p.clipsAllowed && (
          <ClipButton
            lang={lang}
            spaceId={p.spaceId}
            title={p.title}
            label={t(lang, "rec.clip")}
            fromMs={() => audio.current!.currentTime * 1000}
            signedIn={p.signedIn}
            next={`/s/${p.spaceId}/replay`}
          />
        )}
      </div>
      {moment && <ReplayMoment lang={lang} moment={moment} />}
      {p.kind === "replay" && p.timeline && (
        <Transcript lang={lang} timeline={p.timeline} trimStartMs={trim} at={at} onSeek={seekTo} name={p.title} />
      )}
      {p.kind === "replay" && p.isHost && p.spaceId && (
        <ReplayHostTools
          lang={lang}
          spaceId={p.spaceId}
          trimStartMs={trim}
          lengthS={length}
          positionS={() => audio.current!.currentTime}
          preview={preview}
          marks={marks}
          markLabel={markLabel}
          onTrimmed={onTrimmed}
          clipCount={p.clipCount ?? 0}
        />
      )}
    </div>
  );
}
