// `deno task start`: installs what is missing, then starts every Spazio process with embedded
// defaults (the PartyKit dev server, the SFU, the web server) and prints the URL. It supervises
// them: one that exits is restarted with a backoff; Ctrl-C stops them all.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import {
  DEFAULT_PARTY_PORT,
  DEFAULT_SFU_PORT,
  DEFAULT_WEB_PORT,
  DEV_ROOM_SECRET,
  DEV_SERVER_SECRET,
} from "../lib/protocol/defaults.ts";
import { DEFAULT_ALLOWED_ORIGINS } from "../lib/protocol/origin.ts";
import { setup } from "./setup.ts";
import { Supervisor } from "./supervisor.ts";

// `--no-setup`: everything is installed and built already (the tests that restart the stack).
const { workerBin } = Deno.args.includes("--no-setup")
  ? { workerBin: Deno.env.get("MEDIASOUP_WORKER_BIN") }
  : await setup();
const env = Deno.env.toObject();
const webPort = Number(env.SPAZIO_PORT ?? DEFAULT_WEB_PORT);
const partyPort = Number(env.SPAZIO_PARTY_PORT ?? DEFAULT_PARTY_PORT);
const sfuPort = Number(env.SPAZIO_SFU_PORT ?? DEFAULT_SFU_PORT);
const shared = {
  SPAZIO_ROOM_SECRET: env.SPAZIO_ROOM_SECRET ?? DEV_ROOM_SECRET,
  SPAZIO_SERVER_SECRET: env.SPAZIO_SERVER_SECRET ?? DEV_SERVER_SECRET,
  SPAZIO_WEB_URL: `http://127.0.0.1:${webPort}`,
  SPAZIO_PARTY_URL: `http://127.0.0.1:${partyPort}`,
  SPAZIO_SFU_URL: `http://127.0.0.1:${sfuPort}`,
  // Several SFUs (origin and edges, started elsewhere): the party pushes grants to any of them.
  ...(env.SPAZIO_SFU_PEERS && { SPAZIO_SFU_PEERS: env.SPAZIO_SFU_PEERS }),
  // One absolute folder for the web and the SFU (whose working folder is sfu/): the SFU writes a
  // recorded Space's tracks there, the web mixes and serves the replay from it.
  SPAZIO_RECORDINGS_DIR: resolve(env.SPAZIO_RECORDINGS_DIR ?? "./data/recordings"),
  // One list for the three processes: the Origins whose pages may open rooms and SFU sockets.
  SPAZIO_ALLOWED_ORIGINS: env.SPAZIO_ALLOWED_ORIGINS ??
    (env.SPAZIO_PUBLIC_URL ? new URL(env.SPAZIO_PUBLIC_URL).origin : DEFAULT_ALLOWED_ORIGINS),
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
  supervisor.add({ name, cmd, args, cwd, env: { ...env, ...shared, ...extraEnv } });

if (existsSync("partykit.json")) {
  const vars = Object.entries(shared).flatMap(([k, v]) => ["--var", `${k}=${v}`]);
  spawn("party", "node_modules/.bin/partykit", [
    "dev",
    "--port",
    String(partyPort),
    "--persist",
    env.SPAZIO_PARTY_PERSIST ?? "./data/party",
    "--disable-request-cf-fetch",
    "--no-hotkeys",
    ...vars,
  ]);
}
if (existsSync("sfu/main.ts") && workerBin) {
  spawn("sfu", "node", ["--import", "tsx", "main.ts"], {
    MEDIASOUP_WORKER_BIN: workerBin,
    SPAZIO_SFU_PORT: String(sfuPort),
  }, "sfu");
}
spawn("web", Deno.execPath(), ["run", "-A", "main.ts"], { SPAZIO_PORT: String(webPort) });
console.log(`\nSpazio is starting: open http://localhost:${webPort}\n`);
