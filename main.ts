// The web server's entry point: `deno run -A main.ts` (deno task start runs every process).
import { loadConfig } from "./lib/server/config.ts";
import { createApp, createDeps } from "./app.tsx";
import { startRecordingJobs } from "./lib/server/recordings/deps.ts";

const config = loadConfig();
const deps = await createDeps(config);
const app = createApp(deps);
await startRecordingJobs(deps);
const server = Deno.serve({
  port: config.port,
  hostname: config.hostname,
  onListen: ({ port }) => console.log(`Spazio web listening on http://localhost:${port}`),
}, app.fetch);

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(sig, async () => {
    await server.shutdown();
    deps.kv.close();
    Deno.exit(0);
  });
}
