// Calls: the history page (/calls), the call screen (/calls/<id>), and the calls API: placing a
// call, tokens for the call room and its media, call settings, and the call rooms' reports.
import { Hono } from "hono";
import { z } from "zod";
import { Island } from "../components/Island.tsx";
import { applyCallView, callHistory, callOf, joinToken, mediaToken, placeCall } from "../lib/calls/call_service.ts";
import { callText } from "../lib/calls/entry_text.ts";
import { partyWsUrl, peerInfo, sfuWsUrl } from "../lib/calls/inbox.ts";
import { CallSettings } from "../lib/calls/rule.ts";
import { CALL_STYLES } from "../lib/calls/styles.ts";
import type { AppEnv } from "../lib/http/env.ts";
import { HttpError, notFound } from "../lib/http/errors.ts";
import { readSignedBody, requireUser } from "../lib/http/guards.ts";
import { t } from "../lib/i18n/mod.ts";
import { CallStore } from "../lib/kv/calls.ts";
import { CallId, CallReport, isFinal } from "../lib/protocol/call.ts";
import { renderPage } from "../lib/render.tsx";
import { personByHandle } from "./messages.tsx";

const calls = new Hono<AppEnv>();

const callIdParam = (raw: string | undefined) => {
  const id = CallId.safeParse(raw);
  if (!id.success) throw notFound();
  return id.data;
};

calls.get("/calls", async (c) => {
  const lang = c.get("lang");
  const me = c.get("user");
  if (!me) return c.redirect("/signin?next=/calls");
  const deps = c.get("deps");
  const history = (await callHistory(deps, me.id)).filter((r) => isFinal(r.status));
  const people = new Map((await deps.users.getMany([...new Set(history.flatMap((r) => [r.callerId, r.calleeId]))])).map((u) => [u.id, u]));
  const fmt = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
  const outcome = { ended: "answered", declined: "declined", cancelled: "cancelled", missed: "missed", busy: "busy" } as const;
  return renderPage(c, t(lang, "call.history_title"), (
    <>
      <style>{CALL_STYLES}</style>
      <h1>{t(lang, "call.history_title")}</h1>
      <p><a href="/messages">{t(lang, "dm.title")}</a></p>
      {history.length === 0 ? <p class="muted">{t(lang, "call.history_empty")}</p> : (
        <ul class="history card" aria-label={t(lang, "call.history_title")}>
          {history.map((r) => {
            const other = people.get(r.callerId === me.id ? r.calleeId : r.callerId);
            if (!other) return null;
            const text = callText(lang, {
              kind: "call", id: r.id, from: r.callerId, to: r.calleeId, at: r.createdAt, callId: r.id, video: r.video,
              outcome: outcome[r.status as keyof typeof outcome] ?? "missed", durationS: r.durationS,
            }, me.id);
            return (
              <li key={r.id} data-testid="call-row">
                <strong>{other.displayName}</strong>
                <span class="muted">{t(lang, r.callerId === me.id ? "call.history_out" : "call.history_in")}</span>
                <span>{text}</span>
                <time class="muted" dateTime={new Date(r.createdAt).toISOString()}>{fmt.format(r.createdAt)}</time>
                <a href={`/messages/${other.handle}`}>{t(lang, "dm.message")}</a>
              </li>
            );
          })}
        </ul>
      )}
    </>
  ));
});

calls.get("/calls/:id", async (c) => {
  const lang = c.get("lang");
  const me = c.get("user");
  if (!me) return c.redirect(`/signin?next=${encodeURIComponent(c.req.path)}`);
  const deps = c.get("deps");
  const rec = await callOf(deps, me, callIdParam(c.req.param("id")));
  const peer = await deps.users.get(rec.callerId === me.id ? rec.calleeId : rec.callerId);
  if (!peer) throw notFound();
  return renderPage(c, t(lang, "call.with", { name: peer.displayName }), (
    <>
      <style>{CALL_STYLES}</style>
      <Island
        name="CallScreen"
        props={{
          lang,
          callId: rec.id,
          me: peerInfo(me),
          peer: peerInfo(peer),
          role: rec.callerId === me.id ? "caller" : "callee",
          video: rec.video,
          partyUrl: partyWsUrl(deps.config),
          answer: c.req.query("answer") === "1",
        }}
      />
    </>
  ));
});

const PlaceCall = z.object({ to: z.string().min(1).max(20), video: z.boolean().default(false) }).strict();

calls.post("/api/calls", async (c) => {
  const me = requireUser(c);
  const body = PlaceCall.safeParse(await c.req.json().catch(() => null));
  if (!body.success) throw new HttpError(400, "err.bad_request");
  const callee = await personByHandle(c, body.data.to);
  return c.json(await placeCall(c.get("deps"), me, callee, body.data.video), 201);
});

calls.get("/api/calls", async (c) => {
  const me = requireUser(c);
  return c.json({ calls: await callHistory(c.get("deps"), me.id) });
});

/** The call ringing for me now, if any: a tab that connects mid-ring rings too. */
calls.get("/api/calls/incoming", async (c) => {
  const me = requireUser(c);
  const deps = c.get("deps");
  const store = new CallStore(deps.kv);
  const id = await store.activeCallOf(me.id);
  const rec = id ? await store.get(id) : null;
  const caller = rec && rec.calleeId === me.id && rec.status === "ringing" ? await deps.users.get(rec.callerId) : null;
  return c.json({ call: rec && caller ? { callId: rec.id, from: peerInfo(caller), video: rec.video } : null });
});

calls.post("/api/calls/:id/join", async (c) => {
  const me = requireUser(c);
  return c.json({ token: await joinToken(c.get("deps"), me, callIdParam(c.req.param("id"))) });
});

calls.post("/api/calls/:id/media", async (c) => {
  const me = requireUser(c);
  const deps = c.get("deps");
  const token = await mediaToken(deps, me, callIdParam(c.req.param("id")));
  return c.json({ token, url: sfuWsUrl(deps.config) });
});

calls.get("/api/settings/calls", async (c) => {
  const me = requireUser(c);
  return c.json({ settings: await new CallStore(c.get("deps").kv).settings(me.id) });
});

calls.put("/api/settings/calls", async (c) => {
  const me = requireUser(c);
  const body = CallSettings.safeParse(await c.req.json().catch(() => null));
  if (!body.success) throw new HttpError(400, "err.bad_request");
  await new CallStore(c.get("deps").kv).saveSettings(me.id, body.data);
  return c.json({ settings: body.data });
});

/** The call rooms' reports (signed with the server secret; CSRF checks skip /api/internal/). */
calls.post("/api/internal/calls/:id", async (c) => {
  const deps = c.get("deps");
  const report = CallReport.safeParse(await readSignedBody(c));
  if (!report.success || report.data.call.callId !== c.req.param("id")) throw new HttpError(400, "err.bad_request");
  await applyCallView(deps, report.data.call);
  return c.json({ ok: true });
});

export default calls;
