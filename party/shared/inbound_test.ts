// The inbound path every room shares, with a small schema of its own: what closes a connection,
// what is refused with which code and text, and what comes through as a command.
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import type * as Party from "partykit/server";
import { z } from "zod";
import { MAX_MESSAGE_BYTES } from "../../lib/protocol/defaults.ts";
import {
  type ConnLimits,
  FLOODED,
  type Inbound,
  type InboundRules,
  NOT_JSON,
  NOT_TEXT,
  readInbound,
  receive,
  SLOW_DOWN,
  TOO_BIG,
} from "./inbound.ts";

const Ping = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ping"), ref: z.string().max(64).optional() }).strict(),
  z.object({
    type: z.literal("say"),
    text: z.string().max(20_000),
    to: z.string().max(5, "to is over 5 characters").optional(),
    ref: z.string().max(64).optional(),
  }).strict(),
]);
type Ping = z.infer<typeof Ping>;

const RULES: InboundRules<Ping> = {
  schema: Ping,
  rule: { rate: 1, burst: 3 },
  strikes: 4,
  close: { tooBig: 1009, flood: 4008 },
  noun: "ping",
  echoRef: true,
  unready: "Wait for hello.",
};

const fresh = (): ConnLimits => ({ buckets: {}, strikes: 0 });
const text = (body: unknown) => JSON.stringify(body);
/** A `say` whose JSON text is exactly `bytes` bytes of UTF-8, padded with `ch` (1 or 2 bytes). */
function sayOf(bytes: number, ch: "x" | "é"): string {
  const base = text({ type: "say", text: "" }).length;
  const width = new TextEncoder().encode(ch).length;
  const n = Math.floor((bytes - base) / width);
  return text({ type: "say", text: ch.repeat(n) + "x".repeat(bytes - base - n * width) });
}

Deno.test("readInbound: one message, read against one room's rules", async (t) => {
  const table: {
    name: string;
    message: string | Uint8Array;
    rules?: Partial<InboundRules<Ping>>;
    want: Inbound<Ping>;
  }[] = [
    {
      name: "a command",
      message: text({ type: "ping" }),
      want: { kind: "command", cmd: { type: "ping" } },
    },
    {
      name: "its ref comes back with it",
      message: text({ type: "ping", ref: "r1" }),
      want: { kind: "command", cmd: { type: "ping", ref: "r1" }, ref: "r1" },
    },
    {
      name: "exactly the limit in two-byte characters is read",
      message: sayOf(MAX_MESSAGE_BYTES, "é"),
      want: { kind: "command", cmd: JSON.parse(sayOf(MAX_MESSAGE_BYTES, "é")) },
    },
    {
      name: "one byte over, in two-byte characters (fewer characters than the limit), closes",
      message: sayOf(MAX_MESSAGE_BYTES + 1, "é"),
      want: { kind: "close", code: 1009, reason: TOO_BIG },
    },
    {
      name: "one byte over in binary closes",
      message: new Uint8Array(MAX_MESSAGE_BYTES + 1),
      want: { kind: "close", code: 1009, reason: TOO_BIG },
    },
    {
      name: "binary is refused",
      message: new Uint8Array([1, 2, 3]),
      want: { kind: "refuse", code: "bad_message", message: NOT_TEXT },
    },
    {
      name: "not JSON",
      message: "{nope",
      want: { kind: "refuse", code: "bad_message", message: NOT_JSON },
    },
    {
      name: "a schema miss names the first issue's path, and echoes the ref",
      message: text({ type: "say", text: "x", to: "everyone", ref: "r2" }),
      want: {
        kind: "refuse",
        code: "bad_message",
        message: "Not a valid ping (to): to is over 5 characters.",
        ref: "r2",
      },
    },
    {
      name: "a ref over 64 characters is not echoed",
      message: text({ type: "say", text: "x", to: "everyone", ref: "x".repeat(65) }),
      want: {
        kind: "refuse",
        code: "bad_message",
        message: "Not a valid ping (to): to is over 5 characters.",
      },
    },
    {
      name: "a room with one text for bad input says only that, with no ref",
      message: text({ type: "teleport", ref: "r3" }),
      rules: { malformed: "Pings only.", echoRef: false },
      want: { kind: "refuse", code: "bad_message", message: "Pings only." },
    },
    {
      name: "a room's own limit refuses with rate_limited and the ref",
      message: text({ type: "say", text: "hi", ref: "r4" }),
      want: { kind: "refuse", code: "rate_limited", message: "Too many says.", ref: "r4" },
    },
  ];
  const sayLimit = (cmd: Ping) => cmd.type === "say" && cmd.text === "hi" ? "Too many says." : undefined;
  for (const row of table) {
    await t.step(row.name, () => {
      assertEquals(
        readInbound(row.message, fresh(), { ...RULES, ...row.rules }, 1_000, sayLimit),
        row.want,
      );
    });
  }
});

