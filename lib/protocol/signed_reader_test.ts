// The signed reader: every refusal (too big, unsigned, forged, stale, not JSON, not the contract)
// with its status and code, and the two ways a request reaches it (a Request, a string body).
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { callRoom, spaceTimeline } from "./internal_api.ts";
import { readSigned } from "./signed_reader.ts";
import { signRequest } from "./token.ts";

const SECRET = "test-secret";
const NOW = 1_700_000_000_000;

async function request(
  body: string,
  opts: { secret?: string; at?: number; headers?: Record<string, string>; method?: string } = {},
) {
  const signed = await signRequest(opts.secret ?? SECRET, body, opts.at ?? NOW);
  const method = opts.method ?? "POST";
  return new Request("http://party/parties/call/x", {
    method,
    body: method === "GET" ? undefined : body,
    headers: { ...signed, ...opts.headers },
  });
}

Deno.test("reader: refusals keep the statuses and codes every receiver answered with", async (t) => {
  const good = JSON.stringify({ type: "state" });
  const cases: {
    name: string;
    req: () => Promise<Request>;
    status: number;
    code: string;
    message?: string;
  }[] = [
    {
      name: "declared too big",
      req: () => request(good, { headers: { "content-length": "99999" } }),
      status: 413,
      code: "too_big",
    },
    {
      name: "too big once read",
      req: () => request("x".repeat(2_000)),
      status: 413,
      code: "too_big",
    },
    {
      name: "unsigned",
      req: () => Promise.resolve(new Request("http://p/", { method: "POST", body: good })),
      status: 401,
      code: "unsigned",
    },
    {
      name: "bad signature",
      req: () => request(good, { secret: "another-secret" }),
      status: 401,
      code: "unsigned",
    },
    {
      name: "stale timestamp",
      req: () => request(good, { at: NOW - 120_000 }),
      status: 401,
      code: "unsigned",
    },
    {
      name: "from the future",
      req: () => request(good, { at: NOW + 120_000 }),
      status: 401,
      code: "unsigned",
    },
    {
      name: "not JSON",
      req: () => request("{nope"),
      status: 400,
      code: "bad_request",
      message: "Body is not valid JSON.",
    },
    {
      name: "not the contract",
      req: () => request(JSON.stringify({ type: "init", callId: "!" })),
      status: 400,
      code: "bad_request",
    },
    {
      name: "the first issue's path and message",
      req: () =>
        request(
          JSON.stringify({
            type: "init",
            callId: "call-000000001",
            caller: { sub: "u:ann1", handle: "a", name: "A" },
            callee: { sub: 5, handle: "b", name: "B" },
            video: false,
          }),
        ),
      status: 400,
      code: "bad_request",
      message: "callee.sub: Expected string, received number",
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      const read = await readSigned(callRoom, await c.req(), {
        secret: SECRET,
        maxBytes: 1_000,
        now: NOW,
      });
      if (read.ok) throw new Error("read a request that should be refused");
      assertEquals([read.refusal.status, read.refusal.code], [c.status, c.code]);
      if (c.message) assertEquals(read.refusal.message, c.message);
    });
  }
});

Deno.test("reader: a valid request gives its parsed data (defaults filled in)", async () => {
  const body = JSON.stringify({
    type: "init",
    callId: "call-000000001",
    caller: { sub: "u:ann1", handle: "a", name: "A" },
    callee: { sub: "u:bob1", handle: "b", name: "B" },
    video: true,
  });
  const read = await readSigned(callRoom, await request(body), {
    secret: SECRET,
    maxBytes: 10_000,
    now: NOW,
  });
  assertEquals(read.ok && read.data.type === "init" && [read.data.ringMs, read.data.busy], [
    30_000,
    false,
  ]);
});

Deno.test("reader: a body given as a string (the SFU's adapter, Hono's raw request) reads the same", async () => {
  const body = JSON.stringify({ type: "end" });
  const headers = new Headers(await signRequest(SECRET, body, NOW));
  const read = await readSigned(callRoom, { headers, body }, {
    secret: SECRET,
    maxBytes: 1_000,
    now: NOW,
  });
  assertEquals(read, { ok: true, data: { type: "end" } });
  const forged = await readSigned(callRoom, { headers, body: JSON.stringify({ type: "state" }) }, {
    secret: SECRET,
    maxBytes: 1_000,
    now: NOW,
  });
  assertEquals(forged.ok ? null : forged.refusal.code, "unsigned");
});

Deno.test("reader: a signed GET is signed over the empty body", async () => {
  const ok = await readSigned(spaceTimeline, await request("", { method: "GET" }), {
    secret: SECRET,
    maxBytes: 0,
    now: NOW,
  });
  assertEquals(ok, { ok: true, data: undefined });
  const unsigned = await readSigned(spaceTimeline, new Request("http://p/?timeline"), {
    secret: SECRET,
    maxBytes: 0,
    now: NOW,
  });
  assertEquals(unsigned.ok ? null : unsigned.refusal.status, 401);
});

Deno.test("reader: a body cut off mid-way (the client hung up) is refused with 400, not thrown", async () => {
  const signed = await signRequest(SECRET, "{}", NOW);
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode("{"));
      controller.error(new Error("Network connection lost."));
    },
  });
  const req = new Request("http://party/parties/call/x", { method: "POST", body, headers: signed });
  const read = await readSigned(callRoom, req, { secret: SECRET, maxBytes: 1000, now: NOW });
  assertEquals(read.ok ? null : [read.refusal.status, read.refusal.code], [400, "bad_request"]);
});
