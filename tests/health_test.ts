// The health checks a proxy or a load balancer polls: the web's `GET /healthz` says whether it can
// serve (its KV answers), and goes 503 when the KV does not; the party server's `GET /healthz` is
// answered by the worker without waking a room, so polling it leaves nothing in the rooms' storage.
// (The SFU's /healthz has its own tests in sfu/test/surfaces.test.ts.)
import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import { PartyDev } from "./support/party.ts";
import { startWeb } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("the web's /healthz: 200 while its KV answers, 503 once it does not", opts, async () => {
  const web = await startWeb();
  try {
    const up = await fetch(`${web.url}/healthz`);
    assertEquals([up.status, await up.json()], [200, { ok: true, kv: "reachable" }]);
    equal(up.headers.get("cache-control"), "no-store");
    const head = await fetch(`${web.url}/healthz`, { method: "HEAD" });
    await head.body?.cancel();
    equal(head.status, 200);
    // The KV gone (a remote KV unreachable, a store closed under it): the check says so.
    const kv = web.deps.kv;
    const gone = await Deno.openKv(":memory:");
    gone.close();
    web.deps.kv = gone;
    try {
      const down = await fetch(`${web.url}/healthz`);
      assertEquals([down.status, await down.json()], [503, { ok: false, kv: "unreachable" }]);
    } finally {
      web.deps.kv = kv;
    }
  } finally {
    await web.close();
  }
});

/** Every file under a folder: what the rooms left on disk. */
async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) out.push(...(await files(`${dir}/${e.name}`)));
    else out.push(`${dir}/${e.name}`);
  }
  return out.sort();
}

Deno.test("the party server's /healthz answers without waking a room", opts, async () => {
  const party = await PartyDev.start();
  try {
    const before = await files(party.persistDir);
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${party.http}/healthz`);
      assertEquals([res.status, await res.json()], [200, { ok: true }]);
    }
    assertEquals(await files(party.persistDir), before, "a health check left room storage behind");
    // Anything else outside /parties/ is still a plain 404.
    const other = await fetch(`${party.http}/healthz/more`);
    await other.body?.cancel();
    equal(other.status, 404);
  } finally {
    await party.dispose();
  }
});
