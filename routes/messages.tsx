// DMs: the thread list (/messages), a thread (/messages/<handle>), and their JSON API.
import { type Context, Hono } from "hono";
import { z } from "zod";
import { Island } from "../components/Island.tsx";
import { markRead, sendDm, threadSummaries } from "../lib/calls/dm_service.ts";
import { inboxToken, partyWsUrl, peerInfo } from "../lib/calls/inbox.ts";
import { CALL_STYLES } from "../lib/calls/styles.ts";
import type { AppEnv } from "../lib/http/env.ts";
import { HttpError, notFound } from "../lib/http/errors.ts";
import { requireUser } from "../lib/http/guards.ts";
import { t } from "../lib/i18n/mod.ts";
import { DmStore } from "../lib/kv/dms.ts";
import type { User } from "../lib/kv/users.ts";
import { renderPage } from "../lib/render.tsx";
import { normaliseHandle } from "../lib/text.ts";

const messages = new Hono<AppEnv>();

export async function personByHandle(c: Context<AppEnv>, raw: string): Promise<User> {
  const u = await c.get("deps").users.byHandle(normaliseHandle(raw).slice(0, 20));
  if (!u) throw notFound();
  return u;
}

messages.get("/messages", async (c) => {
  const lang = c.get("lang");
  const me = c.get("user");
  if (!me) return c.redirect("/signin?next=/messages");
  const threads = await threadSummaries(c.get("deps"), me.id);
  return renderPage(c, t(lang, "dm.title"), (
    <>
      <style>{CALL_STYLES}</style>
      <h1>{t(lang, "dm.title")}</h1>
      <p><a href="/calls">{t(lang, "call.history_title")}</a></p>
      <Island name="DmInbox" props={{ lang, meId: me.id, partyUrl: partyWsUrl(c.get("deps").config), threads }} />
    </>
  ));
});

messages.get("/messages/:handle{@?[A-Za-z0-9_]{1,20}}", async (c) => {
  const lang = c.get("lang");
  const me = c.get("user");
  if (!me) return c.redirect(`/signin?next=${encodeURIComponent(c.req.path)}`);
  const deps = c.get("deps");
  const peer = await personByHandle(c, c.req.param("handle"));
  if (peer.id === me.id) return c.redirect("/messages");
  const entries = await new DmStore(deps.kv).entries(me.id, peer.id, { limit: 50 });
  await markRead(deps, me, peer.id);
  const blockedByMe = await deps.social.blocks(me.id, peer.id);
  return renderPage(c, t(lang, "dm.thread_title", { name: peer.displayName }), (
    <>
      <style>{CALL_STYLES}</style>
      <Island
        name="DmThread"
        props={{ lang, me: peerInfo(me), peer: peerInfo(peer), entries, blockedByMe, partyUrl: partyWsUrl(deps.config) }}
      />
    </>
  ));
});

messages.post("/api/inbox/token", async (c) => {
  const me = requireUser(c);
  return c.json({ token: await inboxToken(c.get("deps").config, me) });
});

messages.get("/api/messages", async (c) => {
  const me = requireUser(c);
  return c.json({ threads: await threadSummaries(c.get("deps"), me.id) });
});

const Page = z.object({
  before: z.string().regex(/^[0-9a-z]{10}[A-Za-z0-9_-]{8}$/).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

messages.get("/api/messages/:handle", async (c) => {
  const me = requireUser(c);
  const peer = await personByHandle(c, c.req.param("handle"));
  const q = Page.safeParse(c.req.query());
  if (!q.success) throw new HttpError(400, "err.bad_request");
  return c.json({ entries: await new DmStore(c.get("deps").kv).entries(me.id, peer.id, q.data) });
});

messages.post("/api/messages/:handle", async (c) => {
  const me = requireUser(c);
  const peer = await personByHandle(c, c.req.param("handle"));
  const body = await c.req.json().catch(() => null) as { text?: unknown } | null;
  const entry = await sendDm(c.get("deps"), me, peer, body?.text);
  return c.json({ entry }, 201);
});

messages.post("/api/messages/:handle/read", async (c) => {
  const me = requireUser(c);
  const peer = await personByHandle(c, c.req.param("handle"));
  await markRead(c.get("deps"), me, peer.id);
  return c.json({ ok: true });
});

export default messages;
