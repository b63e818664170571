// Installs what Spazio needs on a fresh machine of this kind (Debian 12 + Node + npm), each step
// skipped when already done: npm packages, Debian's Chromium, Firefox ESR and Caddy (tests only), ffmpeg and coturn, the
// mediasoup worker built from source (cached outside the repo), and the island bundles.
import { existsSync } from "node:fs";

export interface SetupOptions {
  /** Also install Debian's Chromium and Firefox ESR, for browser tests. */
  browser?: boolean;
}

export async function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd: opts.cwd, env: opts.env, stdout: "piped", stderr: "inherit" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  if (out.code !== 0) {
    console.error(text);
    throw new Error(`${cmd} ${args.join(" ")} failed with exit code ${out.code}`);
  }
  return text;
}

function step(what: string) {
  console.error(`[setup] ${what}`);
}

async function npmPackages() {
  const stamp = "node_modules/.package-lock.json";
  if (existsSync(stamp) && Deno.statSync(stamp).mtime! >= Deno.statSync("package-lock.json").mtime!) return;
  step("installing npm packages (npm ci)");
  await run("npm", ["ci", "--no-audit", "--no-fund"]);
}

async function chromium() {
  // The emoji font lets screenshots show reactions as people see them.
  if (existsSync("/usr/bin/chromium") && existsSync("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")) return;
  step("installing Debian's Chromium (apt-get)");
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  await run("apt-get", ["update"], { env });
  await run("apt-get", [
    "install",
    "-y",
    "--no-install-recommends",
    "chromium",
    "fonts-dejavu-core",
    "fonts-noto-color-emoji",
  ], { env });
}

/**
 * Debian's Firefox ESR, for the Firefox media tests (tests/firefox_e2e_test.ts, driven by
 * puppeteer-core over WebDriver BiDi): Spazio's media has to work in Firefox too.
 */
async function firefox() {
  if (existsSync("/usr/bin/firefox-esr")) return;
  step("installing Debian's Firefox ESR (apt-get), for the Firefox tests");
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  await run("apt-get", ["update"], { env });
  await run("apt-get", ["install", "-y", "--no-install-recommends", "firefox-esr"], { env });
}

/**
 * Debian's ffmpeg records Spaces and mixes their replays. The tests need it; `start` tries to
 * install it and, where it cannot (no root, no network), starts without recording.
 */
async function ffmpeg(required: boolean) {
  if (existsSync("/usr/bin/ffmpeg")) return;
  step("installing Debian's ffmpeg (apt-get), for recordings");
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  try {
    await run("apt-get", ["update"], { env });
    await run("apt-get", ["install", "-y", "--no-install-recommends", "ffmpeg"], { env });
  } catch (err) {
    if (required) throw err;
    console.error(`[setup] ffmpeg could not be installed (${(err as Error).message}): Spaces will not be recorded`);
  }
}

/**
 * Debian's coturn, the TURN relay (deploy/turnserver.conf): the tests start one of their own
 * (tests/turn_e2e_test.ts). Debian's package enables a system service on its stock configuration,
 * which relays for anyone: that service is switched off, so only a configured relay ever runs.
 */
async function coturn(required: boolean) {
  if (existsSync("/usr/bin/turnserver")) return;
  step("installing Debian's coturn (apt-get), the TURN relay");
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  try {
    await run("apt-get", ["update"], { env });
    await run("apt-get", ["install", "-y", "--no-install-recommends", "coturn"], { env });
    if (existsSync("/run/systemd/system")) await run("systemctl", ["disable", "--now", "coturn.service"]);
  } catch (err) {
    if (required) throw err;
    console.error(`[setup] coturn could not be installed (${(err as Error).message}): no TURN relay on this machine`);
  }
}

/**
 * Live captions (sfu/captions/): Debian's pocketsphinx library with its English model, the engine
 * every machine has; espeak-ng speaks the known sentences of the captions test and bench. And the
 * libvosk.so inside the npm package `vosk` (fetched with `npm pack`, no install scripts: its own
 * binding needs ffi-napi, which does not build on Node 20), for operators who name Vosk models.
 */
