// How the Space room reads one message, before any rule applies: the 16 KiB limit in bytes,
// JSON and schema errors that echo the client's ref, and the per-connection flood limits.
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { MAX_MESSAGE_BYTES } from "../../lib/protocol/defaults.ts";
import { SPACE_CLOSE } from "../../lib/protocol/space.ts";
import { SpaceRoomRequest } from "../../lib/protocol/space_http.ts";
import { type ConnLimits, readMessage, tooBig } from "./inbound.ts";
import { FLOOD_STRIKES, LIMITS, PersonalLimits } from "./limits.ts";
import { Presence } from "./presence.ts";

const fresh = (): ConnLimits => ({ buckets: {}, strikes: 0 });
const read = (m: string | Uint8Array, limits = fresh(), now = 1_000) =>
  readMessage(m, limits, new PersonalLimits(), "u:reader01", now);

Deno.test("inbound: the limit counts UTF-8 bytes, not characters", () => {
  assert(
    !tooBig("é".repeat(MAX_MESSAGE_BYTES / 2)) && tooBig("é".repeat(MAX_MESSAGE_BYTES / 2 + 1)),
  );
  assert(
    !tooBig(new Uint8Array(MAX_MESSAGE_BYTES)) && tooBig(new Uint8Array(MAX_MESSAGE_BYTES + 1)),
  );
  const padded = (n: number) => JSON.stringify({ type: "comment", text: "x".repeat(n) });
  const exact = padded(MAX_MESSAGE_BYTES - padded(0).length);
  assertEquals(new TextEncoder().encode(exact).length, MAX_MESSAGE_BYTES);
  // At the limit the message is read (and refused as a comment over 280 characters)...
  assertEquals(read(exact).kind, "refuse");
  // ...one byte more closes the connection with 1009.
  const over = read(padded(MAX_MESSAGE_BYTES - padded(0).length + 1));
  assertEquals(over.kind === "close" && over.code, SPACE_CLOSE.tooBig);
  // 8,193 two-byte characters are under 16 KiB in characters but over it in bytes.
  const wide = read(JSON.stringify({ type: "comment", text: "é".repeat(8_193) }));
  assertEquals(wide.kind === "close" && wide.code, SPACE_CLOSE.tooBig);
});

Deno.test("inbound: binary, bad JSON and unknown commands are refused with a reason and the ref", () => {
  const bin = read(new Uint8Array([1, 2, 3]));
  assertEquals(bin.kind === "refuse" && bin.code, "bad_message");
  const junk = read("{nope");
  assert(junk.kind === "refuse" && junk.message.includes("JSON"));
  const unknown = read(JSON.stringify({ type: "teleport", ref: "abc" }));
  assert(unknown.kind === "refuse" && unknown.ref === "abc" && unknown.code === "bad_message");
  const ok = read(JSON.stringify({ type: "mute", sub: "u:someone1", ref: "r" }));
  assertEquals(ok, {
    kind: "command",
    cmd: { type: "mute", sub: "u:someone1", ref: "r" },
    ref: "r",
  });
});

Deno.test("inbound: a burst is allowed, then rate_limited, and a connection that keeps on is closed", () => {
  const limits = fresh();
  // A command with no limit of its own, so only the general one shows.
  const msg = JSON.stringify({ type: "muteSelf" });
  const kinds: string[] = [];
  for (let i = 0; i < LIMITS.message.burst + FLOOD_STRIKES; i++) {
    const r = readMessage(msg, limits, new PersonalLimits(), "u:reader01", 1_000);
    kinds.push(r.kind === "refuse" ? r.code : r.kind);
  }
  assertEquals(kinds.filter((k) => k === "rate_limited").length, FLOOD_STRIKES - 1);
  const last = readMessage(msg, limits, new PersonalLimits(), "u:reader01", 1_000);
  assertEquals(last.kind === "close" && last.code, SPACE_CLOSE.flood);
  // Waiting refills the bucket and clears the strikes.
  const later = readMessage(msg, limits, new PersonalLimits(), "u:reader01", 5_000);
  assertEquals([later.kind, limits.strikes], ["command", 0]);
});

