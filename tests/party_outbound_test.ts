// The room's calls to the SFU and the web: signed, retried when the other side fails or is down,
// not retried when it refuses, and never thrown at the room.
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { DEV_SERVER_SECRET } from "../lib/protocol/defaults.ts";
import { verifyRequest } from "../lib/protocol/token.ts";
import { postSigned } from "../party/shared/post.ts";
import { sfuGrant } from "../lib/protocol/internal_api.ts";
import { freePort } from "./support/party.ts";

/** A grant as the room pushes it (the contract is checked before anything goes). */
const grant = (seq: number) => ({
  room: "s_x",
  sub: "u:abcd",
  canSpeak: true,
  muted: false,
  admitted: true,
  video: false,
  seq,
});

/** A server that answers each POST with the next status in `statuses` and records what came. */
function flaky(statuses: number[]) {
  const seen: { signed: boolean; body: string }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const body = await req.text();
    seen.push({ signed: await verifyRequest(DEV_SERVER_SECRET, body, req.headers), body });
    return new Response(null, { status: statuses[seen.length - 1] ?? 200 });
  });
  return {
    url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
    seen,
    server,
  };
}

Deno.test("outbound: a 5xx is retried with a fresh signature until it lands", async () => {
  const sfu = flaky([503, 500, 200]);
  const landed = await postSigned(DEV_SERVER_SECRET, sfuGrant, sfu.url, undefined, grant(1));
  await sfu.server.shutdown();
  assert(landed);
  assertEquals(sfu.seen.length, 3);
  assert(sfu.seen.every((r) => r.signed && JSON.parse(r.body).seq === 1));
});

Deno.test("outbound: a refusal (4xx) is not retried", async () => {
  const sfu = flaky([400]);
  const landed = await postSigned(DEV_SERVER_SECRET, sfuGrant, sfu.url, undefined, grant(0));
  await sfu.server.shutdown();
  assertEquals([landed, sfu.seen.length], [false, 1]);
});

Deno.test("outbound: nobody listening: gives up after a few tries without throwing", async () => {
  const url = `http://127.0.0.1:${freePort()}`;
  assertEquals(await postSigned(DEV_SERVER_SECRET, sfuGrant, url, undefined, grant(0)), false);
});

Deno.test("outbound: given the SFU list, a retry goes to the next SFU when the first is down", async () => {
  const down = `http://127.0.0.1:${freePort()}`;
  const sfu = flaky([200]);
  const landed = await postSigned(DEV_SERVER_SECRET, sfuGrant, [down, sfu.url], undefined, grant(7));
  await sfu.server.shutdown();
  assert(landed);
  assertEquals(sfu.seen.map((r) => [r.signed, JSON.parse(r.body).seq]), [[true, 7]]);
});
