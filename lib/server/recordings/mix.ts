// The replay of a recorded Space: every speaker's track (Ogg/Opus as the SFU's recorder wrote it)
// placed at its offset from the recording's start and mixed into one file, in Opus (Ogg) for the
// browsers that play it and AAC (MP4, index first so a player can seek at once) for Safari. Clips
// are cut from the replay the same way. ffmpeg is Debian's; nothing here decodes audio itself
// except `levels`, which reads back what ffmpeg decoded, for tests and the timeline's checks.

export const FFMPEG = Deno.env.get("SPAZIO_FFMPEG") ?? "/usr/bin/ffmpeg";

export interface TrackInput {
  /** A file ffmpeg can read. */
  path: string;
  /** Where the track starts, in ms from the recording's start. */
  offsetMs: number;
}

export interface MixOutput {
  /** Ogg/Opus, for Chrome, Firefox, Android. */
  opus: string;
  /** MP4/AAC, for Safari. */
  aac: string;
}

async function ffmpeg(args: string[]): Promise<void> {
  const out = await new Deno.Command(FFMPEG, {
    args: ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", ...args],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(`ffmpeg failed (${out.code}): ${new TextDecoder().decode(out.stderr).trim().slice(-600)}`);
  }
}

const encoders = (label: string, out: MixOutput) => [
  "-map",
  `[${label}o]`,
  "-c:a",
  "libopus",
  "-b:a",
  "48k",
  "-ac",
  "1",
  "-f",
  "ogg",
  out.opus,
  "-map",
  `[${label}a]`,
  "-c:a",
  "aac",
  "-b:a",
  "96k",
  "-ac",
  "1",
  "-movflags",
  "+faststart",
  "-f",
  "mp4",
  out.aac,
];

/**
 * Mixes `tracks` into `out`. A gap inside a track (a muted speaker sends no packets) becomes
 * silence (`aresample=async`), so everything after it stays at its time. `fromMs` drops the start
 * (a host's trim); `durationMs` bounds the end. `untilMs` is where the Space (or the moment of a
 * live clip) ends: silence after the last voice is kept up to there, so a replay lasts as long as
 * its Space and a clip of the last 30 s lasts 30 s even if nobody spoke at its end.
 */
export async function mix(
  tracks: TrackInput[],
  out: MixOutput,
  opts: { fromMs?: number; durationMs?: number; untilMs?: number } = {},
): Promise<void> {
  if (!tracks.length) throw new Error("nothing to mix: no track was recorded");
  const inputs = tracks.flatMap((t) => ["-i", t.path]);
  const chains = tracks.map((t, i) => {
    const delay = Math.max(0, Math.round(t.offsetMs));
    return `[${i}:a]aresample=48000:async=1:first_pts=0,aformat=channel_layouts=mono,adelay=${delay}:all=1[t${i}]`;
  });
  const joined = tracks.map((_, i) => `[t${i}]`).join("");
  const mixed = tracks.length === 1
    ? `${joined}anull[m]`
    : `${joined}amix=inputs=${tracks.length}:normalize=0:dropout_transition=0[m]`;
  const fromMs = opts.fromMs ?? 0;
  const bound = opts.durationMs ? `:duration=${opts.durationMs / 1000}` : "";
  // Silence up to where the Space ended (never cutting a voice that runs later than that).
  const least = opts.untilMs === undefined ? 0 : Math.min(opts.durationMs ?? Infinity, opts.untilMs - fromMs);
  const pad = least > 0 ? `,apad=whole_dur=${least / 1000}` : "";
  const cut = `[m]atrim=start=${fromMs / 1000}${bound},asetpts=PTS-STARTPTS${pad},asplit=2[ro][ra]`;
  await ffmpeg([...inputs, "-filter_complex", [...chains, mixed, cut].join(";"), ...encoders("r", out)]);
}

/** Cuts `durationMs` from `fromMs` of a replay into a clip (both formats), re-encoded so it starts where asked. */
export async function cut(source: string, out: MixOutput, fromMs: number, durationMs: number): Promise<void> {
  await ffmpeg([
    "-i",
    source,
    "-filter_complex",
    `[0:a]atrim=start=${fromMs / 1000}:duration=${durationMs / 1000},asetpts=PTS-STARTPTS,asplit=2[co][ca]`,
    ...encoders("c", out),
  ]);
}

/** A file's duration in ms, as ffmpeg decodes it. */
export async function durationMs(path: string): Promise<number> {
  return (await levels(path, 10)).length * 10;
}

/**
 * The loudness of a file, decoded by ffmpeg to 8 kHz mono: RMS (0..1) per `windowMs`. What a test
 * uses to find where a tone plays and where it is silent.
 */
export async function levels(path: string, windowMs = 50): Promise<number[]> {
  const out = await new Deno.Command(FFMPEG, {
    args: ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", path, "-f", "s16le", "-ac", "1", "-ar", "8000", "-"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(`ffmpeg could not decode ${path}: ${new TextDecoder().decode(out.stderr).slice(-300)}`);
  }
  const pcm = new Int16Array(out.stdout.buffer, out.stdout.byteOffset, Math.floor(out.stdout.byteLength / 2));
  const per = Math.round((8000 * windowMs) / 1000);
  const rms: number[] = [];
  for (let i = 0; i + per <= pcm.length; i += per) {
    let sum = 0;
    for (let j = i; j < i + per; j++) sum += (pcm[j] / 32768) ** 2;
    rms.push(Math.sqrt(sum / per));
  }
  return rms;
}

/** Where the sound is on: [startMs, endMs) intervals of windows louder than `threshold`. */
export function soundIntervals(rms: number[], windowMs = 50, threshold = 0.02): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  rms.forEach((v, i) => {
    if (v >= threshold && start < 0) start = i;
    if (v < threshold && start >= 0) {
      out.push([start * windowMs, i * windowMs]);
      start = -1;
    }
  });
  if (start >= 0) out.push([start * windowMs, rms.length * windowMs]);
  return out;
}
