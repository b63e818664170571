// /s/<id>: a Space as the reader finds it: live (the room island, with join tokens in the page),
// scheduled (reminders, start), ended, or a refusal for someone the room has removed or blocked.
import { Avatar } from "../../components/Avatar.tsx";
import { EndedSpace } from "../../components/space/EndedSpace.tsx";
import { Island } from "../../components/Island.tsx";
import { HttpError } from "../../lib/server/http/errors.ts";
import { spaceParam } from "../../lib/server/http/params.ts";
import type { Handlers } from "../../lib/server/http/route.ts";
import { when } from "../../lib/i18n/dates.ts";
import { t } from "../../lib/i18n/mod.ts";
import { recordingService } from "../../lib/server/recordings/deps.ts";
import { renderPage } from "../../lib/server/render.tsx";
import { joinTokens } from "../../lib/server/spaces/join.ts";
import { replayState } from "../../lib/server/spaces/public_view.ts";
import { SpaceService } from "../../lib/server/spaces/service.ts";
import { Icon } from "../../components/Icon.tsx";
import { earlyMediaModule, earlyMediaScript } from "../../lib/server/spaces/early_media.ts";

export const handler: Handlers = {
  async GET(c) {
    const lang = c.get("lang");
    const user = c.get("user");
    const service = new SpaceService(c.get("deps"));
    const space = await spaceParam(c);
    const host = await c.get("deps").users.get(space.hostId);
    const hostName = host?.displayName ?? "?";
    const header = (
      <header class="space-page-head">
        <p class="space-card-top">
          {space.status === "scheduled" && (
            <span class="when-pill">
              <Icon name="calendar" size={16} />
              {t(lang, "space.scheduled_badge")}
            </span>
          )}
          <span class="space-card-lang">{t(lang, `space.lang.${space.lang}`)}</span>
        </p>
        <h1>{space.title}</h1>
        {space.topics.length > 0 && (
          <p class="space-card-topics">{space.topics.map((tp) => <span class="topic" key={tp}>#{tp}</span>)}</p>
        )}
        {host && (
          <a class="person host-person" href={`/@${host.handle}`}>
            <Avatar id={host.id} name={host.displayName} size={44} />
            <span class="person-id">
              <strong>{t(lang, "space.hosted_by", { name: hostName })}</strong>
              <span class="muted">@{host.handle}</span>
            </span>
          </a>
        )}
      </header>
    );
    const share = <Island name="ShareButton" props={{ lang, url: `/s/${space.id}`, title: space.title }} />;
    if (space.status === "ended") {
      // A recorded Space lives on as its replay; one still being mixed is followed by an island.
      const rec = await recordingService(c.get("deps")).get(space.id);
      const props = {
        lang,
        spaceId: space.id,
        title: space.title,
        host: host ? { name: host.displayName, handle: host.handle } : null,
        cancelled: space.cancelled,
        replay: replayState(rec),
      };
      return renderPage(
        c,
        t(lang, "space.ended_title"),
        props.replay === "making" ? <Island name="EndedScreen" props={props} /> : <EndedSpace {...props} />,
      );
    }
    if (space.status === "scheduled") {
      const reminder = user ? await service.spaces.hasReminder(space.id, user.id) : false;
      return renderPage(
        c,
        space.title,
        (
          <section class="space-page">
            {header}
            <p class="space-when">
              <Icon name="clock" size={20} />
              {t(lang, "space.scheduled_for", { when: when(lang, space.scheduledFor!) })}
            </p>
            <div class="space-page-actions">
              <Island
                name="ScheduledActions"
                props={{
                  lang,
                  spaceId: space.id,
                  isHost: user?.id === space.hostId,
                  reminder,
                  signedIn: !!user,
                  signInUrl: `/signin?next=/s/${space.id}`,
                }}
              />
              {share}
            </div>
          </section>
        ),
      );
    }
    // Tokens in the page save the island a round trip before it can join (the page is not cached).
    const [snapshot, joined] = await Promise.all([
      service.room.snapshot(space.id),
      joinTokens(c, space).then((tokens) => ({ tokens }), (refusal) => ({ refusal, tokens: null })),
    ]);
    if (!snapshot) throw new HttpError(503, "space.err.room_unavailable");
    const refusal = "refusal" in joined && joined.refusal instanceof HttpError && joined.refusal.status === 403
      ? joined.refusal
      : null;
    if (refusal) {
      // Removed, banned or blocked: the page says so and carries no token and no room island.
      return renderPage(
        c,
        space.title,
        (
          <section class="space-page">
            {header}
            <p class="notice refusal" role="alert">
              <Icon name="ban" size={20} />
              {t(lang, refusal.code)}
            </p>
            <p>
              <a class="button" href="/">
                <Icon name="home" size={20} />
                {t(lang, "error.home")}
              </a>
            </p>
          </section>
        ),
        403,
      );
    }
    const tokens = joined.tokens;
    if (snapshot.space.status === "ended") {
      await service.spaces.update(
        space.id,
        (s) => ({ ...s, status: "ended", endedAt: snapshot.space.endedAt ?? Date.now() }),
      );
      return c.redirect(`/s/${space.id}`);
    }
    // The live screen draws its own header (LIVE, title, listeners, Share, Leave): it follows the room.
    return renderPage(
      c,
      space.title,
      (
        <section class="space-screen">
          <Island
            name="SpaceScreen"
            props={{
              lang,
              spaceId: space.id,
              topics: space.topics,
              initial: snapshot,
              signInUrl: `/signin?next=/s/${space.id}`,
              tokens,
            }}
          />
        </section>
      ),
      200,
      // The media socket opens before the stylesheet and the scripts load (early_media.ts).
      tokens
        ? {
          headScript: earlyMediaScript(space.id, tokens.sfuUrl, tokens.sfuToken, tokens.ice, earlyMediaModule(lang)),
        }
        : {},
    );
  },
};
