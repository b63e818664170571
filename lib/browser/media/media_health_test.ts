// The path verdicts and the mending policy, on a fake clock (issue 18 item 5), and the jitter floor (item 4).
import assert from "node:assert/strict";
import {
  FIRST_CONNECT_MS,
  jitterTargetMs,
  MendPlan,
  type PathSample,
  type PathVerdict,
  PathWatch,
  POLL_MS,
  RESTART_GRACE_MS,
  STALL_MS,
  tcpFirst,
} from "./media_health.ts";

const flowing = (bytes: number, stun = 1): PathSample => ({
  state: "connected",
  bytesReceived: bytes,
  pairId: "p1",
  stunResponses: stun,
  expectFlow: true,
});

/** Feeds samples every POLL_MS from t=0 and returns each verdict. */
function run(samples: PathSample[], watch = new PathWatch()): PathVerdict[] {
  return samples.map((s, i) => watch.update(i * POLL_MS, s));
}

Deno.test("a path carrying audio is ok; media stopping is a stall within 2 s", () => {
  const samples = [flowing(100), flowing(200), flowing(300)];
  for (let i = 0; i < 5; i++) samples.push(flowing(300));
  const verdicts = run(samples);
  assert.deepEqual(verdicts.slice(0, 3), ["ok", "ok", "ok"]);
  const firstStall = verdicts.indexOf("stalled");
  // Bytes last moved at sample 2 (t=1000 ms): stalled at the first sample STALL_MS later.
  assert.deepEqual(firstStall, 2 + Math.ceil(STALL_MS / POLL_MS));
  assert.deepEqual(firstStall * POLL_MS - 2 * POLL_MS <= 2000, true);
});

Deno.test("no media due (nobody on air, microphone paused): silence is no stall", () => {
  const quiet = { ...flowing(100), expectFlow: false };
  assert.deepEqual(run(Array(10).fill(quiet)).every((v) => v === "ok"), true);
});

Deno.test("media newly due gets STALL_MS from that moment, not from the last byte", () => {
  const w = new PathWatch();
  for (let i = 0; i < 10; i++) w.update(i * POLL_MS, { ...flowing(100), expectFlow: false });
  // A speaker unmutes at t=5000: nothing yet at t=5000 + STALL_MS - 1.
  assert.deepEqual(w.update(5000, flowing(100)), "ok");
  assert.deepEqual(w.update(5000 + STALL_MS - 1, flowing(100)), "ok");
  assert.deepEqual(w.update(5000 + STALL_MS, flowing(100)), "stalled");
});

Deno.test("STUN still answered after the audio stopped: the sender went quiet, our path is fine", () => {
  const w = new PathWatch();
  w.update(0, flowing(100, 1));
  w.update(500, flowing(200, 1));
  // The speaker's uplink dies; our path keeps answering consent checks (every ~2.5 s).
  const verdicts = [];
  for (let t = 1000, stun = 1; t <= 8000; t += POLL_MS) {
    if (t % 2500 === 0) stun++;
    verdicts.push(w.update(t, flowing(200, stun)));
  }
  // Stalled until the first answer after the media stopped, then ok while the answers go on.
  const firstOk = verdicts.indexOf("ok", verdicts.indexOf("stalled"));
  assert.deepEqual(verdicts.slice(firstOk).every((v) => v === "ok"), true);
});

Deno.test("ICE states: failed and closed are failed, disconnected is a stall", () => {
  const w = new PathWatch();
  w.update(0, flowing(1));
  assert.deepEqual(w.update(500, { ...flowing(2), state: "disconnected" }), "stalled");
  assert.deepEqual(w.update(1000, { ...flowing(3), state: "failed" }), "failed");
  assert.deepEqual(w.update(1500, { ...flowing(3), state: "closed" }), "failed");
});

Deno.test("a path still connecting gets FIRST_CONNECT_MS before it counts as stalled", () => {
  const w = new PathWatch();
  const connecting: PathSample = {
    state: "connecting",
    bytesReceived: 0,
    pairId: "",
    stunResponses: 0,
    expectFlow: true,
  };
  assert.deepEqual(w.update(0, connecting), "ok");
  assert.deepEqual(w.update(FIRST_CONNECT_MS - 1, connecting), "ok");
  assert.deepEqual(w.connectedOnce, false);
  assert.deepEqual(w.update(FIRST_CONNECT_MS, connecting), "stalled");
  assert.deepEqual(w.update(FIRST_CONNECT_MS + 500, flowing(10)), "ok");
  assert.deepEqual(w.connectedOnce, true);
});

