import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { workerdLines } from "../scripts/party_log.ts";

// As workerd 2024-07-18 printed them for a browser socket closed (the first time, with the hint).
const DISCONNECT = [
  "workerd/util/symbolizer.c++:96: warning: Not symbolizing stack traces because $LLVM_SYMBOLIZER is not set. " +
  "To symbolize stack traces, set $LLVM_SYMBOLIZER to the location of the llvm-symbolizer binary.",
  "workerd/server/server.c++:3360: error: Uncaught exception: kj/compat/http.c++:4052: disconnected: " +
  "worker_do_not_log; Request failed due to internal error",
  "stack: /srv/spazio/node_modules/.bin/workerd@5843a70 /srv/spazio/node_modules/.bin/workerd@406f280",
];

function run(stream: "stdout" | "stderr", production: boolean, lines: string[]): string[] {
  const out: string[] = [];
  const feed = workerdLines(stream, { production, write: (l) => out.push(l) });
  for (const l of lines) feed(l);
  return out;
}

Deno.test("workerd's error for a client gone mid-request is dropped with its stack, and nothing else", () => {
  const other = "workerd/server/server.c++:2000: error: Uncaught exception: Error: the room threw";
  assertEquals(run("stderr", false, [...DISCONNECT, "stack: 1 2", other, "stack: 77 88"]), [
    "stack: 1 2",
    other,
    "stack: 77 88",
  ]);
});

Deno.test("in production each line is one JSON log line of the party, at workerd's level", () => {
  const parse = (ls: string[]) => ls.map((l) => JSON.parse(l)).map((j) => [j.process, j.level, j.msg]);
  assertEquals(
    parse(run("stderr", true, [
      ...DISCONNECT,
      "workerd/server/server.c++:1: error: Uncaught exception: boom",
      "workerd/jsg/util.c++:2: warning: something odd",
      "a room's console.warn",
    ])),
    [
      ["party", "error", "workerd/server/server.c++:1: error: Uncaught exception: boom"],
      ["party", "warn", "workerd/jsg/util.c++:2: warning: something odd"],
      ["party", "warn", "a room's console.warn"],
    ],
  );
  assertEquals(parse(run("stdout", true, ["a room's console.log", ""])), [["party", "info", "a room's console.log"]]);
  // A room that already writes log lines keeps them as they are.
  const own = JSON.stringify({ time: "t", level: "error", process: "party", msg: "m" });
  assertEquals(run("stdout", true, [own]), [own]);
});
