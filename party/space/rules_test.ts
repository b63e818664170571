// The Space rules the table cannot show in one cell: limits, consent, mute ownership, grants for
// the SFU, bans, comments and reports. Pure reducer, no server.
// Lifecycle rules: lifecycle_test.ts.
// Longer than 300 lines on purpose: one rule per test, each a few lines; split by rule area they
// would repeat the same fixture.
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import { SpaceCommand } from "../../lib/protocol/space.ts";
import { apply } from "./reducer.ts";
import { type Applied, type ApplyResult, grantFor, kindOf, spaceInfo, type SpaceState } from "./state.ts";
import { context, liveSpace, P } from "./test_fixture.ts";

function ok(r: ApplyResult): Applied {
  assert(r.ok, `expected ok, got ${!r.ok && `${r.code}: ${r.message}`}`);
  return r;
}
const code = (r: ApplyResult) => (r.ok ? "ok" : r.code);
const speakers = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => ({
      sub: `u:extra${String(i).padStart(3, "0")}`,
      role: "speaker" as const,
      muted: true,
    }),
  );
const withStage = (s: SpaceState, extra: ReturnType<typeof speakers>) => ({
  ...s,
  stage: [...s.stage, ...extra],
});

Deno.test("rules: the stage holds 10 speakers besides the host and co-hosts", () => {
  const s = withStage(liveSpace(), speakers(8)); // speaker1, speaker2 + 8 = 10 speakers
  assertEquals(
    code(apply(s, { type: "acceptRequest", sub: P.handUp.sub }, P.host, context())),
    "stage_full",
  );
  assertEquals(
    code(apply(s, { type: "inviteToSpeak", sub: P.guest.sub }, P.host, context())),
    "stage_full",
  );
  const invited = { ...s, invited: [P.guest.sub] };
  assertEquals(code(apply(invited, { type: "acceptInvite" }, P.guest, context())), "stage_full");
  const roomy = withStage(liveSpace(), speakers(7));
  const full = ok(apply(roomy, { type: "acceptRequest", sub: P.handUp.sub }, P.host, context())).state;
  assertEquals(full.stage.filter((m) => m.role === "speaker").length, 10);
  // A speaker made co-host frees a speaker seat: host + 2 co-hosts + 10 speakers = 13.
  const promoted = ok(apply(full, { type: "addCohost", sub: P.speaker.sub }, P.host, context())).state;
  const withHand = { ...promoted, hands: [{ ...P.guest, at: 1 }] };
  const thirteen = ok(apply(withHand, { type: "acceptRequest", sub: P.guest.sub }, P.host, context())).state;
  assertEquals(thirteen.stage.length, 13);
});

Deno.test("rules: at most 2 co-hosts, only people already on stage, only the host decides", () => {
  const s = liveSpace();
  const two = ok(apply(s, { type: "addCohost", sub: P.speaker.sub }, P.host, context())).state;
  assertEquals(
    code(apply(two, { type: "addCohost", sub: P.speaker2.sub }, P.host, context())),
    "cohosts_full",
  );
  assertEquals(
    code(apply(s, { type: "addCohost", sub: P.listener.sub }, P.host, context())),
    "not_found",
  );
  assertEquals(
    code(apply(two, { type: "removeCohost", sub: P.speaker.sub }, P.cohost, context())),
    "forbidden",
  );
  const back = ok(apply(two, { type: "removeCohost", sub: P.speaker.sub }, P.host, context()));
  assertEquals(kindOf(back.state, P.speaker.sub), "speaker");
});

Deno.test("rules: a new speaker arrives muted, unmutes only themself, and the SFU hears of each step", () => {
  const s = liveSpace();
  const up = ok(apply(s, { type: "acceptRequest", sub: P.handUp.sub }, P.cohost, context()));
  assertEquals(
    up.grants.map(({ sub, canSpeak, muted, admitted, video }) => ({ sub, canSpeak, muted, admitted, video })),
    [{
      sub: P.handUp.sub,
      canSpeak: true,
      muted: true,
      admitted: true,
      video: false,
    }],
  );
  assertEquals(up.out.map((d) => d.event.type), ["handLowered", "roleChanged"]);
  // There is no command to unmute someone else: a target on unmuteSelf is not valid protocol.
  assert(!SpaceCommand.safeParse({ type: "unmuteSelf", sub: P.handUp.sub }).success);
  const live = ok(apply(up.state, { type: "unmuteSelf" }, P.handUp, context()));
  assertEquals(grantFor(live.state, P.handUp.sub).muted, false);
  const muted = ok(apply(live.state, { type: "mute", sub: P.handUp.sub }, P.cohost, context()));
  assertEquals(muted.grants[0].muted, true);
  assert(
    muted.grants[0].seq > live.grants[0].seq && live.grants[0].seq > up.grants[0].seq,
    "seq only grows",
  );
  const down = ok(
    apply(muted.state, { type: "moveToAudience", sub: P.handUp.sub }, P.cohost, context()),
  );
  assertEquals([down.grants[0].canSpeak, kindOf(down.state, P.handUp.sub)], [false, "listener"]);
});

