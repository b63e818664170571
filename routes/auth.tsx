// Sign up, sign in and sign out pages, and the passkey ceremony API behind them.
import { Hono } from "hono";
import { z } from "zod";
import { Island } from "../components/Island.tsx";
import { PasskeyService, relyingParty } from "../lib/auth/passkeys.ts";
import type { AppEnv } from "../lib/http/env.ts";
import { FieldError, HttpError } from "../lib/http/errors.ts";
import { requireUser } from "../lib/http/guards.ts";
import { clearSessionCookie, clientIp, readSessionCookie, setSessionCookie } from "../lib/http/session.ts";
import { t } from "../lib/i18n/mod.ts";
import { DisplayName, Handle, HandleTakenError } from "../lib/kv/users.ts";
import { renderPage } from "../lib/render.tsx";
import { hasVisibleText, normaliseHandle } from "../lib/text.ts";

const auth = new Hono<AppEnv>();
const LOGIN_ATTEMPTS_PER_MINUTE = 10;

function service(c: { get: (k: "deps") => AppEnv["Variables"]["deps"] }) {
  const { users, sessions } = c.get("deps");
  return new PasskeyService(users, sessions);
}

auth.get("/signup", (c) => {
  const lang = c.get("lang");
  if (c.get("user")) return c.redirect("/");
  return renderPage(c, t(lang, "signup.title"), (
    <section class="card narrow">
      <h1>{t(lang, "signup.title")}</h1>
      <p class="muted">{t(lang, "home.cta")}</p>
      <Island name="SignUp" props={{ lang }} />
      <p><a href="/signin">{t(lang, "signup.have_account")}</a></p>
    </section>
  ));
});

auth.get("/signin", (c) => {
  const lang = c.get("lang");
  if (c.get("user")) return c.redirect("/");
  return renderPage(c, t(lang, "signin.title"), (
    <section class="card narrow">
      <h1>{t(lang, "signin.title")}</h1>
      <p class="muted">{t(lang, "signin.lead")}</p>
      <Island name="SignIn" props={{ lang, next: safeNext(c.req.query("next")) }} />
      <p><a href="/signup">{t(lang, "signin.no_account")}</a></p>
    </section>
  ));
});

/** Only same-site paths may be a redirect target after sign-in. */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : "/";
}

auth.post("/signout", async (c) => {
  await c.get("deps").sessions.destroy(readSessionCookie(c));
  clearSessionCookie(c);
  return c.redirect("/", 303);
});

const RegisterStart = z.object({ handle: z.string().max(40), displayName: z.string().max(200) });

auth.post("/api/auth/register/options", async (c) => {
  const body = RegisterStart.safeParse(await c.req.json().catch(() => null));
  if (!body.success) throw new HttpError(400, "err.bad_request");
  const handle = normaliseHandle(body.data.handle);
  if (!Handle.safeParse(handle).success) throw new FieldError("handle", "err.handle_invalid");
  const name = DisplayName.safeParse(body.data.displayName);
  if (!name.success) {
    throw new FieldError("displayName", name.error.issues[0].message === "name_too_long" ? "err.name_too_long" : "err.name_required");
  }
  // A name of zero-width spaces or Hangul fillers is as good as none: others would see a blank.
  if (!hasVisibleText(name.data)) throw new FieldError("displayName", "err.name_required");
  if (await c.get("deps").users.byHandle(handle)) throw new FieldError("handle", "err.handle_taken", 409);
  const options = await service(c).registrationOptions(relyingParty(c.get("origin")), handle, name.data);
  return c.json(options);
});

auth.post("/api/auth/register/verify", async (c) => {
  const body = await c.req.json().catch(() => null);
  const { pending, passkey } = await service(c).verifyRegistration(relyingParty(c.get("origin")), body?.response, "register");
  const { users, sessions } = c.get("deps");
  try {
    const user = await users.create(
      { id: pending.webauthnUserId, handle: pending.handle!, displayName: pending.displayName! },
      passkey,
    );
    setSessionCookie(c, await sessions.create(user.id));
    return c.json({ ok: true, handle: user.handle });
  } catch (e) {
    if (e instanceof HandleTakenError) throw new FieldError("handle", "err.handle_taken", 409);
    throw e;
  }
});

auth.post("/api/auth/login/options", async (c) => {
  if (!(await c.get("deps").sessions.allow("login", clientIp(c), LOGIN_ATTEMPTS_PER_MINUTE))) {
    throw new HttpError(429, "err.throttled");
  }
  return c.json(await service(c).authenticationOptions(relyingParty(c.get("origin"))));
});

auth.post("/api/auth/login/verify", async (c) => {
  if (!(await c.get("deps").sessions.allow("login", clientIp(c), LOGIN_ATTEMPTS_PER_MINUTE))) {
    throw new HttpError(429, "err.throttled");
  }
  const body = await c.req.json().catch(() => null);
  const user = await service(c).verifyAuthentication(relyingParty(c.get("origin")), body?.response);
  setSessionCookie(c, await c.get("deps").sessions.create(user.id));
  return c.json({ ok: true, handle: user.handle });
});

auth.post("/api/auth/passkeys/options", async (c) => {
  const user = requireUser(c);
  return c.json(await service(c).addPasskeyOptions(relyingParty(c.get("origin")), user));
});

auth.post("/api/auth/passkeys/verify", async (c) => {
  const user = requireUser(c);
  const body = await c.req.json().catch(() => null);
  const { pending, passkey } = await service(c).verifyRegistration(relyingParty(c.get("origin")), body?.response, "add-passkey");
  if (pending.userId !== user.id) throw new HttpError(403, "err.forbidden");
  await c.get("deps").users.addPasskey(user.id, passkey);
  const count = (await c.get("deps").users.passkeysOf(user.id)).length;
  return c.json({ ok: true, count });
});

export default auth;
