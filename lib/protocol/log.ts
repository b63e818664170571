// Structured logs for production: one JSON line per event, `{"time","level","process","msg"}` plus
// `error` and `stack` for an Error, so that journald, a log shipper or `jq` reads fields instead of
// guessing from text. Each process turns it on at start in production mode (the web, the party
// server, the SFU); development keeps the readable lines. It works by replacing the console's
// methods, so every existing `console.log` / `console.error` becomes a line with its level, and
// nothing in the code has to import a logger. Imports nothing runtime-specific (Deno and Node load it).

export type Level = "debug" | "info" | "warn" | "error";
export const LEVELS: readonly Level[] = ["debug", "info", "warn", "error"];

/** A value as text in a message: strings as they are, the rest as JSON (or String() when it cannot be). */
function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || ["function", "symbol", "bigint"].includes(typeof value)) return String(value);
  try {
    return JSON.stringify(value, (_k, v) => typeof v === "bigint" ? v.toString() : v);
  } catch {
    return String(value);
  }
}

/** One event as its JSON line: the console's arguments joined into `msg`, an Error's name and stack beside it. */
export function logLine(level: Level, process: string, args: unknown[], now = new Date()): string {
  const line: Record<string, unknown> = { time: now.toISOString(), level, process, msg: "" };
  const parts: string[] = [];
  for (const a of args) {
    if (a instanceof Error) {
      parts.push(a.message);
      line.error ??= a.name;
      if (a.stack) line.stack ??= a.stack;
    } else parts.push(text(a));
  }
  line.msg = parts.join(" ");
  return JSON.stringify(line);
}

/** A line another program wrote (workerd under the party server) as a log line, unless it is one already. */
export function adoptLine(raw: string, process: string, level: Level, now = new Date()): string {
  const trimmed = raw.trim();
  if (trimmed.startsWith("{")) {
    try {
      const parsed = JSON.parse(trimmed);
      if (parsed && typeof parsed === "object" && LEVELS.includes(parsed.level) && typeof parsed.msg === "string") {
        return trimmed;
      }
    } catch { /* not JSON: wrapped below */ }
  }
  return logLine(level, process, [trimmed], now);
}

type ConsoleLike = Pick<Console, "debug" | "log" | "info" | "warn" | "error">;

/**
 * From now on every console call of this process writes one JSON line: debug, log and info to
 * stdout, warn and error to stderr (as before), each with its level.
 */
export function useStructuredLogs(process: string, target: ConsoleLike = console): void {
  const out = target.log.bind(target);
  const err = target.error.bind(target);
  target.debug = (...a: unknown[]) => out(logLine("debug", process, a));
  target.log = (...a: unknown[]) => out(logLine("info", process, a));
  target.info = (...a: unknown[]) => out(logLine("info", process, a));
  target.warn = (...a: unknown[]) => err(logLine("warn", process, a));
  target.error = (...a: unknown[]) => err(logLine("error", process, a));
}
