// GET /healthz: the web's health for a proxy, a load balancer or systemd's watchdog scripts. Up
// means it can serve pages, which needs Deno KV (sessions, accounts, Spaces): a strongly
// consistent read, bounded, so that a remote KV that hangs shows as down instead of hanging the
// check. It tells nothing else (no version, no settings).
import type { Handlers } from "../lib/server/http/route.ts";

/** How long the KV read may take before the web counts as down. */
const KV_TIMEOUT_MS = 2_000;

async function kvReachable(kv: Deno.Kv): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), KV_TIMEOUT_MS));
  try {
    return await Promise.race([kv.get(["health"], { consistency: "strong" }).then(() => true, () => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

export const handler: Handlers = {
  async GET(c) {
    const kv = await kvReachable(c.get("deps").kv);
    c.header("cache-control", "no-store");
    return c.json({ ok: kv, kv: kv ? "reachable" : "unreachable" }, kv ? 200 : 503);
  },
};