Deno.test("mending: an ICE restart at once, a rebuild only RESTART_GRACE_MS after the restart took effect", () => {
  const plan = new MendPlan();
  assert.deepEqual(plan.step(0, "ok"), "none");
  assert.deepEqual(plan.troubled, false);
  assert.deepEqual(plan.step(500, "stalled"), "restartIce");
  assert.deepEqual(plan.troubled, true);
  // The ask waits (an outage holds the signalling socket too): no rebuild, however long.
  assert.deepEqual(plan.step(10_000, "stalled"), "none");
  plan.restarted(10_000);
  assert.deepEqual(plan.step(10_000 + RESTART_GRACE_MS - 1, "failed"), "none");
  assert.deepEqual(plan.step(10_000 + RESTART_GRACE_MS, "failed"), "rebuild");
  // Back: nothing to do, and the next trouble starts with a restart again.
  assert.deepEqual(plan.step(20_000, "ok"), "none");
  assert.deepEqual(plan.troubled, false);
  assert.deepEqual(plan.step(20_500, "stalled"), "restartIce");
});

Deno.test("mending: the path back before the restart took effect needs nothing more", () => {
  const plan = new MendPlan();
  assert.deepEqual(plan.step(0, "stalled"), "restartIce");
  assert.deepEqual(plan.step(500, "ok"), "none");
  plan.restarted(600);
  assert.deepEqual(plan.step(600 + RESTART_GRACE_MS, "ok"), "none");
});

Deno.test("jitter buffer floor: none on a clean path, room for one retransmission on a lossy one", () => {
  const table: [number, number, number, number, number | null][] = [
    // rttMs, lossRatio, ptimeMs, capMs, expected
    [100, 0, 60, 400, null],
    [100, 0.004, 60, 400, null],
    [100, 0.03, 60, 400, 200],
    [100, 0.03, 20, 400, 160],
    [300, 0.05, 60, 400, 400],
    [300, 0.05, 20, 200, 200],
  ];
  for (const [rttMs, lossRatio, ptimeMs, capMs, expected] of table) {
    assert.deepEqual(jitterTargetMs({ rttMs, lossRatio, ptimeMs, capMs }), expected, `${rttMs} ms ${lossRatio}`);
  }
});

Deno.test("a new connection after a failed UDP path ranks the SFU's TCP candidates first, keeping their order", () => {
  const candidates = [
    { protocol: "udp", priority: 1076302079, port: 40001 },
    { protocol: "tcp", priority: 1076276479, port: 40002 },
    { protocol: "udp", priority: 1076302078, port: 40003 },
  ];
  const ranked = tcpFirst(candidates);
  const best = [...ranked].sort((a, b) => b.priority - a.priority);
  assert.equal(best[0].protocol, "tcp");
  assert.deepEqual(ranked.map((c) => c.port), [40001, 40002, 40003]);
  assert.ok(ranked.every((c) => c.priority < 2 ** 31 * 2), "still a 32-bit ICE priority");
  assert.deepEqual(candidates[1].priority, 1076276479, "the SFU's answer is left as it was");
});

Deno.test("ICE moving to another pair (UDP gone, TCP taken) gives it STALL_MS to bring the audio, no more", () => {
  const w = new PathWatch();
  w.update(0, flowing(100));
  w.update(500, flowing(200));
  assert.equal(w.update(500 + STALL_MS, flowing(200)), "stalled");
  const tcp = (bytes: number): PathSample => ({ ...flowing(bytes), pairId: "p2" });
  assert.equal(w.update(1000 + STALL_MS, tcp(200)), "ok");
  assert.equal(w.update(1000 + 2 * STALL_MS - 1, tcp(200)), "ok");
  assert.equal(w.update(1000 + 2 * STALL_MS, tcp(200)), "stalled");
  assert.equal(w.update(1500 + 2 * STALL_MS, tcp(300)), "ok");
});
