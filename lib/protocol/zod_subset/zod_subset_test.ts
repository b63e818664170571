// zod_subset against zod: every schema every lib/protocol file exports, built once with real zod
// and once with the subset (bundled as the islands are, "zod" mapped to ./mod.ts), must agree on
// thousands of messages: valid ones of each type, each with one field deleted, retyped, emptied,
// lengthened or added. Agree means: the same verdict, the same data when valid, the same issues
// (code, path, message) when not.
import assert from "node:assert/strict";

const PROTOCOL = new URL("../", import.meta.url);
const SUBSET = new URL("./mod.ts", import.meta.url);

const someone = "u:abcd1234";
const person = { sub: someone, handle: "ada", name: "Ada" };
const member = { ...person, role: "speaker", muted: true, present: true };
const comment = { ...person, id: "c1", text: "hello there", at: 1700000000000 };
const space = {
  id: "sp1",
  title: "Chess night",
  status: "live",
  host: person,
  startedAt: 1700000000000,
};
const callPerson = { sub: someone, handle: "ada", name: "Ada" };
const callView = {
  callId: "call_abcdefgh12",
  caller: callPerson,
  callee: { sub: "u:bcde2345", handle: "bo", name: "Bo" },
  video: false,
  status: "accepted",
  createdAt: 1700000000000,
  ringUntil: 1700000030000,
  acceptedAt: 1700000005000,
  endedAt: null,
  endedBy: null,
};
const peer = { id: "abcd1234", handle: "bo", name: "Bo", verified: true };
const dmText = {
  kind: "text",
  id: "e1",
  from: "abcd1234",
  to: "bcde2345",
  text: "hi",
  at: 1700000000000,
};
const dmCall = {
  kind: "call",
  id: "e2",
  from: "abcd1234",
  to: "bcde2345",
  at: 1700000000000,
  callId: "call1",
  video: true,
  outcome: "answered",
  durationS: 42,
};

/** Valid messages (or nearly: a mutant of each is what matters), by the schema they belong to. */
const FIXTURES: Record<string, unknown[]> = {
  "space.ts#SpaceEvent": [
    {
      type: "sync",
      you: { ...person, role: "listener", anonymous: false, handRaised: false, invited: false },
      space,
      stage: [{ ...member, role: "host" }, member],
      hands: [{ ...person, at: 1 }],
      invited: [someone],
      listenerCount: 3,
      listeners: [person],
      pinned: { kind: "url", url: "https://example.com/x", by: someone },
      comments: [comment],
    },
    { type: "participantJoined", participant: member },
    { type: "participantLeft", sub: someone, reason: "removed" },
    { type: "roleChanged", person, role: "cohost", muted: false, by: someone },
    { type: "muted", sub: someone, by: someone },
    { type: "handLowered", sub: someone, reason: "accepted" },
    { type: "reaction", sub: "a:anon12345", emoji: "👋" },
    { type: "comment", comment },
    { type: "pinned", pin: { kind: "comment", comment, by: someone } },
    { type: "listenerCount", count: 12, listeners: [person] },
    { type: "spaceUpdated", space: { ...space, status: "scheduled", scheduledFor: 1800000000000 } },
    { type: "ended", endedAt: 1700000100000 },
    { type: "reported", reportId: "r1", ref: "x" },
    { type: "error", code: "forbidden", message: "no", ref: "c1" },
  ],
  "space.ts#SpaceCommand": [
    { type: "requestToSpeak" },
    { type: "mute", sub: someone, ref: "r1" },
    { type: "react", emoji: "❤️" },
    { type: "comment", text: "  hello there  ", ref: "c1" },
    { type: "comment", text: "\u200b\u200b" },
    { type: "pin", url: "https://example.com/a" },
    { type: "pin", commentId: "c1" },
    { type: "pin", commentId: "c1", url: "https://example.com/a" },
    { type: "pin", url: "javascript:alert(1)" },
    { type: "report", target: { sub: someone }, reason: "spam" },
    { type: "report", target: { space: true }, reason: "  " },
    { type: "end" },
  ],
  "call.ts#CallEvent": [
    { type: "sync", call: callView, you: "caller", answeredHere: false },
    {
      type: "status",
      call: { ...callView, status: "ended", endedAt: 1700000060000, endedBy: "callee" },
      answeredHere: true,
    },
    { type: "error", code: "wrong_state", message: "no", ref: "x" },
  ],
  "call.ts#CallCommand": [{ type: "accept", ref: "x" }, { type: "hangup" }],
  "call.ts#CallRoomRequest": [
    {
      type: "init",
      callId: "call_abcdefgh12",
      caller: callPerson,
      callee: callPerson,
      video: true,
    },
    {
      type: "init",
      callId: "call_abcdefgh12",
      caller: callPerson,
      callee: callPerson,
      video: true,
      ringMs: 5000,
      busy: true,
    },
    { type: "state" },
  ],
  "dm.ts#InboxEvent": [
    { type: "hello", userId: "abcd1234" },
    { type: "dm", peer, entry: dmText, unread: 2 },
    { type: "dm", peer, entry: dmCall, unread: 0 },
    { type: "incomingCall", callId: "call1", from: peer, video: false },
    { type: "callEnded", callId: "call1", status: "missed" },
    { type: "pong" },
  ],
  "dm.ts#DmText": ["  hello  ", "", "\u3164", "x".repeat(1001), "😀".repeat(1000)],
  "dm.ts#ThreadSummary": [{ peer, last: dmText, unread: 1, updatedAt: 1 }, {
    peer,
    last: null,
    unread: 0,
    updatedAt: 1,
  }],
  "dm.ts#InboxRequest": [{
    type: "deliver",
    events: [{ type: "pong" }, { type: "read", peerId: "abcd1234" }],
  }],
  "token.ts#RoomTokenClaims": [{
    v: 1,
    aud: "space",
    room: "sp1",
    sub: someone,
    iat: 1,
    exp: 2,
    jti: "jti12345",
  }],
};

