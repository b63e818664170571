// The page shell: header with navigation and language switch, main content, the manifest link
// and the one script every page has, the service worker registration.
import type { ComponentChildren } from "preact";
import { LANG_NAMES, type Lang, LANGS, t } from "../lib/i18n/mod.ts";
import type { User } from "../lib/kv/users.ts";

export interface LayoutProps {
  lang: Lang;
  title: string;
  user: User | null;
  path: string;
  islandScripts: string[];
  preloads?: string[];
  children: ComponentChildren;
}

const SW_REGISTRATION =
  `if("serviceWorker"in navigator)addEventListener("load",()=>navigator.serviceWorker.register("/sw.js"))`;

export function Layout({ lang, title, user, path, islandScripts, preloads = [], children }: LayoutProps) {
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Spazio`}</title>
        <meta name="description" content={t(lang, "app.tagline")} />
        <meta name="theme-color" content="#5b21b6" />
        <link rel="manifest" href="/manifest.webmanifest" />
        <link rel="icon" href="/static/icons/icon-192.png" type="image/png" />
        <link rel="apple-touch-icon" href="/static/icons/icon-192.png" />
        <link rel="stylesheet" href="/static/styles.css" />
        {islandScripts.map((src) => <script type="module" src={src} key={src} />)}
        {preloads.map((href) => <link rel="modulepreload" href={href} key={href} />)}
      </head>
      <body>
        <a class="skip" href="#main">{t(lang, "nav.skip")}</a>
        <header class="top">
          <a class="brand" href="/">Spazio</a>
          <nav aria-label={t(lang, "nav.main")}>
            <a href="/" aria-current={path === "/" ? "page" : undefined}>{t(lang, "nav.home")}</a>
            <a href="/people" aria-current={path === "/people" ? "page" : undefined}>{t(lang, "nav.people")}</a>
            {user
              ? (
                <>
                  <a href="/messages" aria-current={path.startsWith("/messages") ? "page" : undefined}>{t(lang, "dm.title")}</a>
                  <a href={`/@${user.handle}`}>{t(lang, "nav.profile")}</a>
                  <a href="/settings" aria-current={path === "/settings" ? "page" : undefined}>
                    {t(lang, "nav.settings")}
                  </a>
                  <form method="post" action="/signout" class="inline">
                    <button type="submit" class="link">{t(lang, "nav.signout")}</button>
                  </form>
                </>
              )
              : (
                <>
                  <a href="/signin">{t(lang, "nav.signin")}</a>
                  <a href="/signup" class="button small">{t(lang, "nav.signup")}</a>
                </>
              )}
          </nav>
        </header>
        <main id="main">{children}</main>
        <footer class="foot">
          <form method="post" action="/lang" class="lang">
            <input type="hidden" name="back" value={path} />
            <label for="site-lang">{t(lang, "lang.label")}</label>{" "}
            <select id="site-lang" name="lang">
              {LANGS.map((l) => <option value={l} selected={l === lang}>{LANG_NAMES[l]}</option>)}
            </select>{" "}
            <button type="submit">{t(lang, "lang.switch")}</button>
          </form>
        </footer>
        <script dangerouslySetInnerHTML={{ __html: SW_REGISTRATION }} />
      </body>
    </html>
  );
}
