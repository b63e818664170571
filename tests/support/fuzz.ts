// The mutation engine shared by tests/fuzz_test.ts and bench/fuzz.ts: a seeded random source (a
// failure repeats with the same seed), mutations of valid protocol messages (wrong types, missing
// and extra fields, prototype keys, huge strings, deep nesting, broken JSON, binary), hand-made
// WebSocket frames a browser would never send (invalid UTF-8, oversized, bad opcodes), and the
// reading of process logs for what must never be there.
// Longer than 300 lines on purpose: the mutations are one table and the frame builder one codec;
// splitting would scatter the seeded source they all draw from.

/** mulberry32: small, fast, and the same sequence for the same seed on every runtime. */
export class Rng {
  #s: number;
  constructor(readonly seed: number) {
    this.#s = seed >>> 0;
  }
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Keys that break code which copies or indexes objects without care. */
const PROTO_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "then"];
/** Keys a client might add to claim what only the token decides. */
const CLAIM_KEYS = ["role", "sub", "admin", "host", "by", "id", "room", "canSpeak", "admitted"];

/** Strings that have broken parsers, validators and renderers elsewhere. */
const NASTY_STRINGS = [
  "",
  " ",
  "\u200B\u200C\u200D\u2060\uFEFF",
  "\u3164\u3164",
  "\u2800",
  "\u202E\u2066evil\u2069",
  "\u0301\u0301\u0301",
  "\uD800",
  "\uDFFF\uD800",
  "\u0000",
  "\u0000\u0001\u001B[31m",
  "🎉".repeat(300),
  "e\u0301".repeat(200),
  "<script>alert(1)</script>",
  "javascript:alert(1)",
  "http://",
  "https://example.com/" + "a".repeat(3000),
  "../../../../etc/passwd",
  "%00%ff%",
  "u:",
  "u:" + "a".repeat(65),
  "a:anon",
  "NaN",
  "Infinity",
  "-0",
  "1e309",
  "null",
  "true",
  "{}",
  "[]",
  "s_",
  "c_" + "x".repeat(70),
];

const NASTY_NUMBERS = [
  0,
  -0,
  -1,
  1.5,
  2 ** 31,
  2 ** 53 + 2,
  -(2 ** 53),
  1e308,
  -1e308,
  5e-324,
  Number.MAX_SAFE_INTEGER,
];