Deno.test("inbound: reactions per connection, comments per person across connections", () => {
  const limits = fresh();
  const react = JSON.stringify({ type: "react", emoji: "👋" });
  const reacts = Array.from({ length: 12 }, () => read(react, limits).kind);
  assertEquals(reacts.filter((k) => k === "command").length, LIMITS.react.burst);
  const personal = new PersonalLimits();
  const comment = JSON.stringify({ type: "comment", text: "hi" });
  // Two tabs of the same person share one comment budget.
  const outcomes = Array.from(
    { length: 8 },
    (_, i) => readMessage(comment, fresh(), personal, "u:reader01", 1_000 + i).kind,
  );
  assertEquals(outcomes.filter((k) => k === "command").length, LIMITS.comment.burst);
  assertEquals(readMessage(comment, fresh(), personal, "u:other001", 1_000).kind, "command");
});

Deno.test("presence: arrivals, departures, listeners and the connection caps", () => {
  const p = new Presence();
  assert(p.add("u:aaaa0001", "c1", null), "first connection is an arrival");
  assert(!p.add("u:aaaa0001", "c2", null), "a second tab is not");
  p.add("u:bbbb0001", "c3", null);
  assertEquals(p.listeners([{ sub: "u:bbbb0001" }]), 1);
  assert(!p.remove("u:aaaa0001", "c1", null));
  assert(p.remove("u:aaaa0001", "c2", null), "the last tab closing is a departure");
  for (let i = 0; i < 5; i++) p.add("u:cccc0001", `t${i}`, null);
  assert(p.refusal("u:cccc0001", null)?.includes("Too many open connections"));
  for (let i = 0; i < 200; i++) p.add(`u:nat${String(i).padStart(5, "0")}`, `n${i}`, "203.0.113.1");
  assert(p.refusal("u:natnew01", "203.0.113.1")?.includes("your network"));
  assertEquals(p.refusal("u:natnew01", "203.0.113.2"), undefined);
});

Deno.test("inbound: a comment or report of invisible characters only is refused, saying so", () => {
  for (const text of ["\u200B\u200B", "\u3164", "\u2800\u2800", "\u202E\u2066", "\u0301", "\uFEFF\u00AD"]) {
    const r = read(JSON.stringify({ type: "comment", text, ref: "c1" }));
    assertEquals(r.kind, "refuse", JSON.stringify(text));
    assert(r.kind === "refuse" && r.message.includes("comment has no visible characters"), JSON.stringify(r));
    assertEquals(r.kind === "refuse" && r.ref, "c1");
  }
  const report = read(JSON.stringify({ type: "report", target: { space: true }, reason: "\u200D\u3164" }));
  assert(report.kind === "refuse" && report.message.includes("no visible characters"));
  const fine = read(JSON.stringify({ type: "comment", text: "\u200Bhello\u200B" }));
  assertEquals(fine.kind, "command");
});

Deno.test("room HTTP: a Space title of invisible characters only is refused on init and update", () => {
  const host = { sub: "u:host0001" };
  for (const title of ["\u200B", "\u3164\u3164", " \u2800 ", "\uFE0F\u034F"]) {
    const init = SpaceRoomRequest.safeParse({ type: "init", spaceId: "s1", title, host });
    assert(!init.success && init.error.issues[0].message === "title has no visible characters", title);
    const update = SpaceRoomRequest.safeParse({ type: "update", title });
    assert(!update.success && update.error.issues[0].message === "title has no visible characters", title);
  }
  assert(SpaceRoomRequest.safeParse({ type: "init", spaceId: "s1", title: "Jazz \u{1F3B7}", host }).success);
});

Deno.test("limits: people who left are forgotten once their buckets refill, so the map stays small", () => {
  const limits = new PersonalLimits();
  const t0 = 1_000_000;
  for (let i = 0; i < 1_000; i++) limits.take(`u:gone${String(i).padStart(5, "0")}`, "connect", t0 + i);
  assert(limits.size >= 1_000);
  // Someone throttled just before the next prune is kept: forgetting them would hand them a fresh burst.
  const t1 = t0 + PersonalLimits.PRUNE_EVERY_MS - 1;
  for (let i = 0; i < 10; i++) limits.take("u:flooder01", "connect", t1);
  // A minute after the last prune (the connect bucket refills in 20 s), everyone refilled goes.
  assert(limits.take("u:newcomer1", "connect", t1 + 1));
  assertEquals(limits.size, 2);
  assert(!limits.take("u:flooder01", "connect", t1 + 1), "still throttled");
});