Deno.test("readInbound: a burst, then rate_limited strikes, then the close; waiting clears them", () => {
  const limits = fresh();
  const ping = text({ type: "ping" });
  const seen = Array.from({ length: RULES.rule.burst + RULES.strikes }, () => {
    const r = readInbound(ping, limits, RULES, 1_000);
    return r.kind === "refuse"
      ? `${r.code}: ${r.message}`
      : r.kind === "close"
      ? `close ${r.code}: ${r.reason}`
      : r.kind;
  });
  assertEquals(seen, [
    "command",
    "command",
    "command",
    `rate_limited: ${SLOW_DOWN}`,
    `rate_limited: ${SLOW_DOWN}`,
    `rate_limited: ${SLOW_DOWN}`,
    `close 4008: ${FLOODED}`,
  ]);
  // A second later one token is back: the message goes through and the strikes are cleared.
  assertEquals([readInbound(ping, limits, RULES, 2_000).kind, limits.strikes], ["command", 0]);
  // Bad JSON within the rate is no strike: only flooding is.
  for (let i = 0; i < 3; i++) readInbound("{", limits, RULES, 10_000 + i * 1_000);
  assertEquals(limits.strikes, 0);
});

/** A connection as a room sees it: what it was sent, how it was closed, its attachment. */
function fakeConn<S>(state: S | null) {
  const conn = {
    readyState: 1,
    state,
    sent: [] as unknown[],
    closed: undefined as { code?: number; reason?: string } | undefined,
    send(t: string) {
      conn.sent.push(JSON.parse(t));
    },
    close(code?: number, reason?: string) {
      conn.closed = { code, reason };
      conn.readyState = 3;
    },
    setState(s: S) {
      conn.state = s;
      return s;
    },
  };
  return conn;
}
type Conn<S> = Party.Connection<S>;

Deno.test("receive: the attachment keeps the limits, refusals get the error event, floods are closed", () => {
  type St = ConnLimits & { who: string };
  const c = fakeConn<St>({ who: "ann", buckets: {}, strikes: 0 });
  const conn = c as unknown as Conn<St>;
  const got = receive<Ping, St>(conn, text({ type: "ping", ref: "a" }), RULES, { now: 1_000 });
  assertEquals(got?.cmd, { type: "ping", ref: "a" });
  assertEquals([got?.ref, got?.state.who, c.state?.buckets.message?.tokens], ["a", "ann", 2]);
  assertEquals(receive<Ping, St>(conn, "{", RULES, { now: 1_000 }), undefined);
  assertEquals(c.sent, [{ type: "error", code: "bad_message", message: NOT_JSON }]);
  // `keep` adds what the room stores beside the limits, in the same write.
  receive<Ping, St>(conn, text({ type: "ping" }), RULES, {
    now: 1_000,
    keep: (st) => ({ ...st, who: "ann again" }),
  });
  assertEquals(c.state?.who, "ann again");
  for (let i = 0; i < RULES.strikes; i++) {
    receive<Ping, St>(conn, text({ type: "ping" }), RULES, { now: 1_000 });
  }
  assertEquals(c.closed, { code: 4008, reason: FLOODED });
  assertEquals(
    c.sent.filter((e) => (e as { code: string }).code === "rate_limited").length,
    RULES.strikes - 1,
  );
});

Deno.test("receive: before its admission a connection is answered the room's text, or ignored; too big still closes", () => {
  const early = fakeConn<ConnLimits>(null);
  assertEquals(
    receive<Ping, ConnLimits>(early as unknown as Conn<ConnLimits>, text({ type: "ping" }), RULES, {
      now: 1,
    }),
    undefined,
  );
  assertEquals(early.sent, [{ type: "error", code: "bad_message", message: "Wait for hello." }]);
  const quiet = fakeConn<ConnLimits>(null);
  receive<Ping, ConnLimits>(quiet as unknown as Conn<ConnLimits>, text({ type: "ping" }), {
    ...RULES,
    unready: undefined,
  }, { now: 1 });
  assertEquals([quiet.sent, quiet.closed], [[], undefined]);
  receive<Ping, ConnLimits>(
    quiet as unknown as Conn<ConnLimits>,
    "é".repeat(MAX_MESSAGE_BYTES / 2 + 1),
    RULES,
    { now: 1 },
  );
  assertEquals(quiet.closed, { code: 1009, reason: TOO_BIG });
});
