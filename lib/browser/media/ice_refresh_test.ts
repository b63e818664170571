import assert from "node:assert/strict";
import type { IceConfig } from "../../protocol/ice.ts";
import { IceRefresh, iceRefreshAt } from "./ice_refresh.ts";

const relay = (ttl?: number): IceConfig => ({
  iceServers: [{ urls: ["turns:turn.example:443?transport=tcp"], username: "1:u_a", credential: "c" }],
  iceTransportPolicy: "all",
  ...(ttl !== undefined && { ttl }),
});

Deno.test("new TURN credentials are asked for before the old ones expire", () => {
  const t0 = 1_000_000;
  for (
    const [ttl, at] of [
      // Six hours (the default): ten minutes before.
      [21_600, t0 + 21_600_000 - 600_000],
      // A minute: a quarter of it before (45 s after receipt).
      [60, t0 + 45_000],
      // Twenty minutes: five minutes before.
      [1_200, t0 + 900_000],
    ] as const
  ) assert.equal(iceRefreshAt(relay(ttl), t0), at, `ttl ${ttl}`);
});

Deno.test("nothing to refresh without relays or without a lifetime", () => {
  assert.equal(iceRefreshAt(undefined, 0), undefined);
  assert.equal(iceRefreshAt({ iceServers: [], iceTransportPolicy: "all", ttl: 60 }, 0), undefined);
  assert.equal(iceRefreshAt(relay(), 0), undefined);
});

Deno.test("IceRefresh: asks again before each expiry, retries a failure, stops with its connection", async () => {
  const asked: number[] = [];
  let fail = 1;
  const t0 = Date.now();
  const refresh = new IceRefresh(() => {
    asked.push(Date.now() - t0);
    // The first ask fails (the web unreachable a moment): tried again 100 ms later.
    if (fail-- > 0) return Promise.reject(new Error("offline"));
    return Promise.resolve(relay(1));
  }, 100);
  // A one-second lifetime: asked at 750 ms, again 100 ms later, then 750 ms after that.
  refresh.schedule(relay(1), t0);
  for (let i = 0; asked.length < 3 && i < 500; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(asked.length, 3, `asked only at ${asked.join(", ")} ms in 10 s`);
  refresh.stop();
  // Never early (timers may only be late on a busy machine).
  assert.ok(asked[0] >= 740 && asked[1] - asked[0] >= 95 && asked[2] - asked[1] >= 740, `asked at ${asked}`);
  // Nothing more once stopped, though the last credentials would want a refresh at 750 ms.
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal(asked.length, 3, `asked at ${asked.join(", ")} ms`);
});
