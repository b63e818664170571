// Pure pieces of the SFU, table-driven: grant ordering, the socket rate limiter, env parsing.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { configFromEnv } from "../config.ts";
import { GrantTable } from "../grants.ts";
import { TokenBucket } from "../rate-limit.ts";

describe("GrantTable", () => {
  const cases: { name: string; seqs: [number, boolean][]; final: boolean }[] = [
    { name: "a newer grant replaces an older one", seqs: [[1, true], [2, false]], final: false },
    { name: "an older grant arriving late is ignored", seqs: [[2, false], [1, true]], final: false },
    { name: "the same seq again is applied (a retried push)", seqs: [[3, true], [3, true]], final: true },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const t = new GrantTable();
      for (const [seq, canSpeak] of c.seqs) t.apply("s_a", "u:person", { canSpeak, muted: false, seq });
      assert.equal(t.get("s_a", "u:person")?.canSpeak, c.final);
    });
  }

  test("grants are per room and per person, and dropping a room forgets its grants", () => {
    const t = new GrantTable();
    t.apply("s_a", "u:person", { canSpeak: true, muted: false, seq: 1 });
    assert.equal(t.get("s_b", "u:person"), undefined);
    assert.equal(t.get("s_a", "u:other"), undefined);
    t.dropRoom("s_a");
    assert.equal(t.get("s_a", "u:person"), undefined);
  });
});

describe("TokenBucket", () => {
  test("allows a burst, refuses past it, and refills with time", () => {
    const b = new TokenBucket(3, 2, 0);
    assert.deepEqual([b.take(0), b.take(0), b.take(0), b.take(0)], [true, true, true, false]);
    assert.equal(b.take(400), false, "0.8 of a token after 400 ms");
    assert.equal(b.take(600), true, "one token after 500 ms at 2/s");
    assert.equal(b.take(100_000), true);
  });
});

describe("configFromEnv", () => {
  test("has working defaults", () => {
    const c = configFromEnv({});
    assert.equal(c.port, 4443);
    assert.equal(c.listenIp, "127.0.0.1");
    assert.equal(c.listenersPerRouter, 800);
    assert.ok(c.workers >= 1);
  });
  const bad: [string, Record<string, string>][] = [
    ["a non-numeric port", { SPAZIO_SFU_PORT: "http" }],
    ["zero workers", { SPAZIO_SFU_WORKERS: "0" }],
    ["an empty port range", { SPAZIO_SFU_RTC_MIN_PORT: "5000", SPAZIO_SFU_RTC_MAX_PORT: "5000" }],
    ["an unknown log level", { SPAZIO_SFU_LOG_LEVEL: "loud" }],
  ];
  for (const [what, env] of bad) test(`refuses ${what}`, () => assert.throws(() => configFromEnv(env)));
});
