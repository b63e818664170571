// A Space's lifecycle in the pure reducer: scheduled -> live -> ended, the web's edits and the
// host's blocks.
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { createSpace, seatPlanned, updateBlocks, updateSpace } from "./lifecycle.ts";
import { apply } from "./reducer.ts";
import { type Applied, type ApplyResult, diffGrants, grantFor, kindOf } from "./state.ts";
import { context, liveSpace, P } from "./test_fixture.ts";

function ok(r: ApplyResult): Applied {
  assert(r.ok, `expected ok, got ${!r.ok && `${r.code}: ${r.message}`}`);
  return r;
}
const code = (r: ApplyResult) => (r.ok ? "ok" : r.code);

Deno.test("rules: scheduled -> live -> ended; nothing but start, end and reports before, nothing after", () => {
  const s = createSpace({
    type: "init",
    spaceId: "sp2",
    title: "Later",
    host: P.host,
    cohosts: [P.cohost],
    speakers: [P.speaker, P.host],
    blockedSubs: [],
    scheduledFor: 10_000,
  }, 1_000);
  assertEquals([s.status, s.planned.map((p) => p.sub)], ["scheduled", [
    P.cohost.sub,
    P.speaker.sub,
  ]]);
  assertEquals(code(apply(s, { type: "requestToSpeak" }, P.listener, context())), "not_live");
  assertEquals(
    code(
      apply(s, { type: "report", target: { space: true }, reason: "scam" }, P.listener, context()),
    ),
    "ok",
  );
  // A pre-named speaker who is connected at start takes the seat, muted; the other waits to connect.
  const started = ok(apply(s, { type: "start" }, P.host, context([P.speaker.sub])));
  assertEquals(started.state.stage.map((m) => [m.sub, m.role, m.muted]), [[
    P.host.sub,
    "host",
    true,
  ], [P.speaker.sub, "speaker", true]]);
  const later = seatPlanned(started.state, P.cohost, P.host.sub);
  assertEquals(kindOf(later.state, P.cohost.sub), "cohost");
  const ended = ok(apply(later.state, { type: "end" }, P.host, context()));
  assert(
    ended.grants.every((g) => !g.canSpeak) && ended.grants.length === 3,
    "everyone loses the right to speak",
  );
  // The ended Space's media is closed as a whole, not person by person; a later pull admits nobody.
  assert(ended.grants.every((g) => g.admitted), "ending is not a removal");
  assertEquals(
    [P.host.sub, P.listener.sub].map((sub) => grantFor(ended.state, sub).admitted),
    [false, false],
  );
  assertEquals(grantFor(later.state, P.listener.sub).admitted, true);
  // So the web can tell an ended Space from a removal when it refuses tokens.
  assertEquals([grantFor(ended.state, P.listener.sub).ended, grantFor(later.state, P.listener.sub).ended], [
    true,
    false,
  ]);
  assertEquals(
    code(apply(ended.state, { type: "react", emoji: "👋" }, P.listener, context())),
    "ended",
  );
  assertEquals(code(apply(ended.state, { type: "start" }, P.host, context())), "ended");
});

Deno.test("rules: the host's blocks act like a removal and take people off stage", () => {
  const b = updateBlocks(liveSpace(), [P.speaker.sub, P.handUp.sub, P.host.sub]);
  assertEquals(
    b.state.blocked,
    [P.speaker.sub, P.handUp.sub],
    "the host cannot block themself out",
  );
  assertEquals(kindOf(b.state, P.speaker.sub), "removed");
  assertEquals(b.out.map((d) => d.event.type), ["participantLeft", "participantLeft"]);
  // The SFU is told to drop them (speaker and listener alike) with a bumped seq; unblocking lets them back.
  const s = liveSpace();
  const blocked = diffGrants(s, b.state);
  assertEquals(blocked.grants, [
    { sub: P.speaker.sub, canSpeak: false, muted: true, admitted: false, video: false, seq: s.seq + 1 },
    { sub: P.handUp.sub, canSpeak: false, muted: true, admitted: false, video: false, seq: s.seq + 2 },
  ]);
  assertEquals(blocked.state.seq, s.seq + 2);
  const unblocked = diffGrants(blocked.state, updateBlocks(blocked.state, [P.speaker.sub]).state);
  assertEquals(unblocked.grants, [
    { sub: P.handUp.sub, canSpeak: false, muted: true, admitted: true, video: false, seq: s.seq + 3 },
  ]);
});

Deno.test("rules: edits from the web: time and names only while scheduled, never in the past", () => {
  const s = createSpace({
    type: "init",
    spaceId: "sp4",
    title: "Soon",
    host: P.host,
    cohosts: [],
    speakers: [P.speaker],
    blockedSubs: [],
    scheduledFor: 50_000,
  }, 1_000);
  const u = updateSpace(s, { type: "update", cohosts: [P.cohost, P.speaker] }, 2_000);
  if (typeof u === "string") throw new Error(u);
  assertEquals(u.state.planned.map((p) => [p.sub, p.role]), [
    [P.cohost.sub, "cohost"],
    [P.speaker.sub, "cohost"],
  ]);
  assertEquals(typeof updateSpace(s, { type: "update", scheduledFor: 500 }, 2_000), "string");
  const live = ok(apply(s, { type: "start" }, P.host, context())).state;
  assertEquals(typeof updateSpace(live, { type: "update", scheduledFor: 90_000 }, 2_000), "string");
  const renamed = updateSpace(live, { type: "update", title: "Now" }, 2_000);
  assertEquals(typeof renamed !== "string" && renamed.state.title, "Now");
});

Deno.test("rules: a Space created with record on is recorded from its start, live or scheduled", () => {
  const base = {
    type: "init" as const,
    spaceId: "sp3",
    title: "Recorded",
    host: P.host,
    cohosts: [],
    speakers: [],
    blockedSubs: [],
  };
  const live = createSpace({ ...base, record: true }, 1_000);
  assertEquals([live.status, live.recording], ["live", true]);
  const scheduled = createSpace({ ...base, record: true, scheduledFor: 10_000 }, 1_000);
  assertEquals([scheduled.status, scheduled.recording], ["scheduled", true]);
  const started = ok(apply(scheduled, { type: "start" }, P.host, context()));
  assertEquals(started.state.recording, true);
  assertEquals(createSpace(base, 1_000).recording, false);
});
