import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { DEFAULT_TURN_TTL_SECONDS, iceFor, type TurnConfig, turnConfig, turnCredential } from "./turn.ts";

const noFile = (path: string): string => {
  throw new Error(`no file ${path}`);
};
const SECRET = "s".repeat(40);

Deno.test("the credential is base64(HMAC-SHA1(secret, username)): RFC 2202's vectors", async () => {
  // RFC 2202, test cases 1 and 2 (hex digests), in base64 as coturn compares them.
  const hex = (h: string) => btoa(String.fromCharCode(...h.match(/../g)!.map((b) => parseInt(b, 16))));
  assert.equal(
    await turnCredential("Jefe", "what do ya want for nothing?"),
    hex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
  );
  const key = String.fromCharCode(...new Array(20).fill(0x0b));
  assert.equal(await turnCredential(key, "Hi There"), hex("b617318655057264e28bc0b6fb378c8ef146be00"));
});

Deno.test("minted credentials: `<expiry>:<who>`, the secret's HMAC, the configured lifetime", async () => {
  const turn: TurnConfig = {
    urls: ["turns:turn.example:443?transport=tcp"],
    secret: SECRET,
    ttlSeconds: 600,
    forceRelay: false,
  };
  const now = Date.UTC(2026, 0, 1);
  const ice = await iceFor(turn, "u:01HX", now);
  assert.equal(ice.iceTransportPolicy, "all");
  // The page is told how long they last, to ask for new ones in time.
  assert.equal(ice.ttl, 600);
  assert.equal(ice.iceServers.length, 1);
  const [server] = ice.iceServers;
  assert.deepEqual(server.urls, ["turns:turn.example:443?transport=tcp"]);
  // One separator: coturn reads the expiry before the first ":".
  assert.equal(server.username, `${now / 1000 + 600}:u_01HX`);
  assert.equal(server.credential, createHmac("sha1", SECRET).update(server.username).digest("base64"));
  assert.ok(!JSON.stringify(ice).includes(SECRET));
  assert.equal((await iceFor({ ...turn, forceRelay: true }, "a:x", now)).iceTransportPolicy, "relay");
  // No relay configured: the SFU directly.
  assert.deepEqual(await iceFor(undefined, "u:01HX", now), { iceServers: [], iceTransportPolicy: "all" });
});

Deno.test("settings: read from the environment or a file, bad ones refused naming the variable", () => {
  const urls = "turns:turn.example:443?transport=tcp, turn:turn.example:3478";
  assert.equal(turnConfig({}, noFile), undefined);
  assert.deepEqual(turnConfig({ SPAZIO_TURN_URLS: urls, SPAZIO_TURN_SECRET: SECRET }, noFile), {
    urls: ["turns:turn.example:443?transport=tcp", "turn:turn.example:3478"],
    secret: SECRET,
    ttlSeconds: DEFAULT_TURN_TTL_SECONDS,
    forceRelay: false,
  });
  const fromFile = turnConfig(
    {
      SPAZIO_TURN_URLS: urls,
      SPAZIO_TURN_SECRET_FILE: "/run/secrets/turn",
      SPAZIO_TURN_TTL: "3600",
      SPAZIO_TURN_FORCE_RELAY: "1",
    },
    (p) => (p === "/run/secrets/turn" ? `${SECRET}\n` : noFile(p)),
  );
  assert.equal(fromFile?.secret, SECRET);
  assert.equal(fromFile?.ttlSeconds, 3600);
  assert.equal(fromFile?.forceRelay, true);

  const refused: [Record<string, string>, RegExp][] = [
    [{ SPAZIO_TURN_URLS: urls }, /SPAZIO_TURN_SECRET/],
    [{ SPAZIO_TURN_SECRET: SECRET }, /SPAZIO_TURN_URLS/],
    [{ SPAZIO_TURN_FORCE_RELAY: "true" }, /SPAZIO_TURN_URLS/],
    [{ SPAZIO_TURN_URLS: "https://turn.example", SPAZIO_TURN_SECRET: SECRET }, /SPAZIO_TURN_URLS: "https:/],
    [{ SPAZIO_TURN_URLS: "turn:turn.example:3478?transport=sctp", SPAZIO_TURN_SECRET: SECRET }, /SPAZIO_TURN_URLS/],
    [{ SPAZIO_TURN_URLS: urls, SPAZIO_TURN_SECRET: SECRET, SPAZIO_TURN_TTL: "6h" }, /SPAZIO_TURN_TTL/],
    [{ SPAZIO_TURN_URLS: urls, SPAZIO_TURN_SECRET: SECRET, SPAZIO_TURN_TTL: "10" }, /SPAZIO_TURN_TTL/],
    [{ SPAZIO_TURN_URLS: urls, SPAZIO_TURN_SECRET: SECRET, SPAZIO_TURN_SECRET_FILE: "/x" }, /SPAZIO_TURN_SECRET_FILE/],
  ];
  for (const [env, message] of refused) assert.throws(() => turnConfig(env, noFile), message, JSON.stringify(env));
  // Production mode takes no short secret.
  assert.throws(
    () => turnConfig({ SPAZIO_TURN_URLS: urls, SPAZIO_TURN_SECRET: "short" }, noFile, true),
    /SPAZIO_TURN_SECRET is shorter than 32/,
  );
  assert.ok(turnConfig({ SPAZIO_TURN_URLS: urls, SPAZIO_TURN_SECRET: "short" }, noFile, false));
});
