// `deno task party`: the party rooms as production runs them when self-hosted, without the
// PartyKit dev server (which opens a debugger on 0.0.0.0:9229, a second port on 0.0.0.0, and puts
// `--var` secrets on its command line). It bundles partykit.json's parties behind PartyKit's own
// facade (the installed package's dist/generated.js, which turns a Party.Server class into a
// Durable Object with rooms, connections, hibernation and /parties/<party>/<id> routing), writes
// a workerd config beside the bundle, and runs workerd (the runtime Cloudflare runs) on it:
// - one listening socket, on SPAZIO_PARTY_HOST (default 127.0.0.1) : SPAZIO_PARTY_PORT (1999);
// - no inspector (workerd opens one only when asked with --inspector-addr);
// - rooms kept on disk under SPAZIO_PARTY_PERSIST (default ./data/party), in the same layout as
//   `partykit dev --persist` uses, so rooms stored by the dev server carry over;
// - every setting the rooms read reaches them through the environment (workerd `fromEnvironment`
//   bindings), secrets also from `<NAME>_FILE`; nothing secret is on any command line.
// In production mode (lib/protocol/production.ts) it refuses to start on missing, published or
// short secrets, naming the variable.
//
// Flags: `--build-only` writes the bundle and config and exits; `--out <dir>` puts them somewhere
// other than _build/party/ (the tests give each server its own).
import { resolve } from "node:path";
import { DEFAULT_PARTY_PORT } from "../lib/protocol/defaults.ts";
import {
  assertProductionSecrets,
  isProduction,
  ProductionError,
  SECRETS,
  secretsFromFiles,
} from "../lib/protocol/production.ts";
import { useStructuredLogs } from "../lib/protocol/log.ts";
import { eachLine, workerdLines } from "./party_log.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const PARTYKIT_DIST = `${ROOT}node_modules/partykit/dist`;
const ESBUILD = `${ROOT}node_modules/.bin/esbuild`;
const WORKERD = `${ROOT}node_modules/.bin/workerd`;

/** Every setting the rooms read (party/shared/config.ts), passed as PartyKit vars. */
export const PARTY_VARS = [
  "SPAZIO_ROOM_SECRET",
  "SPAZIO_SERVER_SECRET",
  "SPAZIO_WEB_URL",
  "SPAZIO_SFU_URL",
  "SPAZIO_SFU_PEERS",
  "SPAZIO_PARTY_URL",
  "SPAZIO_ALLOWED_ORIGINS",
  "SPAZIO_AUDIENCE_SHARD_SIZE",
  "SPAZIO_CLIENT_IP_HEADER",
] as const;

type PartykitJson = { main: string; parties: Record<string, string>; compatibilityDate: string };

/** Where to listen and keep rooms, from the environment. */
export function settings(env: Record<string, string | undefined>) {
  const host = env.SPAZIO_PARTY_HOST?.trim() || "127.0.0.1";
  const port = Number(env.SPAZIO_PARTY_PORT?.trim() || DEFAULT_PARTY_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ProductionError(`SPAZIO_PARTY_PORT must be a port number (1-65535), not ${env.SPAZIO_PARTY_PORT}.`);
  }
  const persistDir = resolve(env.SPAZIO_PARTY_PERSIST?.trim() || "./data/party");
  return { host, port, persistDir };
}

/** host:port as workerd and URLs write it (an IPv6 address in brackets). */
const hostPort = (host: string, port: number) => `${host.includes(":") ? `[${host}]` : host}:${port}`;

/** The oldest of partykit.json's compatibility date and the installed workerd's, as partykit does. */
async function compatibilityDate(wanted: string): Promise<string> {
  const out = await new Deno.Command(WORKERD, { args: ["--version"], stdout: "piped", stderr: "null" }).output();
  const runtime = new TextDecoder().decode(out.stdout).match(/\d{4}-\d{2}-\d{2}/)?.[0];
  return runtime && runtime < wanted ? runtime : wanted;
}

/**
 * Bundles the parties behind PartyKit's facade, the way `partykit dev` and `partykit deploy` do:
 * the facade's placeholders name the main party and each named party (exported as `<name>DO`),
 * with the same esbuild conditions. Node built-ins stay imports that workerd's nodejs_compat
 * provides; the static-assets manifest is a module of the config (this server serves no assets).
 */
