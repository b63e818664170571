// The web side of Spaces without a browser: creating, scheduling, editing, cancelling, starting,
// reminders, join tokens, the home page's lists, and what the room may tell the web (signed only).
import assert from "node:assert/strict";
import { signRequest } from "../lib/protocol/token.ts";
import { DEV_SERVER_SECRET } from "../lib/protocol/defaults.ts";
import { type Stack, startStack } from "./support/stack.ts";
import { sameOrigin, type WebServer } from "./support/web.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

async function account(web: WebServer, handle: string, name = handle.toUpperCase()) {
  const user = await web.deps.users.create({ handle, displayName: name }, {
    id: `cred-${handle}`,
    publicKey: new Uint8Array([1]),
    counter: 0,
    transports: [],
    createdAt: Date.now(),
    label: "t",
  });
  return { id: user.id, cookie: `spazio_session=${await web.deps.sessions.create(user.id)}` };
}

async function call(web: WebServer, method: string, path: string, cookie?: string, body?: unknown) {
  const res = await fetch(
    `${web.url}${path}`,
    sameOrigin(web, { method, cookie, body: body === undefined ? undefined : JSON.stringify(body) }),
  );
  const json = await res.json().catch(() => null);
  return { status: res.status, json };
}

async function withStack(fn: (s: Stack) => Promise<void>) {
  const stack = await startStack();
  try {
    await fn(stack);
  } finally {
    await stack.close();
  }
}

