// Pure pieces of the SFU, table-driven: grant ordering and currency, the Origin rule, the socket
// rate limiter, env parsing.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_ALLOWED_ORIGINS, originAllowed, parseAllowedOrigins } from "../../lib/protocol/origin.ts";
import { configFromEnv } from "../config.ts";
import { checkLayers, layerCounts } from "../consumer-control.ts";
import { CURRENT_MS, GrantTable } from "../grants.ts";
import { MEDIA_CODECS, webRtcTransportOptions } from "../media.ts";
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
      for (const [seq, canSpeak] of c.seqs) {
        t.apply("s_a", "u:person", { canSpeak, muted: false, admitted: true, video: false, seq });
      }
      assert.equal(t.get("s_a", "u:person")?.canSpeak, c.final);
    });
  }

  test("grants are per room and per person, and dropping a room forgets its grants", () => {
    const t = new GrantTable();
    t.apply("s_a", "u:person", { canSpeak: true, muted: false, admitted: true, video: false, seq: 1 });
    assert.equal(t.get("s_b", "u:person"), undefined);
    assert.equal(t.get("s_a", "u:other"), undefined);
    t.dropRoom("s_a");
    assert.equal(t.get("s_a", "u:person"), undefined);
  });

  test("a grant is current for 5 minutes after the room last spoke of it, even with a stale seq", () => {
    const t = new GrantTable();
    const g = { canSpeak: false, muted: true, admitted: false, video: false, seq: 7 };
    t.apply("s_a", "u:person", g, 0);
    assert.equal(t.current("s_a", "u:person", CURRENT_MS)?.admitted, false);
    assert.equal(t.current("s_a", "u:person", CURRENT_MS + 1), undefined);
    // A late push of an older decision changes nothing but says the room is still there.
    assert.equal(t.apply("s_a", "u:person", { ...g, admitted: true, seq: 6 }, CURRENT_MS), false);
    assert.equal(t.current("s_a", "u:person", 2 * CURRENT_MS)?.admitted, false);
  });

  test("prune forgets grants that are not current and belong to nobody connected", () => {
    const t = new GrantTable();
    const g = { canSpeak: true, muted: false, admitted: true, video: false, seq: 1 };
    t.apply("s_a", "u:gone", g, 0);
    t.apply("s_a", "u:here", g, 0);
    t.apply("s_a", "u:recent", g, CURRENT_MS);
    t.prune((_room, sub) => sub === "u:here", CURRENT_MS + 1);
    assert.deepEqual(["u:gone", "u:here", "u:recent"].map((sub) => !!t.get("s_a", sub)), [false, true, true]);
  });
});

describe("video grants", () => {
  const cases: { name: string; grant: { canSpeak: boolean; admitted: boolean; video: boolean }; held: boolean }[] = [
    {
      name: "a speaker in a Space with video may send a camera",
      grant: { canSpeak: true, admitted: true, video: true },
      held: true,
    },
    {
      name: "video without the stage is no camera",
      grant: { canSpeak: false, admitted: true, video: true },
      held: false,
    },
    {
      name: "video for a removed person is no camera",
      grant: { canSpeak: true, admitted: false, video: true },
      held: false,
    },
    {
      name: "a speaker in an audio-only Space has no camera",
      grant: { canSpeak: true, admitted: true, video: false },
      held: false,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const t = new GrantTable();
      t.apply("s_a", "u:person", { ...c.grant, muted: false, seq: 1 });
      assert.equal(t.get("s_a", "u:person")?.video, c.held);
    });
  }
});

