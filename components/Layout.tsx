// The app shell: a slim top bar (brand, a small menu with the language switch), the main tabs
// (a bottom tab bar on phones, a side rail on wide screens), the page's content, and the
// NowPlaying island, where a Space or a call goes on while the person browses. Besides that
// island, no script but the service worker's.
import type { ComponentChildren } from "preact";
import { type Lang, LANG_NAMES, LANGS, t } from "../lib/i18n/mod.ts";
import { withNext } from "../lib/server/http/next_target.ts";
import { jsonInScript } from "../lib/server/http/json_in_script.ts";
import { islandPreloads, islandUrl } from "../lib/server/islands.ts";
import { Island } from "./Island.tsx";
import type { User } from "../lib/server/kv/users.ts";
import { Icon } from "./Icon.tsx";
import { AFTER_MEDIA_ID } from "../lib/shared/after_media.ts";
import type { IconName } from "./icon_names.ts";

export interface LayoutProps {
  lang: Lang;
  title: string;
  user: User | null;
  path: string;
  islandScripts: string[];
  preloads?: string[];
  /** Unread DM entries, for the Messages tab's badge. */
  unread?: number;
  /** Where signing in or up from this page returns the person (this page, or its own `next`). */
  returnTo?: string;
  /** Islands of the shell itself (the call ringer), rendered outside the swapped content. */
  shellIslands?: string;
  /** The Content-Security-Policy nonce of this answer: every inline script (and bundle) carries it. */
  nonce?: string;
  /**
   * An inline script that must run before anything else loads (the Space page's early media
   * socket): first in the head, so that no stylesheet holds it back.
   */
  headScript?: string;
  /** Modules the head's script imports (with all they import): named before the islands' scripts. */
  headPreloads?: string[];
  /**
   * The islands' scripts wait for the head script's media code (`window.__spazioAfterMedia`,
   * lib/server/spaces/early_media.ts): listed in a JSON block, not as tags, and loaded once that
   * code is in, so that on a slow link the media code's bytes and main-thread time come first.
   */
  islandsAfterMedia?: boolean;
  /** The stylesheet's text, carried in a `<style>` element instead of linked (lib/server/inline_styles.ts). */
  inlineStyle?: string;
  children: ComponentChildren;
}

/**
 * Loads the islands' files listed in the JSON block once the head script's media code is in (or
 * could not come), the chunks named first: no import is found one by one. A page without that
 * code loads them at once.
 */
const AFTER_MEDIA_LOADER = `(function(){var d=JSON.parse(document.getElementById("${AFTER_MEDIA_ID}").textContent),` +
  `h=document.head;(window.__spazioAfterMedia||Promise.resolve()).then(function(){` +
  `d.preloads.forEach(function(u){var l=document.createElement("link");l.rel="modulepreload";l.href=u;h.append(l)});` +
  `d.scripts.forEach(function(u){import(u).catch(function(e){console.error(e)})})})})();`;

const SW_REGISTRATION =
  `if("serviceWorker"in navigator)addEventListener("load",()=>navigator.serviceWorker.register("/sw.js"))`;

interface Tab {
  href: string;
  label: string;
  icon: IconName;
  current: boolean;
  badge?: number;
}

function tabsFor(lang: Lang, user: User | null, path: string, unread: number, returnTo: string): Tab[] {
  const tabs: Tab[] = [
    {
      href: "/",
      label: t(lang, "nav.home"),
      icon: "home",
      current: path === "/" || path.startsWith("/s/") || path.startsWith("/spaces"),
    },
    { href: "/people", label: t(lang, "nav.search"), icon: "search", current: path.startsWith("/people") },
  ];
  if (user) {
    tabs.push(
      {
        href: "/messages",
        label: t(lang, "dm.title"),
        icon: "messages",
        current: path.startsWith("/messages") || path.startsWith("/calls"),
        badge: unread,
      },
      {
        href: `/@${user.handle}`,
        label: t(lang, "nav.profile_tab"),
        icon: "profile",
        current: path === `/@${user.handle}` || path === "/settings",
      },
    );
  } else {
    tabs.push({
      href: withNext("/signin", returnTo),
      label: t(lang, "nav.signin"),
      icon: "signin",
      current: path === "/signin" || path === "/signup",
    });
  }
  return tabs;
}

