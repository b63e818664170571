// Requests the rooms refuse leave nothing on disk, as it was found: made-up room ids with
// `POST /parties/audience/<random>.<n>` and `{}` (401) each left a room's SQLite behind (200
// requests: 41 -> 633 entries in the persist folder). workerd makes those files when a room's object
// first wakes, so the refusal must come before: every party gets unsigned POSTs and methods it does
// not take for made-up ids, and the persist folder must be as it was; a Space that a signed request
// creates is stored and kept. The snapshot GET of a Space was public and woke a room too: every GET
// is now signed like the POSTs (spaceSnapshot), and 200 unsigned GETs and POSTs leave the folder as
// it was. (Not covered: a socket with a valid token, which only the web mints, to a room never
// created still wakes one.)
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { audienceRoomId } from "../lib/protocol/space_audience.ts";
import { signRequest } from "../lib/protocol/token.ts";
import { initSpace, newSpaceId, PartyDev, partyTest, roomGet } from "./support/party.ts";
import { CaptureServer } from "./support/party_client.ts";

/** Made-up ids per kind of refusal: enough that one stored room each would show. */
const N = 15;

const web = new CaptureServer();
const dev = await PartyDev.start({ vars: { SPAZIO_SFU_URL: web.url, SPAZIO_WEB_URL: web.url } });

/** Every file under the persist folder, with its size: what the rooms left on disk. */
async function onDisk(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  async function walk(dir: string) {
    for await (const e of Deno.readDir(dir)) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(path);
      else out.set(path.slice(dev.persistDir.length), (await Deno.stat(path)).size);
    }
  }
  await walk(dev.persistDir);
  return out;
}

/** What appeared on disk since `before` (new files; grown ones too). */
function added(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after].filter(([path, size]) => !before.has(path) || before.get(path)! < size).map(([p, s]) =>
    `${p} (${s} B)`
  );
}

const made = () => `zz${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;

async function answer(url: string, init?: RequestInit): Promise<number> {
  const res = await fetch(url, init);
  await res.body?.cancel();
  return res.status;
}

const post = (body: string) => ({ method: "POST", headers: { "content-type": "application/json" }, body });

/** Per party: the refused requests and sockets a made-up id gets, with the status or close code each. */
const refusals: Record<string, (id: string) => Promise<[string, number, number[]]>[]> = {
  space: (id) => [
    answer(`${dev.http}/parties/space/${id}`, post("{}")).then((s) => ["unsigned POST", s, [401]]),
    answer(`${dev.http}/parties/space/${id}`, { method: "PUT", body: "{}" }).then((s) => ["PUT", s, [405]]),
    answer(`${dev.http}/parties/space/${id}`).then((s) => ["unsigned GET", s, [401]]),
    answer(`${dev.http}/parties/space/${id}?reports`).then((s) => ["unsigned GET ?reports", s, [401]]),
    signRequest("not-the-server-secret", "").then((headers) =>
      answer(`${dev.http}/parties/space/${id}`, { headers }).then((s) => ["forged GET", s, [401]])
    ),
  ],
  audience: (id) => [
    answer(`${dev.http}/parties/audience/${audienceRoomId(id, 3)}`, post("{}")).then((s) => [
      "unsigned POST",
      s,
      [401],
    ]),
    answer(`${dev.http}/parties/audience/${audienceRoomId(id, 4)}`).then((s) => ["GET", s, [405]]),
  ],
  call: (id) => [
    answer(`${dev.http}/parties/call/${id}`, post("{}")).then((s) => ["unsigned POST", s, [401]]),
    answer(`${dev.http}/parties/call/${id}`).then((s) => ["GET", s, [405]]),
  ],
  // The default party answers that there is no room here, from the worker.
  main: (id) => [
    answer(`${dev.http}/parties/main/${id}`).then((s) => ["GET", s, [404]]),
    answer(`${dev.http}/parties/main/${id}`, post("{}")).then((s) => ["POST", s, [404]]),
  ],
  user: (id) => [
    answer(`${dev.http}/parties/user/${id}`, post("{}")).then((s) => ["unsigned POST", s, [401]]),
    answer(`${dev.http}/parties/user/${id}`).then((s) => ["GET", s, [405]]),
  ],
};

for (const [party, requests] of Object.entries(refusals)) {
  partyTest(`${party}: refused requests for made-up ids store nothing`, async () => {
    const before = await onDisk();
    for (let i = 0; i < N; i++) {
      for (const [what, got, expected] of await Promise.all(requests(made()))) {
        assert(expected.includes(got), `${party} ${what}: ${got}, expected ${expected.join(" or ")}`);
      }
    }
    // Writes are applied in order with the answers; the files show them once they are answered.
    assertEquals(added(before, await onDisk()), [], `the persist folder grew for refused ${party} requests`);
  });
}

/** Entries (files and folders) under the persist folder: the count the issue watched grow 41 -> 633. */
async function entries(): Promise<number> {
  let n = 0;
  async function walk(dir: string) {
    for await (const e of Deno.readDir(dir)) {
      n++;
      if (e.isDirectory) await walk(`${dir}/${e.name}`);
    }
  }
  await walk(dev.persistDir);
  return n;
}

partyTest(
  "200 unsigned GETs and POSTs to made-up ids: each refused with 401, the persist folder as it was",
  async () => {
    const before = await entries();
    const asFound = (i: number): Promise<Response> =>
      i % 2 ? fetch(`${dev.http}/parties/space/${made()}`) : fetch(
        `${dev.http}/parties/audience/${audienceRoomId(made(), i % 7)}`,
        post("{}"),
      );
    for (let batch = 0; batch < 200; batch += 20) {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => asFound(batch + i)));
      for (const res of answers) {
        const body = await res.json();
        assertEquals([res.status, body.code], [401, "unsigned"], `${res.url}: ${JSON.stringify(body)}`);
      }
    }
    assertEquals(await entries(), before, "entries in the persist folder after 200 refused requests");
  },
);

partyTest("a Space created by a signed request is stored, and kept across a restart", async () => {
  const before = await onDisk();
  const id = newSpaceId("kept");
  await initSpace(dev, id, { sub: "u:keeper01", handle: "keeper", name: "Keeper" });
  const grown = added(before, await onDisk());
  assert(grown.length > 0, "a created Space has its storage");
  // Restarted on the same folder, it is still there.
  await dev.restart();
  const snap = await roomGet(dev, id);
  assertEquals([snap.status, snap.body.space.title], [200, `Space ${id}`]);
  // Its snapshot is for the web only: unsigned, it is refused like any made-up id.
  const bare = await fetch(`${dev.http}/parties/space/${id}`);
  assertEquals([bare.status, (await bare.json()).code], [401, "unsigned"]);
});

Deno.test({
  name: "storage: stop the servers",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await dev.dispose();
    await web.close();
  },
});
