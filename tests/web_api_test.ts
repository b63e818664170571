// Requests a user must not be able to make are refused with a clear status and change nothing.
// Longer than 300 lines on purpose: one table of refused requests against one running web server.
import assert from "node:assert/strict";
import { safeNext } from "../lib/server/http/next_target.ts";
import { sameOrigin, startWeb, type WebServer } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

/** Makes an account directly in KV with a session, as a signed-up person would have. */
async function account(web: WebServer, handle: string): Promise<{ id: string; cookie: string }> {
  const user = await web.deps.users.create({ handle, displayName: handle.toUpperCase() }, {
    id: `cred-${handle}`,
    publicKey: new Uint8Array([1, 2, 3]),
    counter: 0,
    transports: [],
    createdAt: Date.now(),
    label: "test",
  });
  return { id: user.id, cookie: `spazio_session=${await web.deps.sessions.create(user.id)}` };
}

async function errorOf(res: Response) {
  const body = await res.json();
  return body.error as { code: string; message: string; field?: string };
}

Deno.test("another account's profile edit is refused and changes nothing", opts, async () => {
  const web = await startWeb();
  try {
    const a = await account(web, "alice");
    await account(web, "mallory");
    const mal = await account(web, "mallory2");
    const res = await fetch(
      `${web.url}/api/users/alice`,
      sameOrigin(web, {
        method: "PATCH",
        cookie: mal.cookie,
        body: JSON.stringify({ displayName: "pwned" }),
      }),
    );
    assert.equal(res.status, 403);
    assert.equal((await errorOf(res)).message, "You are not allowed to do that.");
    assert.equal((await web.deps.users.get(a.id))?.displayName, "ALICE");

    const anon = await fetch(
      `${web.url}/api/users/alice`,
      sameOrigin(web, { method: "PATCH", body: JSON.stringify({ bio: "x" }) }),
    );
    assert.equal(anon.status, 401);
    assert.equal((await web.deps.users.get(a.id))?.bio, "");

    // Alice herself cannot take a name nobody could see.
    const invisible = await fetch(
      `${web.url}/api/users/alice`,
      sameOrigin(web, { method: "PATCH", cookie: a.cookie, body: JSON.stringify({ displayName: "\u3164\u200B" }) }),
    );
    assert.equal(invisible.status, 400);
    assert.deepEqual([(await errorOf(invisible)).code], ["err.name_required"]);
    assert.equal((await web.deps.users.get(a.id))?.displayName, "ALICE");
  } finally {
    await web.close();
  }
});

