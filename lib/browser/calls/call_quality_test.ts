// One stats interval, as the call's quality icon and its stats graphs read it.
import assert from "node:assert/strict";
import { grade, sampleBetween, type StatTotals } from "./call_quality.ts";
import { graphPoints } from "../../../components/calls/CallStats.tsx";

const totals = (at: number, t: Partial<StatTotals> = {}): StatTotals => ({
  at,
  bytesIn: 0,
  bytesOut: 0,
  lost: 0,
  received: 0,
  rtt: null,
  ...t,
});

Deno.test("an interval's bitrate, loss, round trip and grade", () => {
  const cases: [string, StatTotals | null, StatTotals, Partial<ReturnType<typeof sampleBetween>>][] = [
    ["first round: nothing to compare", null, totals(2000, { rtt: 0.05 }), { quality: "good", inKbps: 0, rttMs: 50 }],
    ["first round without a round trip", null, totals(2000), { quality: "unknown", rttMs: null }],
    [
      "32 kbit/s each way, no loss",
      totals(0),
      totals(2000, { bytesIn: 8000, bytesOut: 8000, received: 100, rtt: 0.02 }),
      { quality: "good", inKbps: 32, outKbps: 32, lossPct: 0 },
    ],
    ["5% loss is fair", totals(0), totals(2000, { lost: 5, received: 95, rtt: 0.02 }), { quality: "fair", lossPct: 5 }],
    ["10% loss is poor", totals(0), totals(2000, { lost: 10, received: 90 }), { quality: "poor", lossPct: 10 }],
    ["a slow round trip is poor", totals(0), totals(2000, { received: 100, rtt: 0.9 }), {
      quality: "poor",
      rttMs: 900,
    }],
    [
      "counters that went back (a new transport) never read negative",
      totals(0, { bytesIn: 9000, received: 50 }),
      totals(2000, { bytesIn: 100, received: 10 }),
      { inKbps: 0, lossPct: 0 },
    ],
    ["no packets and no round trip: unknown", totals(0), totals(2000), { quality: "unknown" }],
  ];
  for (const [what, prev, cur, want] of cases) {
    const got = sampleBetween(prev, cur);
    for (const [k, v] of Object.entries(want)) assert.equal(got[k as keyof typeof got], v, `${what}: ${k}`);
  }
});

Deno.test("graph points: newest on the right, clamped to the top", () => {
  assert.equal(graphPoints([], 10), "");
  const pts = graphPoints([0, 5, 20], 10).split(" ").map((p) => p.split(",").map(Number));
  assert.equal(pts.length, 3);
  assert.equal(pts[2][0], 300);
  assert.ok(pts[0][1] > pts[1][1] && pts[1][1] > pts[2][1]);
  assert.equal(pts[2][1], 4, "a value above the top draws at the top");
});

Deno.test("grade: loss and round trip where people start to notice", () => {
  assert.equal(grade(0, 0.05), "good");
  assert.equal(grade(0.03, 0.05), "fair");
  assert.equal(grade(0, 0.4), "fair");
  assert.equal(grade(0.1, 0.05), "poor");
  assert.equal(grade(0, 1), "poor");
});
