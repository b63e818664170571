// `deno task start [--only web,party,sfu] [--no-setup]`: installs what is missing, then starts
// Spazio's processes (the party rooms, the SFU, the web server) with embedded defaults and prints
// the URL. Every setting given in the environment is used as given: the defaults only fill what is
// unset, so the same command runs one part of a deployment (`--only sfu`) with that host's
// settings. It supervises what it started: one that exits is restarted with a backoff; Ctrl-C or
// SIGTERM stops them all. In production mode (SPAZIO_ENV=production or an https SPAZIO_PUBLIC_URL)
// it refuses to start with a development or short secret, naming the variable.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DEFAULT_PARTY_PORT, DEFAULT_SFU_PORT, DEFAULT_WEB_PORT } from "../lib/protocol/defaults.ts";
import { DEFAULT_ALLOWED_ORIGINS } from "../lib/protocol/origin.ts";
import { machineListenIps } from "../lib/protocol/sfu_listen.ts";
import { assertProductionSecrets, isProduction, secretsFromFiles } from "../lib/protocol/production.ts";
import { setup } from "./setup.ts";
import { Supervisor } from "./supervisor.ts";

const PARTS = ["party", "sfu", "web"] as const;
type Part = typeof PARTS[number];

function parseOnly(args: string[]): Set<Part> {
  const i = args.findIndex((a) => a === "--only" || a.startsWith("--only="));
  if (i < 0) return new Set(PARTS);
  const value = args[i].includes("=") ? args[i].split("=")[1] : args[i + 1];
  const asked = (value ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = asked.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (asked.length === 0 || unknown.length) {
    console.error(`--only takes a list of ${PARTS.join(", ")}; got "${value ?? ""}"`);
    Deno.exit(2);
  }
  return new Set(asked as Part[]);
}

const only = parseOnly(Deno.args);
let env: Record<string, string>;
try {
  env = secretsFromFiles(
    Deno.env.toObject(),
    ["SPAZIO_ROOM_SECRET", "SPAZIO_SERVER_SECRET"],
    (f) => readFileSync(f, "utf8"),
  ) as Record<string, string>;
  assertProductionSecrets(env, "Spazio");
} catch (err) {
  console.error((err as Error).message);
  Deno.exit(1);
}
const production = isProduction(env);

// `--no-setup`: everything is installed and built already (the tests that restart the stack, and
// production hosts, where the set-up ran once at install time).
const { workerBin } = Deno.args.includes("--no-setup") ? { workerBin: env.MEDIASOUP_WORKER_BIN } : await setup();

const webPort = Number(env.SPAZIO_PORT ?? DEFAULT_WEB_PORT);
const partyPort = Number(env.SPAZIO_PARTY_PORT ?? DEFAULT_PARTY_PORT);
const sfuPort = Number(env.SPAZIO_SFU_PORT ?? DEFAULT_SFU_PORT);
// Defaults for what is unset, so that one machine's three processes find each other; anything the
// environment sets wins.
const defaults: Record<string, string> = {
  SPAZIO_WEB_URL: `http://127.0.0.1:${webPort}`,
  SPAZIO_PARTY_URL: `http://127.0.0.1:${partyPort}`,
  SPAZIO_SFU_URL: `http://127.0.0.1:${sfuPort}`,
  // Live captions (sfu/captions/): on, with Debian's pocketsphinx for English at least.
  SPAZIO_CAPTIONS: "1",
  // One list for the three processes: the Origins whose pages may open rooms and SFU sockets.
  SPAZIO_ALLOWED_ORIGINS: env.SPAZIO_PUBLIC_URL ? new URL(env.SPAZIO_PUBLIC_URL).origin : DEFAULT_ALLOWED_ORIGINS,
};
// In development the SFU's media listens on this machine's own addresses too, not only 127.0.0.1:
// a Firefox on this machine pairs none of its addresses with a loopback candidate, so it would get
// no media at all (lib/protocol/sfu_listen.ts). A deployment names its addresses itself.
if (!production && !env.SPAZIO_SFU_LISTEN_IP && !env.SPAZIO_SFU_ANNOUNCED_IP) {
  defaults.SPAZIO_SFU_LISTEN_IP = machineListenIps(Deno.networkInterfaces()).join(",");
}
const settings: Record<string, string> = {
  ...defaults,
  ...env,
  // One absolute folder for the web and the SFU (whose working folder is sfu/): the SFU writes a
  // recorded Space's tracks there, the web mixes and serves the replay from it.
  SPAZIO_RECORDINGS_DIR: resolve(env.SPAZIO_RECORDINGS_DIR ?? "./data/recordings"),
};

const supervisor = new Supervisor();
let stopping = false;
async function stopAll() {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping Spazio…");
  await supervisor.stop();
  Deno.exit(0);
}
Deno.addSignalListener("SIGINT", () => void stopAll());
Deno.addSignalListener("SIGTERM", () => void stopAll());

const spawn = (name: string, cmd: string, args: string[], extraEnv: Record<string, string> = {}, cwd?: string) =>
  supervisor.add({ name, cmd, args, cwd, env: { ...settings, ...extraEnv } });

if (only.has("party")) {
  // The rooms on workerd (scripts/party_server.ts): bound where told, no inspector, settings from
  // the environment (never argv), rooms kept on disk in SPAZIO_PARTY_PERSIST.
  spawn("party", Deno.execPath(), ["run", "-A", "scripts/party_server.ts"], {
    SPAZIO_PARTY_PORT: String(partyPort),
    SPAZIO_PARTY_PERSIST: env.SPAZIO_PARTY_PERSIST ?? "./data/party",
  });
}
if (only.has("sfu")) {
  if (!workerBin) {
    console.error("The SFU needs the mediasoup worker: run without --no-setup, or set MEDIASOUP_WORKER_BIN.");
    Deno.exit(1);
  }
  spawn("sfu", "node", ["--import", "tsx", "main.ts"], {
    MEDIASOUP_WORKER_BIN: workerBin,
    SPAZIO_SFU_PORT: String(sfuPort),
  }, "sfu");
}
if (only.has("web")) {
  spawn("web", Deno.execPath(), ["run", "-A", "main.ts"], { SPAZIO_PORT: String(webPort) });
  const open = settings.SPAZIO_PUBLIC_URL ??
    `http://${(settings.SPAZIO_HOST ?? "127.0.0.1") === "127.0.0.1" ? "localhost" : settings.SPAZIO_HOST}:${webPort}`;
  console.log(`\nSpazio is starting${production ? " in production mode" : ""}: open ${open}\n`);
} else {
  console.log(`\nSpazio is starting ${[...only].join(", ")}${production ? " in production mode" : ""}\n`);
}
