// /s/<id>/edit: the host edits a scheduled Space (title, topics, time, co-hosts, speakers).
import { Island } from "../../../components/Island.tsx";
import { HttpError } from "../../../lib/server/http/errors.ts";
import { spaceParam } from "../../../lib/server/http/params.ts";
import type { Handlers } from "../../../lib/server/http/route.ts";
import { t } from "../../../lib/i18n/mod.ts";
import { renderPage } from "../../../lib/server/render.tsx";
import { Icon } from "../../../components/Icon.tsx";

export const handler: Handlers = {
  async GET(c) {
    const lang = c.get("lang");
    const user = c.get("user");
    const space = await spaceParam(c);
    if (!user || user.id !== space.hostId) throw new HttpError(403, "err.forbidden");
    if (space.status !== "scheduled") return c.redirect(`/s/${space.id}`);
    const { users } = c.get("deps");
    const handles = async (ids: string[]) => (await users.getMany(ids)).map((u) => u.handle);
    return renderPage(
      c,
      t(lang, "space.edit"),
      (
        <section class="screen">
          <p class="back-link">
            <a href={`/s/${space.id}`}>
              <Icon name="back" size={18} />
              {space.title}
            </a>
          </p>
          <h1>{t(lang, "space.edit")}</h1>
          <Island
            name="CreateSpace"
            props={{
              lang,
              edit: {
                id: space.id,
                title: space.title,
                topics: space.topics,
                lang: space.lang,
                scheduledFor: space.scheduledFor!,
                cohosts: await handles(space.cohostIds),
                speakers: await handles(space.speakerIds),
                allowVideo: space.allowVideo,
                record: space.record,
              },
            }}
          />
        </section>
      ),
    );
  },
};
