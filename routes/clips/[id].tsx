// /clips/<id>: one 30 s clip of a recorded Space, with its player and a share button; 410 once
// it expired or went with its deleted recording.
import { Island } from "../../components/Island.tsx";
import { HttpError } from "../../lib/server/http/errors.ts";
import type { Handlers } from "../../lib/server/http/route.ts";
import { t } from "../../lib/i18n/mod.ts";
import { recordingService } from "../../lib/server/recordings/deps.ts";
import { goneCode } from "../../lib/server/recordings/http.ts";
import { RecordingError, RecordingService } from "../../lib/server/recordings/service.ts";
import { SpaceStore } from "../../lib/server/kv/spaces.ts";
import { renderPage } from "../../lib/server/render.tsx";
import { Icon } from "../../components/Icon.tsx";

export const handler: Handlers = {
  async GET(c) {
    const lang = c.get("lang");
    const deps = c.get("deps");
    let id: string;
    try {
      id = RecordingService.id(c.req.param("id") ?? "", "clip id");
    } catch (err) {
      if (err instanceof RecordingError) throw new HttpError(404, "err.not_found");
      throw err;
    }
    const clip = await recordingService(deps).clips.get(id);
    if (!clip) throw new HttpError(404, "err.not_found");
    const space = await new SpaceStore(deps.kv).get(clip.spaceId);
    if (clip.gone) {
      // A page of its own, as a deleted recording has: why it is gone, and the way back.
      return renderPage(
        c,
        t(lang, "rec.clip_gone_title"),
        (
          <section class="screen center">
            <span class="screen-mark quiet" aria-hidden="true">
              <Icon name="clip" size={28} />
            </span>
            <h1>{t(lang, "rec.clip_gone_title")}</h1>
            <p class="lead">{t(lang, goneCode(clip.gone, true))}</p>
            <div class="actions center">
              {space && (
                <a class="button" href={`/s/${space.id}`}>
                  <Icon name="back" size={20} />
                  {t(lang, "space.back_to_space")}
                </a>
              )}
              <a class="button secondary" href="/">
                <Icon name="home" size={20} />
                {t(lang, "error.home")}
              </a>
            </div>
          </section>
        ),
        // renderPage's statuses are the app's common ones; 410 (gone for good) is this page's own.
        410 as 404,
      );
    }
    const host = space ? await deps.users.get(space.hostId) : null;
    const title = space?.title ?? t(lang, "rec.recorded_space");
    return renderPage(
      c,
      t(lang, "rec.clip_of", { title }),
      (
        <section class="screen replay-screen">
          {space && (
            <p class="back-link">
              <a href={`/s/${space.id}`}>
                <Icon name="back" size={18} />
                {space.title}
              </a>
            </p>
          )}
          <header class="replay-head">
            <span class="replay-badge">
              <Icon name="clip" size={16} />
              {t(lang, "rec.clip")}
            </span>
            <h1>{title}</h1>
            {host && <p class="muted">{t(lang, "space.hosted_by", { name: host.displayName })}</p>}
            <Island name="ShareButton" props={{ lang, url: `/clips/${clip.id}`, title }} />
          </header>
          <Island
            name="ReplayPlayer"
            props={{
              lang,
              kind: "clip",
              title,
              hostName: host?.displayName ?? "",
              src: { ogg: `/api/clips/${clip.id}/clip.ogg`, m4a: `/api/clips/${clip.id}/clip.m4a` },
              durationMs: clip.durationMs,
            }}
          />
        </section>
      ),
    );
  },
};
