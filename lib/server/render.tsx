// Renders a page: the route's content inside the Layout, with the bundles of the islands it used.
import type { Context } from "hono";
import type { ComponentChildren } from "preact";
import { renderToString } from "preact-render-to-string";
import { Layout } from "../../components/Layout.tsx";
import type { AppEnv } from "./http/env.ts";
import { safeNext } from "./http/next_target.ts";
import { cspNonce } from "./http/security_headers.ts";
import { inlineStylesheet } from "./inline_styles.ts";
import { Island } from "../../components/Island.tsx";
import { partyWsUrl } from "./calls/inbox.ts";
import { collectIslands, islandLazyModules, islandLazyPreloads, islandPreloads, islandUrl } from "./islands.ts";

// Pages are personal (the viewer's name, follows, reminders, room tokens minted for them), so no
// shared cache keeps one, and the browser revalidates before reusing one: `private, no-cache`.
// That, unlike `no-store`, lets Chromium keep a page in its back/forward cache, so Back is
// instant. Conversations, account settings and call screens stay `no-store`: Back after signing
// out on a shared device must not bring them up again. So do error pages, which may not last.
const NO_STORE = /^\/(?:messages|settings|calls)(?:\/|$)/;

export function pageCacheControl(path: string, status: number): string {
  return status !== 200 || NO_STORE.test(path) ? "no-store" : "private, no-cache";
}

/** Low-priority preloads of what islands import as they hydrate: early, but never before paint. */
function lazyPreloads(hrefs: string[], nonce: string | undefined): string {
  const n = nonce ? ` nonce="${nonce}"` : "";
  return hrefs.map((href) => `<link rel="modulepreload" href="${href}" fetchpriority="low"${n}>`).join("");
}

/** Where the shell's Sign in / Create account return to: this page, or the sign-in page's own target. */
function returnTo(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  return /^\/sign(in|up)$/.test(url.pathname) ? safeNext(url.searchParams.get("next")) : url.pathname + url.search;
}

export function renderPage(
  c: Context<AppEnv>,
  title: string,
  body: ComponentChildren,
  status: 200 | 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 = 200,
  opts: { headScript?: string } = {},
): Response {
  const user = c.get("user");
  // Every page of a signed-in person rings for incoming calls, whatever page is open.
  const ringer = user && (
    <Island
      name="CallRinger"
      props={{ lang: c.get("lang"), meId: user.id, partyUrl: partyWsUrl(c.get("deps").config) }}
    />
  );
  // The ringer lives outside <main>: partial navigation swaps the content and keeps it ringing.
  const { result: [inner, shell], islands } = collectIslands(
    () => [renderToString(<>{body}</>), ringer ? renderToString(ringer) : ""],
  );
  const lang = c.get("lang");
  // A page whose head opens its media socket (a Space opened from its link) imports its media code
  // from that script and runs it before it hydrates (lib/browser/space/early_audio.ts), so it names
  // all of that code's files in its head, right after that script (before its stylesheet, which it
  // carries inline), rather than at the end of its body: the browser asks for them with its first
  // requests instead of after the islands' own.
  const mediaFirst = opts.headScript !== undefined;
  const lazy = mediaFirst ? islandLazyModules(islands, lang) : islandLazyPreloads(islands, lang);
  // The Content-Security-Policy admits the inline scripts that carry this answer's nonce.
  const nonce = cspNonce(c);
  const html = renderToString(
    <Layout
      lang={c.get("lang")}
      title={title}
      user={c.get("user")}
      path={c.req.path}
      islandScripts={islands.map((name) => islandUrl(name, lang))}
      preloads={islandPreloads(islands, lang)}
      unread={c.get("unread") ?? 0}
      returnTo={returnTo(c)}
      shellIslands={shell}
      nonce={nonce}
      headScript={opts.headScript}
      headPreloads={mediaFirst ? lazy : []}
      islandsAfterMedia={mediaFirst}
      inlineStyle={mediaFirst ? inlineStylesheet() : undefined}
    >
      <div
        class="page"
        dangerouslySetInnerHTML={{ __html: inner + (mediaFirst ? "" : lazyPreloads(lazy, nonce)) }}
      />
    </Layout>,
  );
  return c.html("<!doctype html>" + html, status, { "cache-control": pageCacheControl(c.req.path, status) });
}