async function captions(required: boolean) {
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  const debs = ["pocketsphinx-en-us", "libpocketsphinx3", "espeak-ng"];
  if (!existsSync("/usr/share/pocketsphinx/model/en-us/en-us.lm.bin") || !existsSync("/usr/bin/espeak-ng")) {
    step("installing Debian's pocketsphinx English model and espeak-ng (apt-get), for live captions");
    try {
      await run("apt-get", ["update"], { env });
      await run("apt-get", ["install", "-y", "--no-install-recommends", ...debs], { env });
    } catch (err) {
      if (required) throw err;
      console.error(`[setup] pocketsphinx could not be installed (${(err as Error).message}): no English captions`);
    }
  }
  const dir = `${Deno.env.get("HOME")}/.cache/spazio/vosk-0.3.39`;
  if (existsSync(`${dir}/libvosk.so`)) return;
  step("unpacking libvosk.so from the npm package vosk@0.3.39 (for operators' Vosk models)");
  try {
    await Deno.mkdir(dir, { recursive: true });
    const tgz = (await run("npm", ["pack", "vosk@0.3.39", "--silent", "--pack-destination", dir])).trim().split("\n")
      .pop()!;
    await run("tar", [
      "-xzf",
      `${dir}/${tgz}`,
      "-C",
      dir,
      "--strip-components=3",
      "package/lib/linux-x86_64/libvosk.so",
    ]);
    await Deno.remove(`${dir}/${tgz}`);
  } catch (err) {
    console.error(`[setup] libvosk.so could not be fetched (${(err as Error).message}): Vosk models unusable`);
  }
}

/**
 * Debian's Caddy, the TLS front of docs/deploy.md (deploy/Caddyfile): the multi-host test
 * (tests/multihost_test.ts) runs it in front of the web, the party server and the SFU. Like
 * coturn's, the package's stock service (a default site on port 80) is switched off.
 */
async function caddy(required: boolean) {
  if (existsSync("/usr/bin/caddy")) return;
  step("installing Debian's caddy (apt-get), the TLS front of the multi-host test");
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  try {
    await run("apt-get", ["update"], { env });
    await run("apt-get", ["install", "-y", "--no-install-recommends", "caddy"], { env });
    if (existsSync("/run/systemd/system")) await run("systemctl", ["disable", "--now", "caddy.service"]);
  } catch (err) {
    if (required) throw err;
    console.error(`[setup] caddy could not be installed (${(err as Error).message})`);
  }
}

/** Builds (or finds in the cache) the mediasoup worker and installs the SFU's packages. */
async function sfu(): Promise<string | undefined> {
  if (!existsSync("scripts/setup-sfu.sh")) return undefined;
  step("mediasoup worker and SFU packages (cached after the first build)");
  const out = await run("bash", ["scripts/setup-sfu.sh"]);
  const bin = out.trim().split("\n").pop()?.trim();
  if (!bin || !existsSync(bin)) throw new Error(`setup-sfu.sh did not print a worker path (got ${bin})`);
  return bin;
}

async function islands() {
  step("building island bundles");
  // A new process: this one started before node_modules existed on a fresh machine, and Deno
  // does not look for npm packages that appeared after it started.
  await run(Deno.execPath(), ["run", "-A", "scripts/build.ts"]);
}

export async function setup(opts: SetupOptions = {}): Promise<{ workerBin?: string }> {
  await npmPackages();
  if (opts.browser) await chromium();
  if (opts.browser) await firefox();
  await ffmpeg(!!opts.browser);
  await coturn(!!opts.browser);
  if (opts.browser) await caddy(true);
  await captions(!!opts.browser);
  const workerBin = await sfu();
  await islands();
  return { workerBin };
}

if (import.meta.main) await setup({ browser: Deno.args.includes("--browser") });
