// Profiles (/@handle) and the social API: profile edit, follow, block, contacts.
import { Hono } from "hono";
import { z } from "zod";
import { Avatar, VerifiedBadge } from "../components/Avatar.tsx";
import { Island } from "../components/Island.tsx";
import type { AppEnv } from "../lib/http/env.ts";
import { FieldError, HttpError, notFound } from "../lib/http/errors.ts";
import { requireUser } from "../lib/http/guards.ts";
import { t } from "../lib/i18n/mod.ts";
import { Bio, DisplayName, type User } from "../lib/kv/users.ts";
import { renderPage } from "../lib/render.tsx";
import { SpaceService } from "../lib/spaces/service.ts";

const profile = new Hono<AppEnv>();

async function userByHandle(c: { get: (k: "deps") => AppEnv["Variables"]["deps"] }, handle: string): Promise<User> {
  const u = await c.get("deps").users.byHandle(handle.replace(/^@/, "").toLowerCase().slice(0, 20));
  if (!u) throw notFound();
  return u;
}

profile.get("/:at{@[A-Za-z0-9_]{1,20}}", async (c) => {
  const lang = c.get("lang");
  const viewer = c.get("user");
  const { social } = c.get("deps");
  const user = await userByHandle(c, c.req.param("at"));
  const counts = await social.counts(user.id);
  const self = viewer?.id === user.id;
  const rel = viewer && !self
    ? {
      following: await social.follows(viewer.id, user.id),
      contact: await social.isContact(viewer.id, user.id),
      blocked: await social.blocks(viewer.id, user.id),
    }
    : null;
  const joined = new Intl.DateTimeFormat(lang, { year: "numeric", month: "long" }).format(user.createdAt);
  return renderPage(c, `${user.displayName} (@${user.handle})`, (
    <article class="card profile">
      <header class="profile-head">
        <Avatar id={user.id} name={user.displayName} size={80} />
        <div>
          <h1>
            {user.displayName} {user.verified && <VerifiedBadge label={t(lang, "profile.verified")} />}
          </h1>
          <p class="muted">@{user.handle} · {t(lang, "profile.joined", { date: joined })}</p>
        </div>
      </header>
      <p class="bio">{user.bio || <span class="muted">{t(lang, "profile.no_bio")}</span>}</p>
      {rel
        ? (
          <Island
            name="ProfileActions"
            props={{ lang, handle: user.handle, name: user.displayName, followers: counts.followers, followingCount: counts.following, ...rel }}
          />
        )
        : (
          <p class="stats">
            <span><strong data-testid="followers">{counts.followers}</strong> {t(lang, "profile.followers")}</span>
            <span><strong>{counts.following}</strong> {t(lang, "profile.following")}</span>
          </p>
        )}
      {self && <p><a class="button secondary" href="/settings">{t(lang, "profile.edit")}</a></p>}
      {!viewer && <p><a href={`/signin?next=/@${user.handle}`}>{t(lang, "nav.signin")}</a></p>}
    </article>
  ));
});

const ProfilePatch = z.object({ displayName: z.string().max(200).optional(), bio: z.string().max(1000).optional() })
  .strict();

profile.patch("/api/users/:handle", async (c) => {
  const me = requireUser(c);
  const target = await userByHandle(c, c.req.param("handle"));
  if (target.id !== me.id) throw new HttpError(403, "err.forbidden");
  const body = ProfilePatch.safeParse(await c.req.json().catch(() => null));
  if (!body.success) throw new HttpError(400, "err.bad_request");
  const patch: { displayName?: string; bio?: string } = {};
  if (body.data.displayName !== undefined) {
    const r = DisplayName.safeParse(body.data.displayName);
    if (!r.success) {
      throw new FieldError("displayName", r.error.issues[0].message === "name_too_long" ? "err.name_too_long" : "err.name_required");
    }
    patch.displayName = r.data;
  }
  if (body.data.bio !== undefined) {
    const r = Bio.safeParse(body.data.bio);
    if (!r.success) throw new FieldError("bio", "err.bio_too_long");
    patch.bio = r.data;
  }
  const user = await c.get("deps").users.update(me.id, patch);
  return c.json({ ok: true, user: { handle: user.handle, displayName: user.displayName, bio: user.bio } });
});

/** The target of a social action: exists, and is not the actor. */
async function other(c: Parameters<typeof requireUser>[0]): Promise<{ me: User; them: User }> {
  const me = requireUser(c);
  const them = await userByHandle(c, c.req.param("handle") ?? "");
  if (them.id === me.id) throw new HttpError(400, "err.self");
  return { me, them };
}

profile.put("/api/users/:handle/follow", async (c) => {
  const { me, them } = await other(c);
  const { social } = c.get("deps");
  if (await social.eitherBlocks(me.id, them.id)) throw new HttpError(403, "err.forbidden");
  await social.follow(me.id, them.id);
  return c.json({ ok: true, following: true, followers: (await social.counts(them.id)).followers });
});

profile.delete("/api/users/:handle/follow", async (c) => {
  const { me, them } = await other(c);
  const { social } = c.get("deps");
  await social.unfollow(me.id, them.id);
  return c.json({ ok: true, following: false, followers: (await social.counts(them.id)).followers });
});

profile.put("/api/users/:handle/block", async (c) => {
  const { me, them } = await other(c);
  const { social } = c.get("deps");
  await social.block(me.id, them.id);
  // Live Spaces the blocker hosts put the blocked person out at once.
  await new SpaceService(c.get("deps")).pushBlocks(me);
  return c.json({ ok: true, blocked: true, followers: (await social.counts(them.id)).followers });
});

profile.delete("/api/users/:handle/block", async (c) => {
  const { me, them } = await other(c);
  await c.get("deps").social.unblock(me.id, them.id);
  await new SpaceService(c.get("deps")).pushBlocks(me);
  return c.json({ ok: true, blocked: false });
});

profile.put("/api/contacts/:handle", async (c) => {
  const { me, them } = await other(c);
  await c.get("deps").social.addContact(me.id, them.id);
  return c.json({ ok: true, contact: true });
});

profile.delete("/api/contacts/:handle", async (c) => {
  const { me, them } = await other(c);
  await c.get("deps").social.removeContact(me.id, them.id);
  return c.json({ ok: true, contact: false });
});

export default profile;
