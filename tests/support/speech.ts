// Known speech for the captions test and bench: espeak-ng (Debian) speaking a sentence.

/** espeak-ng's voice (a Klatt variant the embedded model reads best) of `text`, then `pad` s of silence, as Chromium's fake microphone wants it. */
export async function speechWav(text: string, pad = 3): Promise<string> {
  const raw = await Deno.makeTempFile({ suffix: ".wav" });
  const wav = await Deno.makeTempFile({ suffix: ".wav" });
  const run = async (cmd: string, args: string[]) => {
    const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).output();
    if (!out.success) throw new Error(`${cmd} failed: ${new TextDecoder().decode(out.stderr)}`);
  };
  await run("espeak-ng", ["-v", "en-us+klatt", "-s", "140", "-w", raw, text]);
  await run("ffmpeg", [
    "-loglevel",
    "error",
    "-y",
    "-i",
    raw,
    "-af",
    `apad=pad_dur=${pad}`,
    "-ar",
    "48000",
    "-ac",
    "1",
    wav,
  ]);
  await Deno.remove(raw);
  return wav;
}
