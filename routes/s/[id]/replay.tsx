// /s/<id>/replay: a recorded Space after it ended, public like the Space: its title and host,
// the player, and for the host the trim and delete. A deleted or expired recording is a 410 page
// that says so, a Space never recorded a 404 of its own; one still being mixed says to come back,
// one where nobody spoke says nothing was recorded. With the Space's timeline beside the audio,
// the page shows the stage, comments, reactions and pins as they were at each moment.
import { Island } from "../../../components/Island.tsx";
import { spaceParam } from "../../../lib/server/http/params.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import { when } from "../../../lib/i18n/dates.ts";
import { t } from "../../../lib/i18n/mod.ts";
import { recordingService } from "../../../lib/server/recordings/deps.ts";
import { renderPage } from "../../../lib/server/render.tsx";
import { replayState } from "../../../lib/server/spaces/public_view.ts";
import { Icon } from "../../../components/Icon.tsx";

export const handler: Handlers = {
  async GET(c) {
    const lang = c.get("lang");
    const user = c.get("user");
    const space = await spaceParam(c);
    const svc = recordingService(c.get("deps"));
    const rec = await svc.get(space.id);
    if (!rec || rec.status === "deleted") {
      // Nothing to play: a page of its own that says why, not the generic error.
      const why = !rec ? "not_recorded" : rec.gone === "expired" ? "replay_expired" : "replay_deleted";
      return renderPage(
        c,
        t(lang, `space.${why}_title`),
        (
          <section class="screen center">
            <span class="screen-mark quiet" aria-hidden="true">
              <Icon name={rec ? "trash" : "replay"} size={28} />
            </span>
            <h1>{t(lang, `space.${why}_title`)}</h1>
            <p class="lead">{t(lang, `space.${why}_body`, { title: space.title })}</p>
            <div class="actions center">
              <a class="button" href={`/s/${space.id}`}>
                <Icon name="back" size={20} />
                {t(lang, "space.back_to_space")}
              </a>
              <a class="button secondary" href="/">
                <Icon name="home" size={20} />
                {t(lang, "error.home")}
              </a>
            </div>
          </section>
        ),
        // renderPage's statuses are the app's common ones; 410 (gone for good) is this page's own.
        (rec ? 410 : 404) as 404,
      );
    }
    const isHost = user?.id === space.hostId;
    const [host, timeline, clipCount] = await Promise.all([
      c.get("deps").users.get(space.hostId),
      rec.status === "ready" ? svc.timeline(space.id) : null,
      isHost ? svc.clips.countOf(space.id) : 0,
    ]);
    const title = t(lang, "rec.replay_of", { title: space.title });
    return renderPage(
      c,
      title,
      (
        <section class="screen replay-screen">
          <p class="back-link">
            <a href={`/s/${space.id}`}>
              <Icon name="back" size={18} />
              {space.title}
            </a>
          </p>
          <header class="replay-head">
            <span class="replay-badge">
              <Icon name="replay" size={16} />
              {t(lang, "rec.replay")}
            </span>
            <h1>{space.title}</h1>
            <p class="muted">
              {t(lang, "space.hosted_by", { name: host?.displayName ?? "?" })}
              {rec.expiresAt && <>{" · "}{t(lang, "rec.available_until", { date: when(lang, rec.expiresAt) })}</>}
            </p>
          </header>
          {rec.status === "ready"
            ? (
              <Island
                name="ReplayPlayer"
                props={{
                  lang,
                  kind: "replay",
                  title: space.title,
                  hostName: host?.displayName ?? "",
                  src: { ogg: `/api/recordings/${space.id}/replay.ogg`, m4a: `/api/recordings/${space.id}/replay.m4a` },
                  durationMs: rec.durationMs ?? 0,
                  spaceId: space.id,
                  clipsAllowed: rec.clipsAllowed,
                  isHost,
                  signedIn: !!user,
                  clipCount,
                  trimStartMs: rec.trimStartMs,
                  timeline,
                }}
              />
            )
            : (
              <p class="notice" role="status">
                {t(
                  lang,
                  rec.status !== "failed"
                    ? "rec.processing"
                    : replayState(rec) === "empty"
                    ? "space.replay_empty"
                    : "rec.failed",
                )}
              </p>
            )}
        </section>
      ),
    );
  },
};
