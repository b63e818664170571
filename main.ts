// The web server's entry point: `deno run -A main.ts` (deno task start runs every process).
import { type Config, loadConfig } from "./lib/server/config.ts";
import { createApp, createDeps } from "./app.tsx";
import { isProduction, ProductionError } from "./lib/protocol/production.ts";
import { useStructuredLogs } from "./lib/protocol/log.ts";
import { startRecordingJobs } from "./lib/server/recordings/deps.ts";

// Production logs one JSON line per event (lib/protocol/log.ts), the refusal of bad settings too.
if (isProduction(Deno.env.toObject())) useStructuredLogs("web");

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  // A setting that cannot work: one clear message, no stack, a non-zero exit.
  console.error(err instanceof ProductionError || err instanceof Error ? err.message : String(err));
  Deno.exit(1);
}
const deps = await createDeps(config);
const app = createApp(deps);
await startRecordingJobs(deps);
const server = Deno.serve({
  port: config.port,
  hostname: config.hostname,
  onListen: ({ hostname, port }) =>
    console.log(
      `Spazio web listening on http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}` +
        (config.publicUrl ? ` (public URL ${config.publicUrl})` : "") + (config.production ? ", production mode" : ""),
    ),
}, app.fetch);

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(sig, async () => {
    await server.shutdown();
    deps.kv.close();
    Deno.exit(0);
  });
}
