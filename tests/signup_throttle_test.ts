// Sign-up is throttled per address, as sign-in is: a script making accounts as fast as it can from
// one address (the way it was found: 12 accounts in 61 ms) is refused with 429, Retry-After and a
// message in the person's language, and a refused attempt stores nothing (no challenge, no
// account); another address signs up as usual. The accounts are real: a software passkey answers
// the server's challenge and the server's WebAuthn verification makes them.
import assert from "node:assert/strict";
import { registrationAnswer } from "./support/passkey.ts";
import { sameOrigin, startWeb, type WebServer } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const ATTACKER = "203.0.113.7";
const NEIGHBOUR = "198.51.100.4";
/** The throttle counts in fixed one-minute windows (SessionStore.allow). */
const WINDOW_MS = 60_000;

async function post(web: WebServer, path: string, from: string, body: unknown, lang = "en") {
  const res = await fetch(
    `${web.url}${path}`,
    sameOrigin(web, {
      method: "POST",
      headers: { "x-forwarded-for": from, "accept-language": lang },
      body: JSON.stringify(body),
    }),
  );
  return { status: res.status, headers: res.headers, body: await res.json() };
}

const options = (web: WebServer, from: string, handle: string, lang?: string) =>
  post(web, "/api/auth/register/options", from, { handle, displayName: handle.toUpperCase() }, lang);

async function countKeys(web: WebServer, prefix: string): Promise<number> {
  let n = 0;
  for await (const _ of web.deps.kv.list({ prefix: [prefix] })) n++;
  return n;
}

Deno.test("sign-ups from one address are throttled; refused ones store nothing; others get in", opts, async () => {
  // Behind a proxy the first X-Forwarded-For hop is the client's address (lib/server/http/session.ts).
  Deno.env.set("SPAZIO_TRUST_PROXY", "1");
  const web = await startWeb();
  try {
    // The count is per minute: a burst that straddled two minutes would be counted in two. Start it
    // with most of a minute ahead (the burst takes a second or two).
    const left = WINDOW_MS - (Date.now() % WINDOW_MS);
    if (left < 20_000) await new Promise((r) => setTimeout(r, left + 50));

    // Challenges for six accounts, then their answers, as fast as they come back.
    const handles = ["bot_1", "bot_2", "bot_3", "bot_4", "bot_5", "bot_6"];
    const challenges = [];
    for (const h of handles) {
      const got = await options(web, ATTACKER, h);
      assert.equal(got.status, 200, `challenge for ${h}`);
      challenges.push(got.body);
    }
    const statuses: number[] = [];
    let refused;
    for (const [i, h] of handles.entries()) {
      const res = await post(web, "/api/auth/register/verify", ATTACKER, {
        response: await registrationAnswer(challenges[i], web.url),
      });
      statuses.push(res.status);
      if (res.status === 200) assert.equal(res.body.handle, h);
      else refused ??= { handle: h, ...res };
    }
    // Ten attempts a minute (a challenge and its answer each count): six challenges, four accounts.
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
    assert.ok(refused);
    assert.equal(refused.body.error.code, "err.signup_throttled");
    assert.equal(refused.body.error.message, "Too many sign-ups from your network. Wait a minute and try again.");
    const retry = Number(refused.headers.get("retry-after"));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${refused.headers.get("retry-after")}`);
    assert.equal(refused.headers.get("set-cookie"), null, "a refused sign-up starts no session");
    // A valid challenge and a valid passkey, refused: no account.
    for (const h of ["bot_5", "bot_6"]) assert.equal(await web.deps.users.byHandle(h), null, h);
    for (const h of ["bot_1", "bot_2", "bot_3", "bot_4"]) assert.ok(await web.deps.users.byHandle(h), h);

    // A refused challenge is not stored, and its refusal is in the person's language.
    const challengesBefore = await countKeys(web, "challenges");
    const fr = await options(web, ATTACKER, "bot_7", "fr");
    assert.equal(fr.status, 429);
    assert.equal(fr.body.challenge, undefined);
    assert.equal(fr.body.error.message, "Trop d’inscriptions depuis votre réseau. Attendez une minute et réessayez.");
    const it = await options(web, ATTACKER, "bot_8", "it");
    assert.equal(it.status, 429);
    assert.equal(it.body.error.message, "Troppe registrazioni dalla tua rete. Attendi un minuto e riprova.");
    assert.equal(await countKeys(web, "challenges"), challengesBefore);

    // Somebody at another address signs up as usual.
    const theirs = await options(web, NEIGHBOUR, "neighbour");
    assert.equal(theirs.status, 200);
    const made = await post(web, "/api/auth/register/verify", NEIGHBOUR, {
      response: await registrationAnswer(theirs.body, web.url),
    });
    assert.equal(made.status, 200);
    assert.ok(await web.deps.users.byHandle("neighbour"));
  } finally {
    await web.close();
    Deno.env.delete("SPAZIO_TRUST_PROXY");
  }
});