/** What a field may be turned into: wrong types, edge lengths, near-misses of the patterns. */
const REPLACEMENTS: unknown[] = [
  null,
  0,
  -1,
  1.5,
  2 ** 53,
  Number.NaN,
  true,
  "",
  " ",
  "x",
  "  padded  ",
  "x".repeat(300),
  "u:abcd",
  "a:abcd1234",
  "https://example.com/",
  "not a url",
  "hello",
  [],
  ["x"],
  {},
  { type: "pong" },
];

function* paths(value: unknown, at: (string | number)[] = []): Generator<(string | number)[]> {
  yield at;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* paths(value[i], [...at, i]);
  } else if (value && typeof value === "object") {
    for (const k of Object.keys(value)) {
      yield* paths((value as Record<string, unknown>)[k], [...at, k]);
    }
  }
}

type Node = Record<string | number, unknown>;

function edit(
  root: unknown,
  at: (string | number)[],
  change: (parent: Node, key: string | number) => void,
): unknown {
  const copy = structuredClone(root);
  if (at.length === 0) return copy;
  let parent = copy as Node;
  for (const k of at.slice(0, -1)) parent = parent[k] as Node;
  change(parent, at[at.length - 1]);
  return copy;
}

/** The fixture and its one-change mutants. */
function* mutants(fixture: unknown): Generator<unknown> {
  yield fixture;
  for (const at of paths(fixture)) {
    if (at.length === 0) {
      yield* REPLACEMENTS;
      continue;
    }
    yield edit(fixture, at, (p, k) => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k]));
    for (const r of REPLACEMENTS) yield edit(fixture, at, (p, k) => (p[k] = structuredClone(r)));
  }
  for (const at of paths(fixture)) {
    yield edit(
      fixture,
      [...at, "role"],
      (p, k) => p && typeof p === "object" && !Array.isArray(p) && (p[k] = "host"),
    );
  }
}

type Parsed = {
  success: boolean;
  data?: unknown;
  error?: { issues: { code: string; path: unknown[]; message: string }[] };
};
type Schema = { safeParse(x: unknown): Parsed };
const isSchema = (x: unknown): x is Schema => typeof (x as Schema)?.safeParse === "function";

function outcome(s: Schema, input: unknown) {
  const r = s.safeParse(structuredClone(input));
  return r.success ? { success: true, data: r.data } : {
    success: false,
    issues: r.error!.issues.map(({ code, path, message }) => ({ code, path, message })),
  };
}

/** Every protocol file, bundled with "zod" mapped to the subset, the way scripts/build.ts does. */
async function bundleWithSubset(files: string[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "zod-subset-" });
  const map = `${dir}/import_map.json`;
  await Deno.writeTextFile(map, JSON.stringify({ imports: { zod: SUBSET.href } }));
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "browser",
      "--format",
      "esm",
      "--import-map",
      map,
      "--outdir",
      dir,
      ...files.map((f) => new URL(f, PROTOCOL).pathname),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return dir;
}

Deno.test("zod_subset agrees with zod on every protocol schema", async () => {
  const files = [...Deno.readDirSync(PROTOCOL)].map((e) => e.name).filter((n) =>
    n.endsWith(".ts") && !n.endsWith("_test.ts")
  ).sort();
  const dir = await bundleWithSubset(files);
  let compared = 0;
  let valid = 0;
  try {
    const pool = Object.values(FIXTURES).flat();
    for (const file of files) {
      const real = await import(new URL(file, PROTOCOL).href);
      const lite = await import(`file://${dir}/${file.replace(/\.ts$/, ".js")}`);
      for (const [name, schema] of Object.entries(real)) {
        if (!isSchema(schema)) continue;
        assert.ok(isSchema(lite[name]), `${file}#${name} is a schema in the subset build too`);
        const own = FIXTURES[`${file}#${name}`] ?? [];
        const inputs = [
          ...own.flatMap((f) => [...mutants(f)]),
          ...pool,
          ...REPLACEMENTS,
          undefined,
        ];
        for (const input of inputs) {
          const want = outcome(schema, input);
          const got = outcome(lite[name], input);
          assert.deepStrictEqual(
            got,
            want,
            `${file}#${name} on ${JSON.stringify(input)?.slice(0, 300)}`,
          );
          compared++;
          if (want.success) valid++;
        }
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.ok(
    compared > 10_000 && valid > 500,
    `${compared} messages compared, ${valid} of them valid`,
  );
});

Deno.test("fixtures are valid messages, so that their mutants probe past the first check", async () => {
  const bad: string[] = [];
  const expectedInvalid = new Set(["space.ts#SpaceCommand", "dm.ts#DmText"]); // some are meant to fail
  for (const [key, fixtures] of Object.entries(FIXTURES)) {
    if (expectedInvalid.has(key)) continue;
    const [file, name] = key.split("#");
    const schema = (await import(new URL(file, PROTOCOL).href))[name] as Schema;
    fixtures.forEach((f, i) => schema.safeParse(f).success || bad.push(`${key}[${i}]`));
  }
  assert.deepEqual(bad, [], "update these fixtures to the schema");
});