export function Layout(
  {
    lang,
    title,
    user,
    path,
    islandScripts,
    preloads = [],
    unread = 0,
    returnTo = "/",
    shellIslands = "",
    nonce,
    headScript,
    headPreloads = [],
    islandsAfterMedia = false,
    inlineStyle,
    children,
  }: LayoutProps,
) {
  // Only a page's script can start a Space or a call (or bring one over from the page before), so
  // a page without any keeps shipping none; every other page carries the NowPlaying island.
  const nowPlaying = islandScripts.length > 0;
  const scripts = nowPlaying ? [...new Set([...islandScripts, islandUrl("NowPlaying", lang)])] : islandScripts;
  const first = new Set(headPreloads);
  const modulePreloads = (nowPlaying ? [...new Set([...preloads, ...islandPreloads(["NowPlaying"], lang)])] : preloads)
    .filter((href) => !first.has(href));
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <title>{`${title} · Spazio`}</title>
        {headScript && <script nonce={nonce} dangerouslySetInnerHTML={{ __html: headScript }} />}
        {
          /* The head script's media code, named right after it: the first bytes of the page ask for
            it, before the stylesheet this page carries inline has come down a slow link. */
        }
        {headPreloads.map((href) => <link rel="modulepreload" href={href} nonce={nonce} key={href} />)}
        <meta name="description" content={t(lang, "app.tagline")} />
        <meta name="theme-color" content="#f6f4fb" media="(prefers-color-scheme: light)" />
        <meta name="theme-color" content="#0f0b1e" media="(prefers-color-scheme: dark)" />
        <link rel="manifest" href="/manifest.webmanifest" />
        <link rel="icon" href="/static/icons/icon-192.png" type="image/png" />
        <link rel="apple-touch-icon" href="/static/icons/icon-192.png" />
        {inlineStyle === undefined
          ? <link rel="stylesheet" href="/static/styles.css" />
          : <style nonce={nonce} dangerouslySetInnerHTML={{ __html: inlineStyle }} />}
        {islandsAfterMedia
          ? (
            <>
              <script
                type="application/json"
                id={AFTER_MEDIA_ID}
                dangerouslySetInnerHTML={{ __html: jsonInScript({ scripts, preloads: modulePreloads }) }}
              />
              <script nonce={nonce} dangerouslySetInnerHTML={{ __html: AFTER_MEDIA_LOADER }} />
            </>
          )
          : (
            <>
              {scripts.map((src) => <script type="module" src={src} nonce={nonce} key={src} />)}
              {modulePreloads.map((href) => <link rel="modulepreload" href={href} nonce={nonce} key={href} />)}
            </>
          )}
      </head>
      <body>
        <a class="skip" href="#main">{t(lang, "nav.skip")}</a>
        <header class="topbar">
          <a class="brand" href="/">
            <span class="brand-mark">
              <Icon name="broadcast" size={18} />
            </span>Spazio
          </a>
          <div class="topbar-actions">
            {!user && <a href={withNext("/signup", returnTo)} class="button small">{t(lang, "nav.signup")}</a>}
            <MoreMenu lang={lang} user={user} path={path} />
          </div>
        </header>
        <nav class="tabs" aria-label={t(lang, "nav.main")}>
          {tabsFor(lang, user, path, unread, returnTo).map((tab) => (
            <a class="tab" href={tab.href} aria-current={tab.current ? "page" : undefined} key={tab.href}>
              <Icon name={tab.icon} />
              <span>{tab.label}</span>
              {tab.badge
                ? (
                  <span class="count-badge" aria-label={t(lang, "nav.unread", { n: tab.badge })}>
                    {tab.badge > 99 ? "99+" : tab.badge}
                  </span>
                )
                : null}
            </a>
          ))}
        </nav>
        <main id="main" tabIndex={-1}>{children}</main>
        {/* Outside <main>: partial navigation keeps it, and what it plays, across pages. */}
        {nowPlaying && <Island name="NowPlaying" props={{ lang }} />}
        {shellIslands && <div id="shell-islands" dangerouslySetInnerHTML={{ __html: shellIslands }} />}
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: SW_REGISTRATION }} />
      </body>
    </html>
  );
}

/** The top bar's menu: language (a form, so it works without script), settings, sign out. */
function MoreMenu({ lang, user, path }: { lang: Lang; user: User | null; path: string }) {
  return (
    <details class="more">
      <summary class="button icon-button" aria-label={t(lang, "nav.more")} title={t(lang, "nav.more")}>
        <Icon name="more" />
      </summary>
      <div class="more-panel">
        <form method="post" action="/lang">
          <input type="hidden" name="back" value={path} />
          <p class="menu-label" id="menu-lang">{t(lang, "lang.label")}</p>
          <div class="lang-choice" role="group" aria-labelledby="menu-lang">
            {LANGS.map((l) => (
              <button type="submit" name="lang" value={l} lang={l} aria-pressed={l === lang ? "true" : "false"} key={l}>
                {LANG_NAMES[l]}
              </button>
            ))}
          </div>
        </form>
        {user && (
          <>
            <hr />
            <a href="/settings">
              <Icon name="settings" />
              {t(lang, "nav.settings")}
            </a>
            <form method="post" action="/signout">
              <button type="submit">
                <Icon name="signout" />
                {t(lang, "nav.signout")}
              </button>
            </form>
          </>
        )}
      </div>
    </details>
  );
}