Deno.test("a cross-site POST is refused before it reaches any handler", opts, async () => {
  const web = await startWeb();
  try {
    const a = await account(web, "alice");
    await account(web, "bobby");
    for (
      const headers of [
        { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
        { origin: "https://evil.example" },
        { "sec-fetch-site": "same-site", origin: web.url },
        {},
      ] as Record<string, string>[]
    ) {
      const res = await fetch(`${web.url}/api/users/bobby/follow`, {
        method: "PUT",
        headers: { ...headers, cookie: a.cookie },
      });
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal((await errorOf(res)).code, "err.csrf");
    }
    assert.equal((await web.deps.social.counts(a.id)).following, 0);
    const form = await fetch(`${web.url}/signout`, {
      method: "POST",
      headers: { origin: "https://evil.example", cookie: a.cookie },
      redirect: "manual",
    });
    assert.equal(form.status, 403);
    assert.ok(
      await web.deps.sessions.get(a.cookie.split("=")[1]),
      "the session survives a forged sign-out",
    );
  } finally {
    await web.close();
  }
});

Deno.test("an oversized body gets 413 and changes nothing", opts, async () => {
  const web = await startWeb();
  try {
    const a = await account(web, "alice");
    const res = await fetch(
      `${web.url}/api/users/alice`,
      sameOrigin(web, {
        method: "PATCH",
        cookie: a.cookie,
        body: JSON.stringify({ bio: "x".repeat(200_000) }),
      }),
    );
    assert.equal(res.status, 413);
    assert.equal((await errorOf(res)).code, "err.too_large");
    assert.equal((await web.deps.users.get(a.id))?.bio, "");
  } finally {
    await web.close();
  }
});

Deno.test("malformed and taken handles are refused with the field named", opts, async () => {
  const web = await startWeb();
  try {
    await account(web, "taken_1");
    for (
      const [handle, status, code] of [
        ["ab", 400, "err.handle_invalid"],
        ["this_is_too_long_1", 400, "err.handle_invalid"],
        ["bad-dash", 400, "err.handle_invalid"],
        ["émile", 400, "err.handle_invalid"],
        ["TAKEN_1", 409, "err.handle_taken"],
      ] as const
    ) {
      const res = await fetch(
        `${web.url}/api/auth/register/options`,
        sameOrigin(web, {
          method: "POST",
          body: JSON.stringify({ handle, displayName: "Someone" }),
        }),
      );
      assert.equal(res.status, status, handle);
      const err = await errorOf(res);
      assert.equal(err.code, code, handle);
      assert.equal(err.field, "handle");
    }
    // A display name nobody could see is refused like an empty one.
    for (const displayName of ["\u200B\u200D", "\u3164\u3164", "\u2800 \uFEFF", "\u0301\u202E"]) {
      const res = await fetch(
        `${web.url}/api/auth/register/options`,
        sameOrigin(web, { method: "POST", body: JSON.stringify({ handle: "fresh_1", displayName }) }),
      );
      assert.equal(res.status, 400, JSON.stringify(displayName));
      const err = await errorOf(res);
      assert.deepEqual([err.code, err.field], ["err.name_required", "displayName"]);
      assert.equal(err.message, "Please enter a display name.");
    }
    const garbage = await fetch(
      `${web.url}/api/auth/register/options`,
      sameOrigin(web, { method: "POST", body: "{not json" }),
    );
    assert.equal(garbage.status, 400);
  } finally {
    await web.close();
  }
});

Deno.test(
  "a WebAuthn challenge is used once; a forged or replayed response is refused",
  opts,
  async () => {
    const web = await startWeb();
    try {
      const opt = await (await fetch(
        `${web.url}/api/auth/login/options`,
        sameOrigin(web, { method: "POST", body: "{}" }),
      )).json();
      const clientDataJSON = btoa(
        JSON.stringify({ type: "webauthn.get", challenge: opt.challenge, origin: web.url }),
      )
        .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
      const forged = {
        id: "AAAA",
        rawId: "AAAA",
        type: "public-key",
        response: { clientDataJSON, authenticatorData: "AAAA", signature: "AAAA" },
        clientExtensionResults: {},
      };
      const first = await fetch(
        `${web.url}/api/auth/login/verify`,
        sameOrigin(web, { method: "POST", body: JSON.stringify({ response: forged }) }),
      );
      assert.equal(first.status, 400);
      assert.equal((await errorOf(first)).code, "err.passkey_unknown");
      assert.equal(first.headers.get("set-cookie"), null);
      // The challenge was consumed by the first attempt: the same response again is a replay.
      const again = await fetch(
        `${web.url}/api/auth/login/verify`,
        sameOrigin(web, { method: "POST", body: JSON.stringify({ response: forged }) }),
      );
      assert.equal(again.status, 400);
      assert.equal((await errorOf(again)).code, "err.challenge");
    } finally {
      await web.close();
    }
  },
);

Deno.test("sign-in attempts are throttled per address", opts, async () => {
  const web = await startWeb();
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await fetch(
        `${web.url}/api/auth/login/options`,
        sameOrigin(web, { method: "POST", body: "{}" }),
      );
      statuses.push(res.status);
      await res.body?.cancel();
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(200));
    assert.equal(statuses[11], 429);
  } finally {
    await web.close();
  }
});