describe("consumer layers", () => {
  const counts: { mode?: string; encodings?: number; spatial: number; temporal: number }[] = [
    { mode: "S3T3", spatial: 3, temporal: 3 },
    { mode: "S3T1", spatial: 3, temporal: 1 },
    { mode: "L3T3_KEY", spatial: 3, temporal: 3 },
    { mode: "L1T3", spatial: 1, temporal: 3 },
    { spatial: 1, temporal: 1 },
    { encodings: 0, spatial: 1, temporal: 1 },
  ];
  for (const c of counts) {
    test(`scalability mode ${c.mode ?? "none"} has ${c.spatial} spatial and ${c.temporal} temporal layers`, () => {
      const encodings = c.encodings === 0 ? [] : [{ ssrc: 1, ...(c.mode ? { scalabilityMode: c.mode } : {}) }];
      assert.deepEqual(layerCounts({ encodings }), { spatial: c.spatial, temporal: c.temporal });
    });
  }

  const checks: { name: string; kind: "audio" | "video"; s: number; t?: number; ok: boolean }[] = [
    { name: "the smallest layer", kind: "video", s: 0, ok: true },
    { name: "the largest layer with its top temporal layer", kind: "video", s: 2, t: 2, ok: true },
    { name: "a spatial layer the camera does not send", kind: "video", s: 3, ok: false },
    { name: "a temporal layer the camera does not send", kind: "video", s: 1, t: 3, ok: false },
    { name: "layers on audio", kind: "audio", s: 0, ok: false },
  ];
  for (const c of checks) {
    test(`setConsumerLayers: ${c.name} is ${c.ok ? "accepted" : "refused (bad_request)"}`, () => {
      const run = () => checkLayers(c.kind, { spatial: 3, temporal: 3 }, c.s, c.t);
      if (c.ok) run();
      else {assert.throws(run, (e: Error & { code?: string }) =>
          e.code === "bad_request" && /setConsumerLayers/.test(e.message));}
    });
  }

  test("the routers declare VP8 and H264 for cameras", () => {
    const video = MEDIA_CODECS.filter((c) => c.kind === "video").map((c) => c.mimeType);
    assert.deepEqual(video, ["video/VP8", "video/H264"]);
  });
});

describe("originAllowed", () => {
  const patterns = parseAllowedOrigins(`${DEFAULT_ALLOWED_ORIGINS}, https://spazio.example`);
  const cases: [string | null, boolean][] = [
    [null, true],
    ["http://localhost:8000", true],
    ["http://localhost", true],
    ["http://127.0.0.1:1", true],
    ["https://spazio.example", true],
    ["https://evil.example", false],
    ["http://localhost.evil.example", false],
    ["http://localhost:80.evil.example", false],
    ["https://spazio.example:8443", false],
    ["https://localhost:8000", false],
  ];
  for (const [origin, ok] of cases) test(`${origin} -> ${ok}`, () => assert.equal(originAllowed(origin, patterns), ok));
  test("unset or blank means the development default", () => {
    assert.deepEqual(parseAllowedOrigins(undefined), ["http://localhost:*", "http://127.0.0.1:*"]);
    assert.deepEqual(parseAllowedOrigins("  "), parseAllowedOrigins(undefined));
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
    assert.deepEqual(c.listenIps, ["127.0.0.1"]);
    assert.equal(c.listenersPerRouter, 800);
    assert.ok(c.workers >= 1);
    assert.deepEqual(c.allowedOrigins, ["http://localhost:*", "http://127.0.0.1:*"]);
    assert.deepEqual(configFromEnv({ SPAZIO_ALLOWED_ORIGINS: "https://a.example, https://b.example" }).allowedOrigins, [
      "https://a.example",
      "https://b.example",
    ]);
  });
  const bad: [string, Record<string, string>][] = [
    ["a non-numeric port", { SPAZIO_SFU_PORT: "http" }],
    ["zero workers", { SPAZIO_SFU_WORKERS: "0" }],
    ["an empty port range", { SPAZIO_SFU_RTC_MIN_PORT: "5000", SPAZIO_SFU_RTC_MAX_PORT: "5000" }],
    ["an unknown log level", { SPAZIO_SFU_LOG_LEVEL: "loud" }],
    ["a listen address that is a name", { SPAZIO_SFU_LISTEN_IP: "127.0.0.1,localhost" }],
  ];
  test("listens on each address of a list; the announced address stands for the first", () => {
    const c = configFromEnv({ SPAZIO_SFU_LISTEN_IP: "127.0.0.1, 198.18.0.1", SPAZIO_SFU_ANNOUNCED_IP: "203.0.113.9" });
    assert.equal(c.listenIp, "127.0.0.1");
    assert.deepEqual(webRtcTransportOptions(c).listenIps, [
      { ip: "127.0.0.1", announcedIp: "203.0.113.9" },
      { ip: "198.18.0.1", announcedIp: undefined },
    ]);
  });
  for (const [what, env] of bad) test(`refuses ${what}`, () => assert.throws(() => configFromEnv(env)));
});
