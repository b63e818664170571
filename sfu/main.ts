// Starts the SFU: `tsx sfu/main.ts` (settings from the environment, see config.ts).
// mediasoup reads MEDIASOUP_WORKER_BIN when first imported, hence the dynamic import below.
import { configFromEnv, type SfuConfig } from "./config.ts";
import { ensureWorkerBinEnv } from "./worker-bin.ts";
import { useStructuredLogs } from "../lib/protocol/log.ts";
import { isProduction } from "../lib/protocol/production.ts";

// Production logs one JSON line per event (lib/protocol/log.ts), the refusal of bad settings too.
if (isProduction(process.env)) useStructuredLogs("sfu");

let config: SfuConfig;
try {
  config = configFromEnv();
} catch (err) {
  // A setting that cannot work: one clear message, no stack, a non-zero exit.
  console.error((err as Error).message);
  process.exit(1);
}
const bin = ensureWorkerBinEnv();
const { SfuServer } = await import("./server.ts");
const server = await SfuServer.create(config);
const internal = server.internalPort === undefined
  ? "control /control/* and /internal/* on the same port"
  : `control /control/* and /internal/* on http://${config.internalHost}:${server.internalPort}`;
const media = [
  config.announcedIp ?? config.listenIp,
  ...config.listenIps.slice(1),
].join(", ");
const mode = config.production ? ", production mode" : "";
console.log(
  `sfu listening on http://${config.host}:${server.port} (ws /ws, /healthz), ${internal}, ` +
    `${config.workers} worker(s), media on ${media} ` +
    `ports ${config.rtcMinPort}-${config.rtcMaxPort}, worker ${bin}${mode}`,
);

// A stop tells every peer 1012 (service restart) so that browsers reconnect instead of showing
// the end of their Space; see SfuServer.close.
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close().finally(() => process.exit(0));
  });
}