async function bundle(config: PartykitJson, outDir: string, listen: string) {
  const facade = await Deno.readTextFile(`${PARTYKIT_DIST}/generated.js`);
  const parties = Object.entries(config.parties).map(([name, path]) =>
    `import ${name} from "./${path}";\nexport const ${name}DO = createDurable(${name}, { name: "${name}" });\n` +
    `Workers["${name}"] = ${name};\n`
  ).join("\n");
  const entry = facade
    .replace("__WORKER__", `./${config.main}`)
    .replace("__R2_BINDINGS__", "[]")
    .replace("__KV_BINDINGS__", "[]")
    .replace("__PARTIES__", parties);
  const child = new Deno.Command(ESBUILD, {
    args: [
      "--bundle",
      "--format=esm",
      "--target=esnext",
      "--conditions=partykit,workerd,worker",
      "--external:__STATIC_ASSETS_MANIFEST__",
      "--external:node:*",
      `--define:PARTYKIT_HOST=${JSON.stringify(listen)}`,
      // Only PartyKit's hosted AI and vectorize clients call it; self-hosted rooms use neither.
      `--define:PARTYKIT_API_BASE=""`,
      "--sourcefile=party-facade.js",
      `--outfile=${outDir}/party.js`,
      "--log-level=warning",
    ],
    cwd: ROOT,
    stdin: "piped",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(entry));
  await writer.close();
  if (!(await child.status).success) throw new Error("party: esbuild could not bundle the parties (see above)");
  await Deno.writeTextFile(`${outDir}/assets_manifest.js`, `export default { assets: {} };\n`);
}

/** The workerd config (capnp text): one worker, its Durable Objects on disk, one socket. */
export function workerdConfig(
  o: { parties: string[]; compatibilityDate: string; listen: string; storageDir: string; vars: string[] },
): string {
  const classes = ["PartyKitDurable", ...o.parties.map((p) => `${p}DO`)];
  const q = JSON.stringify;
  return `# Written by scripts/party_server.ts; edits are overwritten at the next start.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "party", worker = .partyWorker),
    (name = "party-storage", disk = (path = ${q(o.storageDir)}, writable = true)),
    # The rooms post to the web and the SFUs, often on this host or a private network.
    (name = "internet", network = (allow = ["public", "private", "local"], tlsOptions = (trustBrowserCas = true))),
  ],
  sockets = [(name = "http", address = ${q(o.listen)}, http = (), service = "party")],
);

const partyWorker :Workerd.Worker = (
  compatibilityDate = ${q(o.compatibilityDate)},
  compatibilityFlags = ["nodejs_compat"],
  modules = [
    (name = "party.js", esModule = embed "party.js"),
    (name = "__STATIC_ASSETS_MANIFEST__", esModule = embed "assets_manifest.js"),
  ],
  # uniqueKey "-<class>": the folder names \`partykit dev --persist\` uses.
  durableObjectNamespaces = [
${classes.map((c) => `    (className = ${q(c)}, uniqueKey = ${q(`-${c}`)}),`).join("\n")}
  ],
  durableObjectStorage = (localDisk = "party-storage"),
  bindings = [
    (name = "PARTYKIT_DURABLE", durableObjectNamespace = "PartyKitDurable"),
${o.parties.map((p) => `    (name = ${q(p)}, durableObjectNamespace = ${q(`${p}DO`)}),`).join("\n")}
    (name = "PARTYKIT_CRONS", json = "{}"),
${o.vars.map((v) => `    (name = ${q(`pkvar-${v}`)}, fromEnvironment = ${q(v)}),`).join("\n")}
  ],
);
`;
}

/**
 * Builds into `outDir` and returns the config's path. `vars` are the settings the environment
 * will hold: only those are bound, because PartyKit's facade takes every binding it does not know
 * for a party and fails on the null an unset `fromEnvironment` gives.
 */
export async function build(outDir: string, listen: string, storageDir: string, vars: string[]): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}partykit.json`)) as PartykitJson;
  await Deno.mkdir(outDir, { recursive: true });
  await bundle(config, outDir, listen);
  const text = workerdConfig({
    parties: Object.keys(config.parties),
    compatibilityDate: await compatibilityDate(config.compatibilityDate),
    listen,
    storageDir,
    vars,
  });
  await Deno.writeTextFile(`${outDir}/workerd.capnp`, text);
  return `${outDir}/workerd.capnp`;
}

/** The parent's pid, read afresh (Linux); undefined elsewhere, where the check is skipped. */
function parentPid(): number | undefined {
  try {
    const stat = Deno.readTextFileSync("/proc/self/stat");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** Resolves once something accepts connections at host:port, or rejects when workerd exits. */
async function listening(host: string, port: number, exited: Promise<Deno.CommandStatus>) {
  let gone = false;
  exited.then(() => gone = true);
  const target = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  for (;;) {
    if (gone) throw new Error("workerd exited before listening");
    try {
      (await Deno.connect({ hostname: target, port })).close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function main() {
  const args = Deno.args;
  // Production logs one JSON line per event (lib/protocol/log.ts): this script's and workerd's.
  const production = isProduction(Deno.env.toObject());
  if (production) useStructuredLogs("party");
  const outDir = resolve(args.includes("--out") ? args[args.indexOf("--out") + 1] : `${ROOT}_build/party`);
  let env: Record<string, string | undefined>;
  let where: ReturnType<typeof settings>;
  try {
    env = secretsFromFiles(Deno.env.toObject(), Object.keys(SECRETS), (p) => Deno.readTextFileSync(p));
    assertProductionSecrets(env, "The party server");
    where = settings(env);
  } catch (err) {
    if (!(err instanceof ProductionError)) throw err;
    console.error(err.message);
    Deno.exit(78); // EX_CONFIG
  }
  const listen = hostPort(where.host, where.port);
  const storageDir = `${where.persistDir}/party`;

  // The rooms call each other (a Space and its audience shards) at this server's own address;
  // a page's Origin is checked against the public URL's when no list is given.
  const local = where.host === "0.0.0.0" ? "127.0.0.1" : where.host === "::" ? "::1" : where.host;
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  childEnv.SPAZIO_PARTY_URL ||= `http://${hostPort(local, where.port)}`;
  if (!childEnv.SPAZIO_ALLOWED_ORIGINS?.trim() && childEnv.SPAZIO_PUBLIC_URL?.trim()) {
    childEnv.SPAZIO_ALLOWED_ORIGINS = new URL(childEnv.SPAZIO_PUBLIC_URL.trim()).origin;
  }
  childEnv.PWD = outDir;
  const vars = PARTY_VARS.filter((v) => childEnv[v]?.trim());

  const configPath = await build(outDir, listen, storageDir, vars);
  if (args.includes("--build-only")) {
    console.log(`party: built ${configPath}`);
    return;
  }
  await Deno.mkdir(storageDir, { recursive: true });
  // workerd must not outlive this script (an orphan keeps the port and the rooms' files): on
  // Linux, setpriv asks the kernel to kill it when this process ends, however it ends.
  const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((p) => {
    try {
      return Deno.statSync(p).isFile;
    } catch {
      return false;
    }
  });
  const workerdArgs = ["serve", "--experimental", configPath];
  const child = new Deno.Command(setpriv ?? WORKERD, {
    args: setpriv ? ["--pdeathsig", "KILL", WORKERD, ...workerdArgs] : workerdArgs,
    cwd: outDir,
    env: childEnv,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // workerd's lines, without its harmless disconnect errors, as log lines in production
  // (scripts/party_log.ts); each to the stream workerd wrote it on.
  const sinks = { stdout: Deno.stdout, stderr: Deno.stderr };
  for (const stream of ["stdout", "stderr"] as const) {
    const write = (line: string) => void sinks[stream].writeSync(new TextEncoder().encode(line + "\n"));
    eachLine(child[stream], workerdLines(stream, { production, write })).catch(() => {});
  }
  const end = (signal: Deno.Signal) => {
    try {
      child.kill(signal);
    } catch { /* already gone */ }
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      end("SIGTERM");
      // workerd waits for open connections to finish; a stop should not wait for browsers.
      setTimeout(() => end("SIGKILL"), 3_000);
    });
  }
  // This script ends with whatever started it (a supervisor, a test): once it is adopted by
  // another parent, nobody will stop it.
  const parent = parentPid();
  setInterval(() => {
    if (parentPid() !== parent) end("SIGKILL");
  }, 1_000);
  await listening(where.host, where.port, child.status).then(
    () => console.log(`party: listening on http://${listen} (workerd; rooms stored in ${storageDir})`),
    () => {},
  );
  const status = await child.status;
  Deno.exit(status.code || (status.signal ? 0 : 1));
}

if (import.meta.main) await main();
