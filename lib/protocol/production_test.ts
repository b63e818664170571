import assert from "node:assert/strict";
import { DEV_ROOM_SECRET, DEV_SERVER_SECRET } from "./defaults.ts";
import { assertProductionSecrets, isProduction, secretProblems, secretsFromFiles } from "./production.ts";

const GOOD_ROOM = "r".repeat(40);
const GOOD_SERVER = "s".repeat(40);

Deno.test("production mode: SPAZIO_ENV, or an https public URL", () => {
  const cases: [Record<string, string>, boolean][] = [
    [{}, false],
    [{ SPAZIO_PUBLIC_URL: "http://localhost:8000" }, false],
    [{ SPAZIO_PUBLIC_URL: "https://spazio.test" }, true],
    [{ SPAZIO_PUBLIC_URL: " HTTPS://spazio.test" }, true],
    [{ SPAZIO_ENV: "production" }, true],
    [{ SPAZIO_ENV: "Production" }, true],
    [{ SPAZIO_ENV: "development", SPAZIO_PUBLIC_URL: "https://spazio.test" }, false],
  ];
  for (const [env, want] of cases) assert.equal(isProduction(env), want, JSON.stringify(env));
});

Deno.test("secret problems name the variable: unset, published, short, the same twice", () => {
  const only = (env: Record<string, string>) => secretProblems(env);
  assert.deepEqual(only({ SPAZIO_ROOM_SECRET: GOOD_ROOM, SPAZIO_SERVER_SECRET: GOOD_SERVER }), []);
  assert.match(only({ SPAZIO_SERVER_SECRET: GOOD_SERVER })[0], /^SPAZIO_ROOM_SECRET is not set/);
  assert.match(
    only({ SPAZIO_ROOM_SECRET: DEV_ROOM_SECRET, SPAZIO_SERVER_SECRET: GOOD_SERVER })[0],
    /^SPAZIO_ROOM_SECRET is the development secret/,
  );
  assert.match(
    only({ SPAZIO_ROOM_SECRET: GOOD_ROOM, SPAZIO_SERVER_SECRET: DEV_SERVER_SECRET })[0],
    /^SPAZIO_SERVER_SECRET is the development secret/,
  );
  assert.match(only({ SPAZIO_ROOM_SECRET: "short", SPAZIO_SERVER_SECRET: GOOD_SERVER })[0], /is 5 characters/);
  assert.match(only({ SPAZIO_ROOM_SECRET: GOOD_ROOM, SPAZIO_SERVER_SECRET: GOOD_ROOM })[0], /must differ/);
  assert.deepEqual(secretProblems({ SPAZIO_SERVER_SECRET: GOOD_SERVER }, ["SPAZIO_SERVER_SECRET"]), []);
});

Deno.test("production refuses to start on bad secrets; development does not ask", () => {
  assert.doesNotThrow(() => assertProductionSecrets({}, "web"));
  assert.throws(
    () => assertProductionSecrets({ SPAZIO_ENV: "production" }, "web"),
    /web refuses to start in production mode[\s\S]*SPAZIO_ROOM_SECRET is not set[\s\S]*SPAZIO_SERVER_SECRET is not set/,
  );
  assert.doesNotThrow(() =>
    assertProductionSecrets(
      { SPAZIO_PUBLIC_URL: "https://x", SPAZIO_ROOM_SECRET: GOOD_ROOM, SPAZIO_SERVER_SECRET: GOOD_SERVER },
      "web",
    )
  );
});

Deno.test("secrets from files: trailing newline dropped, both set refused, unreadable named", () => {
  const files: Record<string, string> = { "/run/secrets/room": `${GOOD_ROOM}\n` };
  const read = (p: string) => {
    if (!(p in files)) throw new Error("No such file");
    return files[p];
  };
  const env = secretsFromFiles({ SPAZIO_ROOM_SECRET_FILE: "/run/secrets/room" }, ["SPAZIO_ROOM_SECRET"], read);
  assert.equal(env.SPAZIO_ROOM_SECRET, GOOD_ROOM);
  assert.throws(
    () => secretsFromFiles({ SPAZIO_ROOM_SECRET_FILE: "/x", SPAZIO_ROOM_SECRET: "y" }, ["SPAZIO_ROOM_SECRET"], read),
    /SPAZIO_ROOM_SECRET and SPAZIO_ROOM_SECRET_FILE are both set/,
  );
  assert.throws(
    () => secretsFromFiles({ SPAZIO_ROOM_SECRET_FILE: "/nope" }, ["SPAZIO_ROOM_SECRET"], read),
    /SPAZIO_ROOM_SECRET_FILE: cannot read \/nope/,
  );
});
