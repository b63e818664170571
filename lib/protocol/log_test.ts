import { deepStrictEqual as assertEquals, equal } from "node:assert/strict";
import { adoptLine, logLine, useStructuredLogs } from "./log.ts";

const now = new Date("2026-12-06T03:00:00.000Z");

Deno.test("logLine: one JSON object with time, level, process and the message", () => {
  assertEquals(JSON.parse(logLine("info", "web", ["listening on", "http://x", { port: 1 }, 3], now)), {
    time: "2026-12-06T03:00:00.000Z",
    level: "info",
    process: "web",
    msg: 'listening on http://x {"port":1} 3',
  });
});

Deno.test("logLine: an Error gives its message, name and stack; the line stays one line", () => {
  const err = new TypeError("bad\nthing");
  const line = logLine("error", "sfu", ["grant failed:", err], now);
  equal(line.includes("\n"), false);
  const parsed = JSON.parse(line);
  equal(parsed.msg, "grant failed: bad\nthing");
  equal(parsed.error, "TypeError");
  equal(parsed.stack, err.stack);
});

Deno.test("logLine: values JSON cannot write still give a message", () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  equal(JSON.parse(logLine("warn", "party", [cyclic, 10n, undefined], now)).msg, "[object Object] 10 undefined");
});

Deno.test("adoptLine: a program's plain line is wrapped, a log line kept as it is", () => {
  assertEquals(JSON.parse(adoptLine("  workerd: something  ", "party", "warn", now)), {
    time: "2026-12-06T03:00:00.000Z",
    level: "warn",
    process: "party",
    msg: "workerd: something",
  });
  const own = logLine("error", "party", ["room failed"], now);
  equal(adoptLine(own, "party", "info", now), own);
  equal(JSON.parse(adoptLine('{"not":"a log line"}', "party", "info", now)).msg, '{"not":"a log line"}');
});

Deno.test("useStructuredLogs: every console method writes one line with its level, to the same stream as before", () => {
  const out: string[] = [];
  const err: string[] = [];
  const target: Pick<Console, "debug" | "log" | "info" | "warn" | "error"> = {
    debug: () => {},
    log: (s: string) => void out.push(s),
    info: () => {},
    warn: () => {},
    error: (s: string) => void err.push(s),
  };
  useStructuredLogs("web", target);
  target.debug("d");
  target.log("l");
  target.info("i");
  target.warn("w");
  target.error("e", new Error("x"));
  assertEquals(out.map((l) => [JSON.parse(l).level, JSON.parse(l).msg]), [["debug", "d"], ["info", "l"], [
    "info",
    "i",
  ]]);
  assertEquals(err.map((l) => [JSON.parse(l).level, JSON.parse(l).msg]), [["warn", "w"], ["error", "e x"]]);
});
