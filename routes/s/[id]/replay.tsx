// /s/<id>/replay: a recorded Space after it ended, public like the Space: its title and host,
// the player (clips for the signed-in), and for the host the trim and delete. A deleted or expired
// recording is a 410 page that says so; one still being mixed says to come back. With the
// Space's timeline beside the audio, the page shows the stage, comments, reactions and pins as
// they were at each moment.
import { Island } from "../../../components/Island.tsx";
import { HttpError } from "../../../lib/server/http/errors.ts";
import { spaceParam } from "../../../lib/server/http/params.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import { when } from "../../../lib/i18n/dates.ts";
import { t } from "../../../lib/i18n/mod.ts";
import { recordingService } from "../../../lib/server/recordings/deps.ts";
import { renderPage } from "../../../lib/server/render.tsx";
import { Icon } from "../../../components/Icon.tsx";

export const handler: Handlers = {
  async GET(c) {
    const lang = c.get("lang");
    const user = c.get("user");
    const space = await spaceParam(c);
    const svc = recordingService(c.get("deps"));
    const rec = await svc.get(space.id);
    if (!rec) throw new HttpError(404, "rec.err.not_recorded");
    if (rec.status === "deleted") {
      throw new HttpError(410, rec.gone === "expired" ? "rec.err.recording_expired" : "rec.err.recording_gone");
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
              {rec.expiresAt && <>· {t(lang, "rec.available_until", { date: when(lang, rec.expiresAt) })}</>}
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
            : <p class="notice" role="status">{t(lang, rec.status === "failed" ? "rec.failed" : "rec.processing")}</p>}
        </section>
      ),
    );
  },
};
