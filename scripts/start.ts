// `deno task start`: installs what is missing, then starts every Spazio process with embedded
// defaults (the PartyKit dev server, the SFU, the web server) and prints the URL.
import { existsSync } from "node:fs";
import {
  DEFAULT_PARTY_PORT,
  DEFAULT_SFU_PORT,
  DEFAULT_WEB_PORT,
  DEV_ROOM_SECRET,
  DEV_SERVER_SECRET,
} from "../lib/protocol/defaults.ts";
import { setup } from "./setup.ts";

const { workerBin } = await setup();
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
};

const children: Deno.ChildProcess[] = [];

function spawn(name: string, cmd: string, args: string[], extraEnv: Record<string, string> = {}, cwd?: string) {
  const child = new Deno.Command(cmd, {
    args,
    cwd,
    env: { ...env, ...shared, ...extraEnv },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  for (const stream of [child.stdout, child.stderr]) {
    stream.pipeThrough(new TextDecoderStream()).pipeTo(
      new WritableStream({
        write(chunk) {
          for (const line of chunk.split("\n")) if (line.trim()) console.log(`[${name}] ${line}`);
        },
      }),
    );
  }
  child.status.then((s) => {
    console.error(`[${name}] exited with code ${s.code}; stopping Spazio`);
    stopAll(1);
  });
  children.push(child);
}

let stopping = false;
function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  for (const c of children) {
    try {
      c.kill("SIGTERM");
    } catch { /* already gone */ }
  }
  setTimeout(() => Deno.exit(code), 500);
}
Deno.addSignalListener("SIGINT", () => stopAll(0));
Deno.addSignalListener("SIGTERM", () => stopAll(0));

if (existsSync("partykit.json")) {
  const vars = Object.entries(shared).flatMap(([k, v]) => ["--var", `${k}=${v}`]);
  spawn("party", "node_modules/.bin/partykit", [
    "dev", "--port", String(partyPort), "--persist", env.SPAZIO_PARTY_PERSIST ?? "./data/party",
    "--disable-request-cf-fetch", "--no-hotkeys", ...vars,
  ]);
}
if (existsSync("sfu/main.ts") && workerBin) {
  spawn("sfu", "node", ["--import", "tsx", "main.ts"], { MEDIASOUP_WORKER_BIN: workerBin, SPAZIO_SFU_PORT: String(sfuPort) }, "sfu");
}
spawn("web", Deno.execPath(), ["run", "-A", "main.ts"], { SPAZIO_PORT: String(webPort) });
console.log(`\nSpazio is starting: open http://localhost:${webPort}\n`);
