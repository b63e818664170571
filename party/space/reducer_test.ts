// Grants come from one place: the reducer's `commit`, from the state before and after a step,
// whatever made the step (a command, the web's lifecycle requests, a pre-named speaker arriving).
import { deepStrictEqual as assertEquals, ok as assert } from "node:assert/strict";
import type { SpaceCommand } from "../../lib/protocol/space.ts";
import { createSpace, endSpace, seatPlanned, startSpace, updateBlocks, updateSpace } from "./lifecycle.ts";
import { apply, commit, decide } from "./reducer.ts";
import type { Actor, ApplyContext, Grant, SpaceState, Step } from "./state.ts";

const host = { sub: "u:host0001", handle: "host", name: "Host" };
const speaker = { sub: "u:speaker1", handle: "speaker", name: "Spea" };
const hand = { sub: "u:handup01", handle: "hand", name: "Hand" };
const planned = { sub: "u:planned1", handle: "planned", name: "Plan" };
const blocked = { sub: "u:blocked1" };

const init = (scheduledFor?: number) => ({
  type: "init" as const,
  spaceId: "sp1",
  title: "Morning talk",
  host,
  cohosts: [],
  speakers: [planned],
  blockedSubs: [blocked.sub],
  ...(scheduledFor !== undefined && { scheduledFor }),
});

/** Live, the host and a speaker on stage unmuted, a hand raised, grants numbered up to 5. */
function live(): SpaceState {
  const s = createSpace(init(), 1_000);
  return {
    ...s,
    seq: 5,
    stage: [{ ...host, role: "host", muted: false }, { ...speaker, role: "speaker", muted: false }],
    hands: [{ ...hand, at: 1_500 }],
  };
}

const ctx = (present: string[] = []): ApplyContext => ({
  now: 2_000,
  newId: () => "id1",
  isPresent: (sub) => present.includes(sub),
});

function step(s: SpaceState, cmd: SpaceCommand, by: Actor): Step {
  const d = decide(s, cmd, by, ctx());
  if (!("state" in d)) throw new Error(`${cmd.type} refused: ${d.message}`);
  return d;
}

type Rights = Omit<Grant, "seq">;
const speaking = (sub: string, muted: boolean, video = false): Rights => ({
  sub,
  canSpeak: true,
  muted,
  admitted: true,
  video,
});
const silent = (sub: string, admitted = true): Rights => ({
  sub,
  canSpeak: false,
  muted: true,
  admitted,
  video: false,
});

Deno.test("commit: every kind of transition gets its grants from the states before and after", async (t) => {
  const s = live();
  const scheduled = createSpace(init(9_000), 1_000);
  const table: {
    name: string;
    before: SpaceState | undefined;
    step: () => Step;
    grants: Rights[];
  }[] = [
    {
      name: "creating a live Space: the host, muted; the blocked are no news",
      before: undefined,
      step: () => ({ state: createSpace(init(), 1_000), out: [] }),
      grants: [speaking(host.sub, true)],
    },
    {
      name: "creating a scheduled Space: nobody may speak yet",
      before: undefined,
      step: () => ({ state: scheduled, out: [] }),
      grants: [],
    },
    {
      name: "starting it (the web or the host): the host, and a pre-named speaker who is here",
      before: scheduled,
      step: () => startSpace(scheduled, ctx([planned.sub])),
      grants: [speaking(host.sub, true), speaking(planned.sub, true)],
    },
    {
      name: "a pre-named speaker connecting to a live Space",
      before: s,
      step: () => seatPlanned(s, planned, host.sub),
      grants: [speaking(planned.sub, true)],
    },
    {
      name: "a command: a raised hand accepted",
      before: s,
      step: () => step(s, { type: "acceptRequest", sub: hand.sub }, host),
      grants: [speaking(hand.sub, true)],
    },
    {
      name: "a command: a mute",
      before: s,
      step: () => step(s, { type: "mute", sub: speaker.sub }, host),
      grants: [speaking(speaker.sub, true)],
    },
    {
      name: "a command: a removal un-admits",
      before: s,
      step: () => step(s, { type: "remove", sub: speaker.sub }, host),
      grants: [silent(speaker.sub, false)],
    },
    {
      name: "a command that changes nobody's rights: none",
      before: s,
      step: () => step(s, { type: "comment", text: "hello" }, hand),
      grants: [],
    },
    {
      name: "the host's blocks: the blocked speaker un-admitted, the old block lifted",
      before: s,
      step: () => updateBlocks(s, [speaker.sub]),
      grants: [silent(speaker.sub, false), silent(blocked.sub)],
    },
    {
      name: "the web allowing video in a live Space: every camera on stage",
      before: s,
      step: () => updateSpace(s, { type: "update", allowVideo: true }, 2_000) as Step,
      grants: [speaking(host.sub, false, true), speaking(speaker.sub, false, true)],
    },
    {
      name: "ending: nobody speaks (their mute stays as it was), nobody is un-admitted",
      before: s,
      step: () => endSpace(s, 2_000),
      grants: [{ ...silent(host.sub), muted: false }, { ...silent(speaker.sub), muted: false }],
    },
  ];
  for (const row of table) {
    await t.step(row.name, () => {
      const before = row.before;
      const r = commit(before, row.step());
      const from = before?.seq ?? 0;
      assertEquals(
        r.grants,
        row.grants.map((g, i) => ({ ...g, seq: from + i + 1 })),
      );
      assertEquals(r.state.seq, from + row.grants.length);
    });
  }
});

Deno.test("commit: a step that changes no rights keeps its state object, so nothing is stored for it", () => {
  const s = live();
  const react = step(s, { type: "react", emoji: "👋" }, hand);
  assert(commit(s, react).state === react.state);
});

Deno.test("commit: a report comes through with the events", () => {
  const s = live();
  const reported = step(s, { type: "report", target: { space: true }, reason: "spam" }, hand);
  const r = commit(s, reported);
  assert(r.report !== undefined && r.report === reported.report);
  assertEquals(r.out, reported.out);
});

Deno.test("apply is decide then commit, for commands that are taken and refused", () => {
  const s = live();
  const cmds: [SpaceCommand, Actor][] = [
    [{ type: "acceptRequest", sub: hand.sub }, host],
    [{ type: "muteAll" }, host],
    [{ type: "setVideo", allowed: true }, host],
    [{ type: "end" }, host],
    [{ type: "leaveStage" }, speaker],
    [{ type: "mute", sub: host.sub }, hand],
  ];
  for (const [cmd, by] of cmds) {
    const d = decide(s, cmd, by, ctx());
    assertEquals(apply(s, cmd, by, ctx()), "state" in d ? commit(s, d) : d, cmd.type);
  }
});
