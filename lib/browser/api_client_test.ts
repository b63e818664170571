// What an island gets back from the JSON API for each kind of answer, with fetch stubbed.
import assert from "node:assert/strict";
import { api, type ApiResult } from "./api_client.ts";
import { DmSent, Done, RoomToken } from "../protocol/api.ts";

const entry = { kind: "text", id: "0123456789abcdefghijklmn", from: "user1", to: "user2", text: "hi", at: 1 };
const json = (status: number, body: unknown) => () =>
  Promise.resolve(new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } }));

const cases: [string, () => Promise<Response>, () => Promise<ApiResult<unknown>>, ApiResult<unknown>][] = [
  ["a good answer is parsed", json(200, { token: "t1", extra: 1 }), () => api("POST", "/api/inbox/token", RoomToken), {
    ok: true,
    data: { token: "t1" },
  }],
  [
    "a good DM answer keeps its entry",
    json(201, { entry }),
    () => api("POST", "/api/messages/bob", DmSent, { text: "hi" }),
    { ok: true, data: { entry } },
  ],
  [
    "an answer of the wrong shape is an error",
    json(200, { token: 42 }),
    () => api("POST", "/api/inbox/token", RoomToken),
    { ok: false, status: 200, code: "err.generic" },
  ],
  [
    "an answer that is not JSON is an error",
    () => Promise.resolve(new Response("<html>", { status: 200 })),
    () => api("GET", "/api/x", Done),
    { ok: false, status: 200, code: "err.generic" },
  ],
  [
    "a refusal gives its code and field",
    json(409, { error: { code: "err.handle_taken", field: "handle", message: "taken" } }),
    () => api("POST", "/api/auth/register/options", Done, {}),
    { ok: false, status: 409, code: "err.handle_taken", field: "handle" },
  ],
  ["a refusal without a code is generic", json(500, { oops: true }), () => api("GET", "/api/x", Done), {
    ok: false,
    status: 500,
    code: "err.generic",
  }],
  [
    "a refusal whose code is no catalogue key is generic",
    json(400, { error: { code: "Not A Key" } }),
    () => api("GET", "/api/x", Done),
    { ok: false, status: 400, code: "err.generic" },
  ],
  [
    "no network is err.network",
    () => Promise.reject(new TypeError("Failed to fetch")),
    () => api("GET", "/api/x", Done),
    { ok: false, status: 0, code: "err.network" },
  ],
];

for (const [name, answer, call, want] of cases) {
  Deno.test(`api: ${name}`, async () => {
    const realFetch = globalThis.fetch;
    const realWarn = console.warn;
    globalThis.fetch = answer;
    console.warn = () => {};
    try {
      const got = await call();
      // `field` is absent, not undefined, when the answer names none.
      assert.deepEqual(JSON.parse(JSON.stringify(got)), want);
    } finally {
      globalThis.fetch = realFetch;
      console.warn = realWarn;
    }
  });
}

Deno.test("api: sends the body as JSON with the method", async () => {
  const realFetch = globalThis.fetch;
  let seen: { method?: string; body?: unknown; type?: string | null } = {};
  globalThis.fetch = (_url, init) => {
    seen = { method: init?.method, body: init?.body, type: new Headers(init?.headers).get("content-type") };
    return json(200, { ok: true })();
  };
  try {
    assert.deepEqual(await api("PUT", "/api/x", Done, { a: 1 }), { ok: true, data: { ok: true } });
    assert.deepEqual(seen, { method: "PUT", body: '{"a":1}', type: "application/json" });
  } finally {
    globalThis.fetch = realFetch;
  }
});
