// /offline: what the service worker shows for a page that could not load. "Try again" goes back
// to `next`, the page the person asked for (the worker fills it in for its cached copy).
import { safeNext } from "../lib/server/http/next_target.ts";
import type { Handlers } from "../lib/server/http/route.ts";
import { t } from "../lib/i18n/mod.ts";
import { renderPage } from "../lib/server/render.tsx";
import { Icon } from "../components/Icon.tsx";

export const handler: Handlers = {
  GET(c) {
    const lang = c.get("lang");
    return renderPage(
      c,
      t(lang, "offline.title"),
      (
        <section class="screen center">
          <span class="screen-mark quiet" aria-hidden="true">
            <Icon name="wifiOff" size={28} />
          </span>
          <h1>{t(lang, "offline.title")}</h1>
          <p class="lead">{t(lang, "offline.body")}</p>
          <p>
            <a class="button" data-retry href={safeNext(c.req.query("next"))}>{t(lang, "offline.retry")}</a>
          </p>
        </section>
      ),
    );
  },
};
