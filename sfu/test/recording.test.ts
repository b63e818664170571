// The room's recording switch on the real SFU, with real WebRTC peers and Debian's ffmpeg: on, the
// origin taps every microphone of a person the room granted audio (a speaker who comes later too)
// into the Space's folder and writes who it hears speaking; a listener is never recorded and a
// forged produce is refused as ever; off stops the files growing; on again adds to the same index;
// an SFU that learns of the recording only from a grant answer (after a restart) records too.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Segment } from "../recorder.ts";
import { FakeParty } from "./support/fake-party.ts";
import { SfuClients } from "./support/sfu-clients.ts";
import { eventually, type RunningSfu, sleep, startSfu } from "./support/sfu-process.ts";

let sfu: RunningSfu;
let party: FakeParty;
let dir: string;
const clients = new SfuClients(() => sfu);

const join = (room: string, sub: string) => clients.join(room, sub);

const grant = (room: string, sub: string, canSpeak: boolean) => clients.grant(room, sub, { canSpeak });

async function recording(room: string, on: boolean) {
  const res = await sfu.control("/control/recording", { room, on });
  assert.equal(res.status, 200, JSON.stringify(res.json));
}

const folder = (room: string) => path.join(dir, "spaces", room.slice(2), "rec");
function index(room: string): Segment[] {
  try {
    return JSON.parse(readFileSync(path.join(folder(room), "index.json"), "utf8")).segments;
  } catch {
    return [];
  }
}
const bytes = (room: string, segs: Segment[]) =>
  segs.reduce((n, s) => n + statSync(path.join(folder(room), s.file)).size, 0);
const speakingLines = (room: string): { at: number; subs: string[] }[] =>
  existsSync(path.join(folder(room), "speaking.jsonl"))
    ? readFileSync(path.join(folder(room), "speaking.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
    : [];

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "spazio-recording-"));
  party = await FakeParty.start();
  sfu = await startSfu({ SPAZIO_PARTY_URL: party.url, SPAZIO_RECORDINGS_DIR: dir });
});

after(async () => {
  clients.close();
  await sfu?.stop();
  await party?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("recording a Space on its origin SFU", () => {
  test("speakers are recorded, a listener never; off stops; on again keeps the old segments", async () => {
    const room = "s_recA001";
    await grant(room, "u:speaker1", true);
    const speaker = await join(room, "u:speaker1");
    const listener = await join(room, "u:listen01");
    await listener.listen();
    await speaker.speak();
    // A listener who forges a produce is refused as ever, recording or not.
    await recording(room, true);
    await assert.rejects(listener.speak(), /forbidden/);
    await eventually(
      () => index(room).some((s) => s.sub === "u:speaker1" && s.firstPacketAt !== null),
      8000,
      "the speaker's first recorded packet",
    );
    // A speaker who comes on stage later is tapped too.
    await grant(room, "u:speaker2", true);
    const late = await join(room, "u:speaker2");
    await late.speak();
    await eventually(
      () => index(room).some((s) => s.sub === "u:speaker2" && s.firstPacketAt !== null),
      8000,
      "the later speaker recorded",
    );
    await eventually(
      () => speakingLines(room).some((l) => l.subs.includes("u:speaker1")),
      5000,
      "the speaker heard as speaking",
    );
    await sleep(1500);
    const on = index(room);
    assert.deepEqual([...new Set(on.map((s) => s.sub))].sort(), ["u:speaker1", "u:speaker2"], "only people on stage");
    const grown = bytes(room, on);
    assert.ok(grown > 3000, `the files grow as audio arrives (${grown} bytes)`);

    // Off: every segment ends and nothing more is written.
    await recording(room, false);
    await eventually(() => index(room).every((s) => s.endedAt !== null), 3000, "every segment ended");
    await sleep(400);
    const stopped = bytes(room, index(room));
    await sleep(1200);
    assert.equal(bytes(room, index(room)), stopped, "nothing is written while recording is off");
    assert.deepEqual(speakingLines(room).at(-1)?.subs, [], "the speaking lines close when recording stops");
    // Repeating the switch changes nothing.
    await recording(room, false);

    // On again: new segments are added beside the old ones, none replaced.
    await recording(room, true);
    await eventually(
      () => index(room).filter((s) => s.firstPacketAt !== null).length >= on.length + 2,
      8000,
      "new segments after on again",
    );
    const again = index(room);
    for (const old of on) assert.ok(again.some((s) => s.file === old.file), `kept ${old.file}`);
    assert.equal(new Set(again.map((s) => s.file)).size, again.length, "no file named twice");
    assert.ok(!again.some((s) => s.sub === "u:listen01"));

    // Moving a speaker to the audience stops their tap; the other goes on.
    await grant(room, "u:speaker2", false);
    await eventually(
      () => index(room).filter((s) => s.sub === "u:speaker2").every((s) => s.endedAt !== null),
      3000,
      "the moved speaker's tap ended",
    );
    assert.ok(index(room).some((s) => s.sub === "u:speaker1" && s.endedAt === null));
    await recording(room, false);
  });

  test("bad switches are refused and change nothing", async () => {
    const unsigned = await sfu.control("/control/recording", { room: "s_recB001", on: true }, "not-the-secret");
    assert.equal(unsigned.status, 401);
    for (
      const body of [{ room: "c_call0001", on: true }, { room: "s_recB001", on: "yes" }, {
        room: "s_../../x",
        on: true,
      }, { on: true }]
    ) {
      const res = await sfu.control("/control/recording", body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    assert.ok(!existsSync(path.join(dir, "spaces", "recB001")));
    assert.ok(!existsSync(path.join(dir, "x")));
  });

  test("an SFU that hears of the recording only from the room's grant answer (after a restart) records", async () => {
    const room = "s_recC001";
    // Nothing pushed: the SFU pulls this person's grant from the room, which says it records.
    party.grant("recC001", "u:speaker3", { canSpeak: true, muted: false, ...{ recording: true } });
    const speaker = await join(room, "u:speaker3");
    await speaker.speak();
    await eventually(
      () => index(room).some((s) => s.sub === "u:speaker3" && s.firstPacketAt !== null),
      8000,
      "recorded from the pulled word",
    );
  });
});