Deno.test("rules: co-hosts cannot mute, move or remove the host, nor move or remove a co-host", () => {
  const s = {
    ...liveSpace(),
    stage: [...liveSpace().stage, { ...P.guest, role: "cohost" as const, muted: false }],
  };
  assertEquals(code(apply(s, { type: "mute", sub: P.host.sub }, P.cohost, context())), "forbidden");
  assertEquals(
    code(apply(s, { type: "moveToAudience", sub: P.host.sub }, P.cohost, context())),
    "forbidden",
  );
  assertEquals(
    code(apply(s, { type: "moveToAudience", sub: P.guest.sub }, P.cohost, context())),
    "forbidden",
  );
  assertEquals(
    code(apply(s, { type: "remove", sub: P.host.sub }, P.cohost, context())),
    "forbidden",
  );
  assertEquals(
    code(apply(s, { type: "remove", sub: P.guest.sub }, P.cohost, context())),
    "forbidden",
  );
  // muteAll by a co-host spares the host; by the host it spares only the host.
  const byCohost = ok(apply(s, { type: "muteAll" }, P.cohost, context()));
  assertEquals(byCohost.state.stage.filter((m) => !m.muted).map((m) => m.sub), [
    P.host.sub,
    P.cohost.sub,
  ]);
  const byHost = ok(apply(s, { type: "muteAll" }, P.host, context()));
  assertEquals(byHost.state.stage.filter((m) => !m.muted).map((m) => m.sub), [P.host.sub]);
});

Deno.test("rules: consent both ways: an invitation is only accepted by the invited person; anonymous people are not invited", () => {
  const s = liveSpace();
  const inv = ok(apply(s, { type: "inviteToSpeak", sub: P.guest.sub }, P.host, context()));
  assertEquals(
    kindOf(inv.state, P.guest.sub),
    "listener",
    "an invitation alone does not seat anyone",
  );
  assertEquals(
    code(apply(inv.state, { type: "acceptInvite" }, P.listener, context())),
    "not_found",
  );
  assertEquals(
    kindOf(ok(apply(inv.state, { type: "acceptInvite" }, P.guest, context())).state, P.guest.sub),
    "speaker",
  );
  assertEquals(
    code(apply(s, { type: "inviteToSpeak", sub: P.anonymous.sub }, P.host, context())),
    "sign_in_required",
  );
  assertEquals(
    code(apply(s, { type: "inviteToSpeak", sub: P.removed.sub }, P.host, context())),
    "not_found",
  );
});

Deno.test("rules: removal is a ban by person that clears their seat, hand and invitation", () => {
  const s = { ...liveSpace(), invited: [P.handUp.sub] };
  const r = ok(apply(s, { type: "remove", sub: P.handUp.sub }, P.cohost, context()));
  assertEquals(kindOf(r.state, P.handUp.sub), "removed");
  assertEquals([r.state.hands.length, r.state.invited.length], [0, 0]);
  assertEquals(r.out[0], {
    to: "sub",
    sub: P.handUp.sub,
    event: { type: "removed", message: "A host removed you from this Space." },
  });
  // The SFU hears of it too: a removed listener's media is closed and never let back in.
  assertEquals(r.grants, [{
    sub: P.handUp.sub,
    canSpeak: false,
    muted: true,
    admitted: false,
    video: false,
    seq: s.seq + 1,
  }]);
  assertEquals(grantFor(r.state, P.handUp.sub), {
    canSpeak: false,
    muted: true,
    admitted: false,
    video: false,
    seq: r.state.seq,
    ended: false,
  });
  const onStage = ok(apply(s, { type: "remove", sub: P.speaker.sub }, P.host, context()));
  assertEquals(onStage.grants.map((g) => [g.sub, g.canSpeak, g.admitted]), [[
    P.speaker.sub,
    false,
    false,
  ]]);
  assertEquals(
    code(apply(onStage.state, { type: "react", emoji: "👋" }, P.speaker, context())),
    "removed",
  );
  assertEquals(
    code(apply(onStage.state, { type: "remove", sub: P.speaker.sub }, P.host, context())),
    "conflict",
  );
});

Deno.test("rules: comments keep the 30 latest for newcomers; pins need a known comment or an http(s) link", () => {
  let s = liveSpace();
  for (let i = 0; i < 40; i++) {
    s = ok(apply(s, { type: "comment", text: `c${i}` }, P.listener, context())).state;
  }
  assertEquals([s.comments.length, s.comments.at(-1)!.text], [30, "c39"]);
  assertEquals(code(apply(s, { type: "pin", commentId: "c1" }, P.host, context())), "not_found");
  assert(!SpaceCommand.safeParse({ type: "pin", url: "javascript:alert(1)" }).success);
  assert(
    !SpaceCommand.safeParse({ type: "pin", url: "https://a.example", commentId: "x" }).success,
  );
  assert(!SpaceCommand.safeParse({ type: "pin" }).success);
  const pinned = ok(
    apply(s, { type: "pin", url: "https://example.org/talk" }, P.cohost, context()),
  );
  assertEquals(pinned.state.pinned, {
    kind: "url",
    url: "https://example.org/talk",
    by: P.cohost.sub,
  });
});

