// Starts the Spazio web app in this process on a free port with a fresh KV file, for tests.
// The island build must exist (the test runner builds it once; `deno task build` by hand).
import { createApp, createDeps } from "../../app.tsx";
import { loadConfig } from "../../lib/server/config.ts";
import type { Deps } from "../../lib/server/http/env.ts";

export interface WebServer {
  /** http://localhost:PORT: WebAuthn needs a host name, not an IP address. */
  url: string;
  port: number;
  deps: Deps;
  kvPath: string;
  close(): Promise<void>;
}

export async function startWeb(env: Record<string, string> = {}): Promise<WebServer> {
  const dir = await Deno.makeTempDir({ prefix: "spazio-test-" });
  const kvPath = `${dir}/spazio.kv`;
  const config = { ...loadConfig(), kvPath, port: 0, ...parseEnv(env) };
  const deps = await createDeps(config);
  const app = createApp(deps);
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  const port = server.addr.port;
  return {
    url: `http://localhost:${port}`,
    port,
    deps,
    kvPath,
    async close() {
      await server.shutdown();
      deps.kv.close();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

function parseEnv(env: Record<string, string>) {
  const out: Record<string, string> = {};
  if (env.partyUrl) out.partyUrl = out.partyPublicUrl = env.partyUrl;
  if (env.sfuUrl) out.sfuUrl = out.sfuPublicUrl = env.sfuUrl;
  return out;
}

/** A same-origin browser-like request: what the site's own pages send. */
export function sameOrigin(
  web: WebServer,
  init: RequestInit & { cookie?: string } = {},
): RequestInit {
  const headers = new Headers(init.headers);
  headers.set("origin", web.url);
  headers.set("sec-fetch-site", "same-origin");
  if (init.cookie) headers.set("cookie", init.cookie);
  if (init.body && !headers.has("content-type")) headers.set("content-type", "application/json");
  return { ...init, headers };
}