function nestedArray(depth: number): Json {
  let v: Json = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

function nestedObject(depth: number): Json {
  let v: Json = {};
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

/** A value of any JSON kind, chosen to be wrong wherever it lands. */
export function nastyValue(rng: Rng): Json {
  switch (rng.int(10)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick(NASTY_NUMBERS);
    case 3:
    case 4:
      return rng.pick(NASTY_STRINGS);
    case 5:
      return "x".repeat(rng.pick([255, 256, 1_000, 17_000, 70_000]));
    case 6:
      return rng.chance(0.5) ? [] : {};
    case 7:
      return rng.chance(0.5) ? nestedArray(rng.pick([100, 2_000, 5_000])) : nestedObject(rng.pick([100, 1_000]));
    case 8:
      // Parsed, so that __proto__ is an own key as it is in a message off the wire.
      return JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}');
    default:
      return Array.from({ length: rng.int(50) }, () => rng.pick(NASTY_STRINGS));
  }
}

/** Paths to values inside `v` (the root is []), not below depth 40 nor more than 400: mutants nest deep. */
function paths(v: Json): (string | number)[][] {
  const out: (string | number)[][] = [];
  const todo: [Json, (string | number)[]][] = [[v, []]];
  while (todo.length && out.length < 400) {
    const [node, at] = todo.shift()!;
    out.push(at);
    if (at.length >= 40) continue;
    if (Array.isArray(node)) node.slice(0, 50).forEach((x, i) => todo.push([x, [...at, i]]));
    else if (node && typeof node === "object") {
      for (const k of Object.keys(node).slice(0, 50)) todo.push([node[k], [...at, k]]);
    }
  }
  return out;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

function parentOf(root: Json, path: (string | number)[]): [Record<string, Json> | Json[], string | number] | undefined {
  if (!path.length) return undefined;
  let node = root as Record<string, Json>;
  for (const k of path.slice(0, -1)) node = node[k as string] as Record<string, Json>;
  return [node, path[path.length - 1]];
}

/** One structural change to a copy of a valid message. */
export function mutateValue(valid: unknown, rng: Rng, types: readonly string[] = []): Json {
  const root = clone(valid) as Json;
  const all = paths(root);
  const path = rng.pick(all);
  const spot = parentOf(root, path);
  switch (rng.int(8)) {
    case 0: // a wrong value anywhere (or the whole message)
      if (!spot) return nastyValue(rng);
      (spot[0] as Record<string, Json>)[spot[1] as string] = nastyValue(rng);
      return root;
    case 1: // a field missing
      if (spot && !Array.isArray(spot[0])) delete (spot[0] as Record<string, Json>)[spot[1] as string];
      else if (root && typeof root === "object" && !Array.isArray(root)) delete root[rng.pick(Object.keys(root))];
      return root;
    case 2: { // an extra field: a prototype key or a claim only the token may make
      const target = objectAt(root, rng);
      if (target) {
        const key = rng.chance(0.5) ? rng.pick(PROTO_KEYS) : rng.pick(CLAIM_KEYS);
        Object.defineProperty(target, key, {
          value: nastyValue(rng),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return root;
    }
    case 3: // another message's type, or no sensible type at all
      if (root && typeof root === "object" && !Array.isArray(root)) {
        root.type = rng.chance(0.6) && types.length ? rng.pick(types) : nastyValue(rng);
      }
      return root;
    case 4: // a string grown huge or made of invisible characters
      if (spot) {
        (spot[0] as Record<string, Json>)[spot[1] as string] = rng.chance(0.5)
          ? "\u200B".repeat(rng.pick([1, 300, 6_000]))
          : "y".repeat(rng.pick([64, 65, 300, 2_049, 20_000]));
      }
      return root;
    case 5: // the message wrapped, or repeated
      return rng.chance(0.5) ? [root] : Array.from({ length: rng.int(20) + 2 }, () => root);
    case 6: // two changes at once
      return mutateValue(mutateValue(root, rng, types), rng, types);
    default: // numbers turned into their edge cases
      if (spot) (spot[0] as Record<string, Json>)[spot[1] as string] = rng.pick(NASTY_NUMBERS);
      return root;
  }
}

function objectAt(root: Json, rng: Rng): Record<string, Json> | undefined {
  const objects = paths(root).map((p) => p.reduce<Json>((n, k) => (n as Record<string, Json>)[k as string], root))
    .filter((n): n is Record<string, Json> => !!n && typeof n === "object" && !Array.isArray(n));
  return objects.length ? rng.pick(objects) : undefined;
}

/** Breaks JSON text the way a broken or hostile client would. */
export function mutateText(text: string, rng: Rng): string {
  switch (rng.int(9)) {
    case 0:
      return text.slice(0, rng.int(text.length));
    case 1: {
      const at = rng.int(text.length + 1);
      return text.slice(0, at) + rng.pick(['"', "{", "}", "[", ",", ":", "\\", "\u0000", "\uD800", "\n"]) +
        text.slice(at);
    }
    case 2:
      return "\uFEFF" + text;
    case 3: // duplicate keys: the last one wins in JSON.parse, which a validator must still see
      return text.replace(/^\{/, `{"type":"${rng.pick(["end", "remove", "addCohost", "accept", "ping"])}","type":"x",`);
    case 4:
      return rng.pick([
        "",
        "null",
        "[]",
        "{}",
        '""',
        "1e999",
        "-",
        "[".repeat(3000),
        '{"a":'.repeat(2000),
        "undefined",
        "NaN",
      ]);
    case 5:
      return text + text;
    case 6:
      return text.replace(/"/g, "'");
    case 7:
      return text.replace(/\d/g, "9".repeat(400));
    default:
      return JSON.stringify(text);
  }
}

/** Bytes that are not UTF-8 at all (overlong, surrogates, truncated, out of range). */
export const INVALID_UTF8: Uint8Array[] = [
  new Uint8Array([0xc3, 0x28]),
  new Uint8Array([0xff, 0xfe, 0xfd]),
  new Uint8Array([0xc0, 0xaf]),
  new Uint8Array([0xed, 0xa0, 0x80]),
  new Uint8Array([0xf4, 0x90, 0x80, 0x80]),
  new Uint8Array([0x7b, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3a, 0x22, 0xe2, 0x28, 0xa1, 0x22, 0x7d]),
];

/** One frame's payload: mutated JSON text, broken text, or binary (random, or the JSON as bytes). */
export function mutateFrame(valid: unknown, rng: Rng, types: readonly string[] = []): string | Uint8Array {
  const roll = rng.int(10);
  if (roll < 6) return JSON.stringify(mutateValue(valid, rng, types)) ?? "null";
  if (roll < 8) return mutateText(JSON.stringify(valid), rng);
  if (roll === 8) return new TextEncoder().encode(JSON.stringify(valid));
  return rng.chance(0.5) ? rng.pick(INVALID_UTF8) : crypto.getRandomValues(new Uint8Array(rng.int(2_000) + 1));
}

/** A body for an HTTP surface: usually mutated JSON, sometimes not JSON at all. */
export function mutateBody(valid: unknown, rng: Rng, types: readonly string[] = []): string {
  return rng.chance(0.75)
    ? JSON.stringify(mutateValue(valid, rng, types)) ?? "null"
    : mutateText(JSON.stringify(valid), rng);
}

// ---- Hand-made WebSocket frames and connections ----

/** A client frame (masked, as RFC 6455 requires of clients, unless `unmasked`). */
export function frame(
  opcode: number,
  payload: Uint8Array,
  opts: { fin?: boolean; unmasked?: boolean; rsv?: number; claimedLength?: number } = {},
): Uint8Array {
  const len = opts.claimedLength ?? payload.length;
  const head: number[] = [((opts.fin ?? true) ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | opcode];
  const mask = opts.unmasked ? 0 : 0x80;
  if (len < 126) head.push(mask | len);
  else if (len < 65_536) head.push(mask | 126, len >> 8, len & 0xff);
  else head.push(mask | 127, 0, 0, 0, 0, (len >>> 24) & 0xff, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff);
  const key = opts.unmasked ? new Uint8Array(0) : crypto.getRandomValues(new Uint8Array(4));
  const body = payload.map((b, i) => (opts.unmasked ? b : b ^ key[i % 4]));
  const out = new Uint8Array(head.length + key.length + body.length);
  out.set(head, 0);
  out.set(key, head.length);
  out.set(body, head.length + key.length);
  return out;
}

const enc = new TextEncoder();
const u16 = (n: number) => new Uint8Array([n >> 8, n & 0xff]);
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
};

/** Sequences of frames no browser sends; each is written on its own fresh connection. */
export function rawFrameAttack(rng: Rng): { name: string; bytes: Uint8Array } {
  const text = enc.encode('{"type":"react","emoji":"👋"}');
  const attacks: (() => { name: string; bytes: Uint8Array })[] = [
    () => ({ name: "text frame with invalid UTF-8", bytes: frame(0x1, rng.pick(INVALID_UTF8)) }),
    () => ({ name: "1 MiB text frame", bytes: frame(0x1, new Uint8Array(1 << 20).fill(0x61)) }),
    () => ({
      name: "length claiming 4 GiB, then nothing",
      bytes: frame(0x2, new Uint8Array(8), { claimedLength: 0xffffffff }),
    }),
    () => ({
      name: "fragments never finished",
      bytes: cat(frame(0x1, text.slice(0, 5), { fin: false }), frame(0x0, text.slice(5), { fin: false })),
    }),
    () => ({ name: "continuation without a start", bytes: frame(0x0, text) }),
    () => ({ name: "reserved opcode", bytes: frame(rng.pick([0x3, 0x7, 0xb, 0xf]), text) }),
    () => ({ name: "reserved bits set", bytes: frame(0x1, text, { rsv: rng.int(7) + 1 }) }),
    () => ({ name: "unmasked client frame", bytes: frame(0x1, text, { unmasked: true }) }),
    () => ({ name: "ping over 125 bytes", bytes: frame(0x9, new Uint8Array(200)) }),
    () => ({
      name: "close with a forbidden code",
      bytes: frame(0x8, u16(rng.pick([0, 999, 1005, 1006, 1015, 2999, 5000]))),
    }),
    () => ({ name: "close with an invalid UTF-8 reason", bytes: frame(0x8, cat(u16(1000), rng.pick(INVALID_UTF8))) }),
    () => ({ name: "close with a 1-byte body", bytes: frame(0x8, new Uint8Array([3])) }),
    () => ({
      name: "valid message split over 40 fragments",
      bytes: cat(
        ...Array.from({ length: 40 }, (_, i) => frame(i ? 0x0 : 0x1, text.slice(i, i + 1), { fin: false })),
        frame(0x0, text.slice(40)),
      ),
    }),
  ];
  return rng.pick(attacks)();
}

/** A raw TCP connection that performed a WebSocket handshake (or was refused: see `status`). */
export class RawSocket {
  private constructor(readonly conn: Deno.TcpConn, readonly status: number) {}

  /** Opens `ws://host:port/path?...` by hand; `status` is the HTTP answer (101 when upgraded). */
  static async open(url: string, headers: Record<string, string> = {}): Promise<RawSocket> {
    const u = new URL(url);
    const conn = await Deno.connect({ hostname: u.hostname, port: Number(u.port) });
    const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
    await conn.write(enc.encode(
      `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
    ));
    const head = await readHead(conn);
    return new RawSocket(conn, Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0));
  }

  async write(bytes: Uint8Array): Promise<boolean> {
    try {
      let done = 0;
      while (done < bytes.length) done += await this.conn.write(bytes.subarray(done));
      return true;
    } catch {
      return false; // the server hung up on us first: a fine answer to garbage
    }
  }

  /** Reads what comes back for up to `ms`, then closes (politely with a close frame when `polite`). */
  async finish(ms: number, polite: boolean): Promise<void> {
    if (polite) await this.write(frame(0x8, u16(1000)));
    const buf = new Uint8Array(16_384);
    const deadline = Date.now() + ms;
    try {
      while (Date.now() < deadline) {
        const n = await Promise.race([
          this.conn.read(buf),
          new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now())),
        ]);
        if (n === null) break;
      }
    } catch { /* reset by the server */ }
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }
}

async function readHead(conn: Deno.TcpConn): Promise<string> {
  const buf = new Uint8Array(4096);
  let head = "";
  const deadline = Date.now() + 5_000;
  while (!head.includes("\r\n\r\n") && Date.now() < deadline) {
    const n = await Promise.race([conn.read(buf), new Promise<null>((r) => setTimeout(() => r(null), 5_000))]).catch(
      () => null,
    );
    if (n === null) break;
    head += new TextDecoder().decode(buf.subarray(0, n));
  }
  return head;
}

/**
 * Sends an HTTP request by hand and hangs up before the body is complete: a client that vanishes
 * mid-request. Returns nothing; the server must shrug it off.
 */
export async function vanishMidRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  partialBody: string,
  claimedLength: number,
) {
  const u = new URL(url);
  const conn = await Deno.connect({ hostname: u.hostname, port: Number(u.port) });
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  try {
    await conn.write(
      enc.encode(
        `${method} ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nContent-Length: ${claimedLength}\r\n${extra}\r\n${partialBody}`,
      ),
    );
    await new Promise((r) => setTimeout(r, 20));
  } catch { /* refused early */ }
  try {
    conn.close();
  } catch { /* gone */ }
}

// ---- Reading the processes' logs ----

/** Lines that say a process met something it did not handle (but see KNOWN_RUNTIME_NOISE). */
const BAD_LINE =
  /Uncaught|TypeError|ReferenceError|RangeError|SyntaxError|EvalError|URIError|unhandled|^\s+at .+[:(]\d+:\d+\)?\s*$|workerd\/\S+: error:|Error when connecting|onRequest error|fetch error/i;
/** workerd's stack line (addresses only): it belongs to the message line before it, judged there. */
const WORKERD_STACK = /^\s*stack: /;

/**
 * Lines the dev runtime prints about clients that misbehave at the transport level, which no
 * application code sees or can catch; each is counted and reported, not failed on:
 * - workerd 1.20240718 (pinned by PartyKit 0.0.115) logs exceptions of its kind DISCONNECTED
 *   ("Uncaught exception: kj/...: disconnected: ...", "getCaughtExceptionAsKj() = ... Broken
 *   pipe") when a client's connection ends under it: TCP closed without a WebSocket close, an
 *   answer written to a client that hung up. workerd stopped logging these in 1.20250327
 *   (cloudflare/workerd#3650 and the same check in its HTTP listener); with 1.20250408 these runs
 *   print none of them.
 * - "... failed: WebSocket protocol error; protocolError.statusCode = 1002|1009": a client's
 *   frames broke RFC 6455 (reserved opcode or bits, a 4 GiB length); the runtime closes the socket
 *   and logs its internal exception from jsg/, io/ or server.c++ (still in 1.20250408;
 *   cloudflare/workerd#3937 turns it into a JS error event, as production does).
 * - "Uncaught (in response) Error: Network connection lost.": a client hung up in the middle of a
 *   request body. Miniflare's dev entry worker pipes every request into the user worker and logs
 *   the broken pipe; production has no such worker. (WebSocket departures used to print it too,
 *   from sockets held in memory; the parties hibernate now and do not: quietDepartures checks.)
 */
const KNOWN_RUNTIME_NOISE = new RegExp(
  [
    // Any of workerd's own lines about an exception of kind DISCONNECTED (server.c++, io/).
    String.raw`workerd/\S+\.c\+\+:\d+: error: .*\bkj/\S+: disconnected: `,
    // A frame that broke RFC 6455, wherever workerd logs it (jsg/, io/worker-entrypoint, server).
    String.raw`workerd/\S+\.c\+\+:\d+: error: .*WebSocket protocol error`,
    // The same violation echoed by the listener (marked worker_do_not_log).
    String.raw`server\.c\+\+:\d+: error: Uncaught exception: kj/compat/http\.c\+\+:\d+: failed: worker_do_not_log; `,
    String.raw`^(✘ \[ERROR\] )?Uncaught \(in response\) Error: Network connection lost\.$`,
  ].join("|"),
);

export interface LogFindings {
  /** Lines that fail a run. */
  bad: string[];
  /** workerd's hung-up-client lines (see KNOWN_RUNTIME_NOISE). */
  runtimeNoise: number;
  /** Every other line the process printed as an error or warning, for the report. */
  warnings: string[];
}

/** Splits a process's output into what fails a run, known runtime noise, and other warnings. */
export function readLog(log: string): LogFindings {
  const out: LogFindings = { bad: [], runtimeNoise: 0, warnings: [] };
  // deno-lint-ignore no-control-regex
  const lines = log.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\r/g, "").split("\n");
  for (const line of lines) {
    if (WORKERD_STACK.test(line)) continue;
    if (KNOWN_RUNTIME_NOISE.test(line.trim())) {
      // workerd prints its own errors twice, boxed and plain: count one.
      if (!/^\s*workerd\//.test(line)) out.runtimeNoise++;
      continue;
    }
    if (BAD_LINE.test(line)) out.bad.push(line.trim().slice(0, 400));
    else if (/✘|\[ERROR\]|\[WARN|error|warn/i.test(line) && !/\[pk:inf\]/.test(line)) {
      out.warnings.push(line.trim().slice(0, 400));
    }
  }
  return out;
}
