// The signed client: what it sends (checked, signed, to the contract's path), what it makes of
// each kind of answer, and the retry and failover of best-effort pushes. No process is started:
// `fetch` is a function of the test.
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { z } from "zod";
import { contract } from "./contract.ts";
import { callRoom, sfuGrant, spaceTimeline } from "./internal_api.ts";
import { callSigned, pushSigned } from "./signed_client.ts";
import { verifyRequest } from "./token.ts";

const SECRET = "test-secret";
const grant = {
  room: "s_space1",
  sub: "u:abcd",
  canSpeak: true,
  muted: false,
  admitted: true,
  video: false,
  seq: 3,
};
const call = {
  callId: "call-000000001",
  caller: { sub: "u:ann1", handle: "ann", name: "Ann" },
  callee: { sub: "u:bob1", handle: "bob", name: "Bob" },
  video: false,
  status: "ringing",
  createdAt: 1,
  ringUntil: 2,
  acceptedAt: null,
  endedAt: null,
  endedBy: null,
};

type Seen = { url: string; method: string; body: string; signed: boolean; headers: Headers };

/** A fetch that answers each attempt with the next of `answers` (a status and a body, or a throw). */
function fakeFetch(answers: ({ status: number; body?: unknown; raw?: string } | "down")[]) {
  const seen: Seen[] = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const body = typeof init?.body === "string" ? init.body : "";
    const headers = new Headers(init?.headers);
    seen.push({
      url: String(input),
      method: init?.method ?? "GET",
      body,
      headers,
      signed: await verifyRequest(SECRET, body, headers),
    });
    const a = answers[seen.length - 1] ?? { status: 200, body: { ok: true } };
    if (a === "down") throw new TypeError("connection refused");
    const text = a.raw ?? (a.body === undefined ? "" : JSON.stringify(a.body));
    return new Response(text || null, {
      status: a.status,
      headers: { "content-type": "application/json" },
    });
  };
  return { fetch: fn as typeof fetch, seen };
}

const noSleep = () => Promise.resolve();

Deno.test("client: a valid request goes signed, to the contract's method and path, and its answer comes back typed", async () => {
  const f = fakeFetch([{ status: 200, body: { ok: true, call } }]);
  const res = await callSigned(callRoom, {
    secret: SECRET,
    to: "http://party/",
    params: { callId: "call-000000001" },
    body: { type: "state" },
    fetch: f.fetch,
  });
  assert(res.ok);
  assertEquals(res.data.call.status, "ringing");
  assertEquals(f.seen.map((s) => [s.method, s.url, s.signed, JSON.parse(s.body)]), [[
    "POST",
    "http://party/parties/call/call-000000001",
    true,
    { type: "state" },
  ]]);
});

Deno.test("client: a GET contract sends no body and signs the empty string", async () => {
  const timeline = { startedAt: 1, people: [], stage: [], comments: [], reactions: [], pins: [] };
  const f = fakeFetch([{ status: 200, body: timeline }]);
  const res = await callSigned(spaceTimeline, {
    secret: SECRET,
    to: "http://party",
    params: { spaceId: "sp1" },
    fetch: f.fetch,
  });
  assert(res.ok);
  assertEquals(f.seen.map((s) => [s.method, s.url, s.body, s.signed]), [[
    "GET",
    "http://party/parties/space/sp1?timeline",
    "",
    true,
  ]]);
});

Deno.test("client: each kind of failure is a typed error, and nothing throws", async (t) => {
  const cases: {
    name: string;
    answers: Parameters<typeof fakeFetch>[0];
    body?: unknown;
    status: number;
    code: string;
    sent: number;
  }[] = [
    {
      name: "a request that breaks its contract is not sent",
      answers: [],
      body: { ...grant, seq: "three" },
      status: 400,
      code: "invalid_request",
      sent: 0,
    },
    {
      name: "a refusal keeps the receiver's status, code and message",
      answers: [{ status: 401, body: { ok: false, code: "unsigned", message: "no" } }],
      status: 401,
      code: "unsigned",
      sent: 1,
    },
    {
      name: "a refusal without a JSON reason",
      answers: [{ status: 404, raw: "not here" }],
      status: 404,
      code: "http_404",
      sent: 1,
    },
    {
      name: "an answer that does not match its schema",
      answers: [{ status: 200, body: { ok: "yes" } }],
      status: 200,
      code: "bad_answer",
      sent: 1,
    },
    {
      name: "an answer that is not JSON",
      answers: [{ status: 200, raw: "<html>" }],
      status: 200,
      code: "bad_answer",
      sent: 1,
    },
    { name: "nobody answers", answers: ["down"], status: 503, code: "unreachable", sent: 1 },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      const f = fakeFetch(c.answers);
      const res = await callSigned(sfuGrant, {
        secret: SECRET,
        to: "http://sfu",
        params: undefined,
        body: (c.body ?? grant) as typeof grant,
        fetch: f.fetch,
      });
      assert(!res.ok);
      assertEquals([res.error.status, res.error.code, f.seen.length], [c.status, c.code, c.sent]);
    });
  }
});

Deno.test("client: an answer over the limit is refused, by Content-Length or by length", async () => {
  const big = contract({
    name: "big",
    method: "POST",
    path: () => "/big",
    request: z.object({}),
    answer: z.object({ s: z.string() }),
  });
  const f = fakeFetch([{ status: 200, body: { s: "x".repeat(2_000) } }]);
  const res = await callSigned(big, {
    secret: SECRET,
    to: "http://x",
    params: undefined,
    body: {},
    maxAnswerBytes: 1_000,
    fetch: f.fetch,
  });
  assert(!res.ok);
  assertEquals(res.error.code, "too_big");
});

Deno.test("client: retries go on 5xx and network errors, each to the next URL, freshly signed; a 4xx stops them", async (t) => {
  const cases: {
    name: string;
    answers: Parameters<typeof fakeFetch>[0];
    to: string[];
    landed: boolean;
    urls: string[];
  }[] = [
    {
      name: "5xx then ok",
      answers: [{ status: 503 }, { status: 500 }, { status: 200 }],
      to: ["http://a"],
      landed: true,
      urls: ["http://a", "http://a", "http://a"],
    },
    {
      name: "first SFU down, the next takes it",
      answers: ["down", { status: 200 }],
      to: ["http://a", "http://b"],
      landed: true,
      urls: ["http://a", "http://b"],
    },
    {
      name: "a refusal is not retried",
      answers: [{ status: 400 }],
      to: ["http://a", "http://b"],
      landed: false,
      urls: ["http://a"],
    },
    {
      name: "all down: four attempts, round the list",
      answers: ["down", "down", "down", "down"],
      to: ["http://a", "http://b"],
      landed: false,
      urls: ["http://a", "http://b", "http://a", "http://b"],
    },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      const f = fakeFetch(c.answers);
      let clock = 1_700_000_000_000;
      const res = await pushSigned(sfuGrant, {
        secret: SECRET,
        to: c.to,
        params: undefined,
        body: grant,
        retryDelaysMs: [250, 1_000, 3_000],
        fetch: f.fetch,
        sleep: noSleep,
        now: () => (clock += 1_000),
      });
      assertEquals(res.ok, c.landed);
      assertEquals(f.seen.map((s) => s.url.replace("/control/grant", "")), c.urls);
      // Signed per attempt: each has its own timestamp.
      const stamps = f.seen.map((s) => s.headers.get("x-spazio-timestamp"));
      assertEquals(new Set(stamps).size, stamps.length);
    });
  }
});