Deno.test("creating a Space: clear errors for bad input, nothing stored", opts, async () => {
  await withStack(async ({ web }) => {
    const host = await account(web, "host1");
    const cases: [unknown, number, string, string?][] = [
      [{ title: "", lang: "en" }, 400, "space.err.title_required", "title"],
      // A title nobody could see (zero-width and Hangul fillers) is no title.
      [{ title: "\u200B\u3164\uFEFF", lang: "en" }, 400, "space.err.title_required", "title"],
      [{ title: "x".repeat(71), lang: "en" }, 400, "space.err.title_too_long", "title"],
      [{ title: "ok", lang: "en", topics: ["a", "b", "c", "d"] }, 400, "space.err.too_many_topics", "topics"],
      [
        { title: "ok", lang: "en", scheduledFor: Date.now() + 15 * 86_400_000 },
        400,
        "space.err.schedule_range",
        "scheduledFor",
      ],
      [{ title: "ok", lang: "en", cohosts: ["nobody_here"] }, 400, "space.err.unknown_handle", "cohosts"],
      [{ title: "ok", lang: "xx" }, 400, "err.bad_request", "lang"],
      [{ title: "ok", lang: "en", role: "admin" }, 400, "err.bad_request"],
    ];
    for (const [body, status, code, field] of cases) {
      const r = await call(web, "POST", "/api/spaces", host.cookie, body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.equal(r.json.error.code, code, JSON.stringify(body));
      if (field) assert.equal(r.json.error.field, field);
    }
    const anon = await call(web, "POST", "/api/spaces", undefined, { title: "ok", lang: "en" });
    assert.equal(anon.status, 401);
    // Nothing stored: the home page's empty states say so and offer to start or schedule one.
    const list = await (await fetch(`${web.url}/`)).text();
    assert.match(list, /Nobody is live right now/);
    assert.match(list, /Nothing scheduled yet/);
    assert.match(list, /href="\/spaces\/new\?when=later"/);
    const filtered = await (await fetch(`${web.url}/?topic=chess`)).text();
    assert.match(filtered, /No live Spaces match/);
    assert.match(filtered, /No upcoming Spaces match/);
    assert.match(filtered, /Clear filters/);
  });
});

Deno.test("scheduled Spaces: edit, reminders, start by the host only, cancel", opts, async ({ step }) => {
  await withStack(async ({ web }) => {
    const host = await account(web, "host2", "Hana Host");
    const fan = await account(web, "fan2");
    await account(web, "cohost2");
    const at = Date.now() + 2 * 86_400_000;
    const created = await call(web, "POST", "/api/spaces", host.cookie, {
      title: "Sunday chess",
      lang: "it",
      topics: ["chess"],
      scheduledFor: at,
      cohosts: ["cohost2"],
    });
    assert.equal(created.status, 201);
    const id = created.json.id;

    await step("others cannot edit, start or cancel it", async () => {
      assert.equal((await call(web, "PATCH", `/api/spaces/${id}`, fan.cookie, { title: "mine" })).status, 403);
      assert.equal((await call(web, "POST", `/api/spaces/${id}/start`, fan.cookie)).status, 403);
      assert.equal((await call(web, "POST", `/api/spaces/${id}/cancel`, fan.cookie)).status, 403);
      assert.equal(
        (await call(web, "POST", `/api/spaces/${id}/join`, fan.cookie)).json.error.code,
        "space.err.not_live",
      );
    });
    await step("the host edits it; a fan sets a reminder; the home page lists it as upcoming", async () => {
      assert.equal(
        (await call(web, "PATCH", `/api/spaces/${id}`, host.cookie, { title: "Sunday chess club" })).status,
        200,
      );
      assert.equal((await call(web, "PUT", `/api/spaces/${id}/reminder`, fan.cookie)).json.reminder, true);
      const home = await (await fetch(`${web.url}/?topic=chess`, { headers: { cookie: fan.cookie } })).text();
      assert.match(home, /Sunday chess club/);
      assert.match(home, /Reminder set/);
      assert.doesNotMatch(await (await fetch(`${web.url}/?lang=fr`)).text(), /Sunday chess club/);
      assert.match(await (await fetch(`${web.url}/?q=CHESS`)).text(), /Sunday chess club/);
    });
    await step("the host starts it: it is live, with a room, and joinable", async () => {
      assert.equal((await call(web, "POST", `/api/spaces/${id}/start`, host.cookie)).status, 200);
      const join = await call(web, "POST", `/api/spaces/${id}/join`, fan.cookie);
      assert.equal(join.status, 200);
      assert.match(join.json.sub, /^u:/);
      const page = await (await fetch(`${web.url}/s/${id}`)).text();
      assert.match(page, /Hana Host/);
      assert.equal(
        (await call(web, "POST", `/api/spaces/${id}/cancel`, host.cookie)).status,
        409,
        "a live Space is not cancelled, it is ended",
      );
    });
    const other = await call(web, "POST", "/api/spaces", host.cookie, {
      title: "Will not happen",
      lang: "en",
      scheduledFor: at,
    });
    assert.equal((await call(web, "POST", `/api/spaces/${other.json.id}/cancel`, host.cookie)).status, 200);
    assert.match(await (await fetch(`${web.url}/s/${other.json.id}`)).text(), /This Space was cancelled/);
  });
});

Deno.test(
  "live Spaces: followed people first; blocked people get no tokens; the room's word is signed",
  opts,
  async () => {
    await withStack(async ({ web }) => {
      const a = await account(web, "alpha_h", "Alpha Host");
      const b = await account(web, "beta_h", "Beta Host");
      const viewer = await account(web, "viewer");
      const first = await call(web, "POST", "/api/spaces", a.cookie, { title: "Alpha talk", lang: "en" });
      const second = await call(web, "POST", "/api/spaces", b.cookie, { title: "Beta talk", lang: "en" });
      assert.equal(first.status, 201);
      assert.equal(second.status, 201);
      // A host's profile shows the Space they are live in, and only theirs.
      const profile = await (await fetch(`${web.url}/@alpha_h`)).text();
      assert.match(profile, /Alpha talk/);
      assert.match(profile, new RegExp(`href="/s/${first.json.id}"`));
      assert.doesNotMatch(profile, /Beta talk/);
      // Newest first for strangers; the followed host's Space first for a follower.
      const order = (html: string) => html.indexOf("Alpha talk") < html.indexOf("Beta talk") ? "alpha" : "beta";
      assert.equal(order(await (await fetch(`${web.url}/`)).text()), "beta");
      await web.deps.social.follow(viewer.id, a.id);
      assert.equal(order(await (await fetch(`${web.url}/`, { headers: { cookie: viewer.cookie } })).text()), "alpha");

      // Blocked by the host: no tokens, a clear reason.
      await call(web, "PUT", "/api/users/viewer/block", a.cookie);
      const refused = await call(web, "POST", `/api/spaces/${first.json.id}/join`, viewer.cookie);
      assert.equal(refused.status, 403);
      assert.equal(refused.json.error.message, "You can't join this Space.");
      // Anonymous listeners get a stable identity of their own.
      const anon = await fetch(`${web.url}/api/spaces/${first.json.id}/join`, sameOrigin(web, { method: "POST" }));
      assert.match((await anon.json()).sub, /^a:/);
      assert.match(anon.headers.get("set-cookie") ?? "", /spazio_anon=.*HttpOnly/i);

      // Only the room (holding the server secret) may change the directory.
      const body = JSON.stringify({ status: "ended", title: "x", listenerCount: 0, stage: [] });
      const forged = await fetch(`${web.url}/api/internal/spaces/${first.json.id}/state`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
      });
      assert.equal(forged.status, 401);
      assert.equal((await web.deps.kv.get<{ status: string }>(["spaces", first.json.id])).value?.status, "live");
      const signed = await fetch(`${web.url}/api/internal/spaces/${first.json.id}/state`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json", ...(await signRequest(DEV_SERVER_SECRET, body)) },
      });
      assert.equal(signed.status, 200);
      assert.match(await (await fetch(`${web.url}/s/${first.json.id}`)).text(), /This Space has ended/);
    });
  },
);