Deno.test("rules: reports carry who, what and when, and only the reporter is told", () => {
  const r = ok(
    apply(
      liveSpace(),
      { type: "report", target: { sub: P.speaker.sub }, reason: "abuse", ref: "x1" },
      P.listener,
      context(),
    ),
  );
  assertEquals(r.report, {
    id: "id1",
    spaceId: "sp1",
    by: P.listener,
    target: { sub: P.speaker.sub },
    reason: "abuse",
    at: 2_000,
  });
  assertEquals(r.out, [{
    to: "sub",
    sub: P.listener.sub,
    event: { type: "reported", reportId: "id1", ref: "x1" },
  }]);
});

Deno.test("rules: video is the host's and co-hosts' switch; the SFU hears a camera grant only for people on stage", () => {
  const s = liveSpace();
  assertEquals(grantFor(s, P.speaker.sub).video, false, "a Space is audio-only unless allowed");
  for (const who of [P.speaker, P.listener]) {
    assertEquals(code(apply(s, { type: "setVideo", allowed: true }, who, context())), "forbidden");
  }
  const on = ok(apply(s, { type: "setVideo", allowed: true }, P.cohost, context()));
  assertEquals(on.out.map((d) => [d.to, d.event.type, d.event.type === "spaceUpdated" && d.event.space.videoAllowed]), [
    ["all", "spaceUpdated", true],
  ]);
  // One grant per person on stage, with video, newer seq; listeners get none.
  assertEquals(
    on.grants.map(({ sub, video, canSpeak }) => ({ sub, video, canSpeak })).sort((a, b) => a.sub.localeCompare(b.sub)),
    [P.cohost, P.host, P.speaker, P.speaker2].map((p) => ({ sub: p.sub, video: true, canSpeak: true }))
      .sort((a, b) => a.sub.localeCompare(b.sub)),
  );
  assert(on.grants.every((g) => g.seq > s.seq));
  assertEquals(grantFor(on.state, P.listener.sub).video, false);
  assertEquals(code(apply(on.state, { type: "setVideo", allowed: true }, P.host, context())), "conflict");
  // Back to the audience: the camera grant goes with the microphone.
  const down = ok(apply(on.state, { type: "leaveStage" }, P.speaker, context()));
  assertEquals(down.grants.map(({ sub, video }) => ({ sub, video })), [{ sub: P.speaker.sub, video: false }]);
  // Off again: every camera grant goes, the audio grants stay.
  const off = ok(apply(down.state, { type: "setVideo", allowed: false }, P.host, context()));
  assert(off.grants.length === 3 && off.grants.every((g) => !g.video && g.canSpeak));
  // Nothing changes for a malformed switch.
  assert(!SpaceCommand.safeParse({ type: "setVideo", allowed: "yes" }).success);
  assert(!SpaceCommand.safeParse({ type: "setVideo" }).success);
});

Deno.test("rules: recording is the host's switch alone; everyone sees the REC mark; a refusal changes nothing", () => {
  const s = liveSpace();
  assertEquals(spaceInfo(s).recording, false, "a Space is not recorded unless asked");
  for (const who of [P.cohost, P.speaker, P.listener, P.anonymous, P.removed]) {
    const before = structuredClone(s);
    const r = apply(s, { type: "setRecording", on: true }, who, context());
    assert(!r.ok && r.message.length > 10);
    assertEquals(r.code, who === P.anonymous ? "sign_in_required" : who === P.removed ? "removed" : "forbidden");
    assertEquals(s, before);
  }
  const on = ok(apply(s, { type: "setRecording", on: true }, P.host, context()));
  assertEquals(on.state.recording, true);
  assertEquals(on.grants, [], "recording changes nobody's right to speak");
  assertEquals(on.out.map((d) => [d.to, d.event.type, d.event.type === "spaceUpdated" && d.event.space.recording]), [
    ["all", "spaceUpdated", true],
  ]);
  assertEquals(code(apply(on.state, { type: "setRecording", on: true }, P.host, context())), "conflict");
  assertEquals(code(apply(s, { type: "setRecording", on: false }, P.host, context())), "conflict");
  const off = ok(apply(on.state, { type: "setRecording", on: false }, P.host, context()));
  assertEquals(spaceInfo(off.state).recording, false);
  // Scheduled or ended: the usual refusals.
  const scheduled = { ...s, status: "scheduled" as const, startedAt: undefined, scheduledFor: 9_000 };
  assertEquals(code(apply(scheduled, { type: "setRecording", on: true }, P.host, context())), "not_live");
  const ended = ok(apply(on.state, { type: "end" }, P.host, context())).state;
  assertEquals(ended.recording, false, "an ended Space records nothing more");
  assertEquals(code(apply(ended, { type: "setRecording", on: true }, P.host, context())), "ended");
  // Malformed switches are refused by the schema.
  assert(!SpaceCommand.safeParse({ type: "setRecording", on: "yes" }).success);
  assert(!SpaceCommand.safeParse({ type: "setRecording" }).success);
  assert(!SpaceCommand.safeParse({ type: "setRecording", on: true, by: "u:host0001" }).success);
});
