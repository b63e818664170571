// What the party server (scripts/party_server.ts) makes of workerd's output, line by line.
//
// workerd 2024-07-18 (the one `partykit` brings) logs an error whenever a client goes away while
// its request is still being answered, which every ordinary WebSocket close does:
//   workerd/server/server.c++:NNNN: error: Uncaught exception: kj/async-io-unix.c++:NNN:
//   disconnected: worker_do_not_log; Request failed due to internal error
// followed by a `stack:` line (and, before the first one, a hint that stacks are not symbolized). The exception is of kind DISCONNECTED and tagged "do not log" by
// workerd itself: the listener's error handler would send a 500 to a client that is gone, and there
// is nothing to fix. Upstream stopped logging exactly these (cloudflare/workerd ed7289e11, "Dont
// log DISCONNECTED application errors", in v1.20250327.0, issue #3761); until partykit ships that
// workerd, the party server drops them here, and only them (seen here: one per socket closed). In production every other line becomes
// one JSON log line (lib/protocol/log.ts) with the process "party"; in development it passes as is.
import { adoptLine, type Level } from "../lib/protocol/log.ts";

const DISCONNECTED = /Uncaught exception: .*\bdisconnected: .*worker_do_not_log/;
/** The stack that follows it: addresses, with the binary's path (`stack: /…/workerd@5843a70 …`). */
const STACK = /^stack: /;
/** Printed once, before the first stack: a hint for workerd's own developers, nothing to act on. */
const SYMBOLIZER = /^workerd\/util\/symbolizer\.c\+\+:\d+: warning: Not symbolizing stack traces/;

/** The level of a workerd line: its own `error:` / `warning:` marks, else by the stream. */
function levelOf(line: string, stream: "stdout" | "stderr"): Level {
  if (/^workerd\/\S+: error: /.test(line) || /^Uncaught /.test(line)) return "error";
  if (/^workerd\/\S+: warning: /.test(line)) return "warn";
  return stream === "stderr" ? "warn" : "info";
}

/**
 * A filter for one of workerd's streams: call it with each line; it writes what should be logged
 * (with `write`), drops the harmless disconnect errors and their stack lines.
 */
export function workerdLines(
  stream: "stdout" | "stderr",
  opts: { production: boolean; write: (line: string) => void },
): (line: string) => void {
  let droppedLast = false;
  return (line) => {
    if (SYMBOLIZER.test(line)) return;
    if (DISCONNECTED.test(line)) {
      droppedLast = true;
      return;
    }
    if (droppedLast && STACK.test(line.trim())) {
      droppedLast = false;
      return;
    }
    droppedLast = false;
    if (line.trim() === "") return;
    opts.write(opts.production ? adoptLine(line, "party", levelOf(line, stream)) : line);
  };
}

/** Reads a stream line by line into `onLine`. */
export async function eachLine(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  let rest = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
    rest = lines.pop() ?? "";
    for (const l of lines) onLine(l);
  }
  if (rest) onLine(rest);
}