Deno.test(
  "deno task admin verify sets the badge shown on the profile, unverify removes it",
  opts,
  async () => {
    const web = await startWeb();
    try {
      await account(web, "vera");
      const run = async (cmd: string) => {
        const out = await new Deno.Command(Deno.execPath(), {
          args: ["task", "admin", cmd, "vera"],
          env: { SPAZIO_KV: web.kvPath },
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      };
      await run("verify");
      const page = await (await fetch(`${web.url}/@vera`)).text();
      assert.match(page, /aria-label="Verified account"/);
      await run("unverify");
      assert.doesNotMatch(
        await (await fetch(`${web.url}/@vera`)).text(),
        /aria-label="Verified account"/,
      );
      const missing = await new Deno.Command(Deno.execPath(), {
        args: ["task", "admin", "verify", "nobody_here"],
        env: { SPAZIO_KV: web.kvPath },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(missing.code, 1);
      assert.match(
        new TextDecoder().decode(missing.stderr),
        /no account has the handle @nobody_here/,
      );
    } finally {
      await web.close();
    }
  },
);

/** The props an island was rendered with, as the page carries them to the browser. */
function islandProps(html: string, name: string): Record<string, unknown> {
  const m = html.match(new RegExp(`<spazio-island data-name="${name}" data-props="([^"]*)"`));
  assert.ok(m, `no ${name} island in the page`);
  const attr = m[1].replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  return JSON.parse(attr);
}

const OFF_SITE = ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)", "evil.example/x"];

Deno.test("safeNext keeps same-site paths and refuses every off-site target", () => {
  for (const next of ["/", "/s/abc", "/@ada", "/messages/bob?x=1#end", "/signin?next=%2Fcalls"]) {
    assert.equal(safeNext(next), next, next);
  }
  for (const next of [...OFF_SITE, "/\\/evil.example", "", undefined, null]) {
    assert.equal(safeNext(next), "/", String(next));
  }
});

Deno.test("sign-in and sign-up carry `next` to each other and to their islands", opts, async () => {
  const web = await startWeb();
  try {
    const signin = await (await fetch(`${web.url}/signin?next=${encodeURIComponent("/s/abc?x=1")}`)).text();
    assert.match(signin, /<a href="\/signup\?next=%2Fs%2Fabc%3Fx%3D1">/);
    assert.equal(islandProps(signin, "SignIn").next, "/s/abc?x=1");
    const signup = await (await fetch(`${web.url}/signup?next=${encodeURIComponent("/s/abc?x=1")}`)).text();
    assert.match(signup, /<a href="\/signin\?next=%2Fs%2Fabc%3Fx%3D1">/);
    assert.equal(islandProps(signup, "SignUp").next, "/s/abc?x=1");

    // Without a target, the pages link plainly; sign-up then goes to the new profile, sign-in home.
    const plainIn = await (await fetch(`${web.url}/signin`)).text();
    assert.match(plainIn, /<a href="\/signup">/);
    assert.equal(islandProps(plainIn, "SignIn").next, "/");
    const plainUp = await (await fetch(`${web.url}/signup`)).text();
    assert.match(plainUp, /<a href="\/signin">/);
    assert.equal(islandProps(plainUp, "SignUp").next, null);

    for (const next of OFF_SITE) {
      const q = `?next=${encodeURIComponent(next)}`;
      const inPage = await (await fetch(`${web.url}/signin${q}`)).text();
      assert.equal(islandProps(inPage, "SignIn").next, "/", next);
      assert.match(inPage, /<a href="\/signup">/, next);
      const upPage = await (await fetch(`${web.url}/signup${q}`)).text();
      assert.equal(islandProps(upPage, "SignUp").next, "/", next);
      assert.match(upPage, /<a href="\/signin">/, next);
      assert.doesNotMatch(inPage + upPage, /evil\.example|javascript:/, next);
    }

    // Someone already signed in goes straight to the target (and only a same-site one).
    const a = await account(web, "ada_l");
    const there = await fetch(`${web.url}/signin?next=%2Fpeople`, {
      headers: { cookie: a.cookie },
      redirect: "manual",
    });
    assert.equal(there.status, 302);
    assert.equal(there.headers.get("location"), "/people");
    const away = await fetch(`${web.url}/signup?next=%2F%2Fevil.example`, {
      headers: { cookie: a.cookie },
      redirect: "manual",
    });
    assert.equal(away.headers.get("location"), "/");
  } finally {
    await web.close();
  }
});

Deno.test("the offline page's Try again goes back to `next`, a same-site path only", opts, async () => {
  const web = await startWeb();
  try {
    const retry = async (q: string) => {
      const html = await (await fetch(`${web.url}/offline${q}`)).text();
      return html.match(/<a class="button" data-retry="true" href="([^"]*)"/)?.[1];
    };
    assert.equal(await retry(""), "/");
    assert.equal(await retry(`?next=${encodeURIComponent("/s/abc?x=1&y=2")}`), "/s/abc?x=1&amp;y=2");
    for (const next of OFF_SITE) assert.equal(await retry(`?next=${encodeURIComponent(next)}`), "/", next);
    // The service worker points its cached copy of this page the same way (static/sw.js).
    const sw = await (await fetch(`${web.url}/sw.js`)).text();
    assert.match(sw, /data-retry/);
  } finally {
    await web.close();
  }
});
