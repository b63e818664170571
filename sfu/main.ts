// Starts the SFU: `tsx sfu/main.ts` (settings from the environment, see config.ts).
// mediasoup reads MEDIASOUP_WORKER_BIN when first imported, hence the dynamic import below.
import { configFromEnv } from "./config.ts";
import { ensureWorkerBinEnv } from "./worker-bin.ts";

const config = configFromEnv();
const bin = ensureWorkerBinEnv();
const { SfuServer } = await import("./server.ts");
const server = await SfuServer.create(config);
console.log(
  `sfu listening on http://${config.host}:${server.port} (ws /ws, control /control/*), ` +
    `${config.workers} worker(s), media on ${config.announcedIp ?? config.listenIp}, worker ${bin}`,
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
