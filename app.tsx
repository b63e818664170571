// Builds the web app: middleware (security headers, body limit, session, language, CSRF), routes,
// static files and one error handler.
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { serveStatic } from "hono/deno";
import config from "./fresh.config.ts";
import routes from "./routes.gen.ts";
import type { Config } from "./lib/server/config.ts";
import type { AppEnv, Deps } from "./lib/server/http/env.ts";
import { compression, precompressedBuild } from "./lib/server/http/compression.ts";
import { FieldError, HttpError } from "./lib/server/http/errors.ts";
import { csrfGuard } from "./lib/server/http/guards.ts";
import { honoPath } from "./lib/server/http/route.ts";
import { LANG_COOKIE, readSessionCookie } from "./lib/server/http/session.ts";
import { securityHeaders } from "./lib/server/http/security_headers.ts";
import { pickLang, t } from "./lib/i18n/mod.ts";
import { loadBuildManifest } from "./lib/server/islands.ts";
import { openKv } from "./lib/server/kv/db.ts";
import { DmStore } from "./lib/server/kv/dms.ts";
import { SessionStore } from "./lib/server/kv/sessions.ts";
import { SocialStore } from "./lib/server/kv/social.ts";
import { UserStore } from "./lib/server/kv/users.ts";
import { renderPage } from "./lib/server/render.tsx";
import { Icon } from "./components/Icon.tsx";

export async function createDeps(config: Config): Promise<Deps> {
  const kv = await openKv(config.kvPath);
  return { config, kv, users: new UserStore(kv), social: new SocialStore(kv), sessions: new SessionStore(kv) };
}

function wantsJson(c: Context<AppEnv>): boolean {
  return c.req.path.startsWith("/api/") || (c.req.header("accept") ?? "").includes("application/json");
}

function fail(c: Context<AppEnv>, status: number, code: HttpError["code"], field?: string): Response {
  const lang = c.get("lang") ?? "en";
  if (wantsJson(c)) {
    return c.json({ error: { code, message: t(lang, code), ...(field ? { field } : {}) } }, status as 400);
  }
  return renderPage(
    c,
    t(lang, "error.title"),
    (
      <section class="screen center">
        <span class="screen-mark quiet" aria-hidden="true">
          <Icon name="alert" size={28} />
        </span>
        <h1>{t(lang, "error.title")}</h1>
        <p class="lead" role="alert">{t(lang, code)}</p>
        <p>
          <a class="button" href="/">{t(lang, "error.home")}</a>
        </p>
      </section>
    ),
    status as 400,
  );
}

export function createApp(deps: Deps): Hono<AppEnv> {
  loadBuildManifest(deps.config.buildDir);
  const app = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    c.set("deps", deps);
    c.set("origin", deps.config.publicUrl ?? new URL(c.req.url).origin);
    c.set("lang", pickLang(getCookie(c, LANG_COOKIE), c.req.header("accept-language") ?? null));
    c.set("user", null);
    await next();
  });
  // First in, last out: it sees every answer, error pages included. /_build/ is precompressed.
  app.use("*", compression({ skip: (path) => path.startsWith("/_build/") }));
  // A Content-Security-Policy with a fresh nonce per answer (renderPage puts it on the inline scripts).
  app.use("*", securityHeaders());
  app.use(
    "*",
    bodyLimit({
      maxSize: config.server.maxBodyBytes,
      onError: (c) => fail(c as Context<AppEnv>, 413, "err.too_large"),
    }),
  );
  app.use("*", async (c, next) => {
    const token = readSessionCookie(c);
    c.set("sessionToken", token);
    const session = token ? await deps.sessions.get(token) : null;
    if (session) c.set("user", await deps.users.get(session.userId));
    const user = c.get("user");
    // Pages show the Messages tab's badge; API calls and files do not need it.
    const page = c.req.method === "GET" && !/^\/(api|_build|static)\//.test(c.req.path);
    c.set("unread", user && page ? await new DmStore(deps.kv).unreadTotal(user.id) : 0);
    await next();
  });
  app.use("*", csrfGuard((path) => path.startsWith("/api/internal/")));

  app.use("/_build/*", async (c, next) => {
    await next();
    if (c.res.ok) c.res.headers.set("cache-control", "public, max-age=31536000, immutable");
  });
  app.use("/_build/*", precompressedBuild(`${deps.config.buildDir}/static`));
  app.use("/static/*", async (c, next) => {
    await next();
    if (c.res.ok) c.res.headers.set("cache-control", "public, max-age=3600");
  });
  app.use("/static/*", serveStatic({ root: "./" }));

  // routes.gen.ts lists the files under routes/, static paths before dynamic ones (scripts/routes.ts).
  for (const { path, module } of routes) {
    for (const [method, handle] of Object.entries(module.handler)) {
      app.on(method, honoPath(path, module.params), handle);
    }
  }

  app.notFound((c) => fail(c, 404, "err.not_found"));
  app.onError((err, c) => {
    if (err instanceof HttpError) {
      return fail(c, err.status, err.code, err instanceof FieldError ? err.field : undefined);
    }
    console.error(err);
    return fail(c, 500, "err.generic");
  });
  return app;
}
