// /calls: the signed-in person's call history, newest first.
import { callHistory } from "../../lib/calls/call_service.ts";
import { callText } from "../../lib/calls/entry_text.ts";
import { CALL_STYLES } from "../../lib/calls/styles.ts";
import type { Handlers } from "../../lib/http/route.ts";
import { t } from "../../lib/i18n/mod.ts";
import { isFinal } from "../../lib/protocol/call.ts";
import { renderPage } from "../../lib/render.tsx";

const outcome = { ended: "answered", declined: "declined", cancelled: "cancelled", missed: "missed", busy: "busy" } as const;

export const handler: Handlers = {
  async GET(c) {
    const lang = c.get("lang");
    const me = c.get("user");
    if (!me) return c.redirect("/signin?next=/calls");
    const deps = c.get("deps");
    const history = (await callHistory(deps, me.id)).filter((r) => isFinal(r.status));
    const people = new Map((await deps.users.getMany([...new Set(history.flatMap((r) => [r.callerId, r.calleeId]))])).map((u) => [u.id, u]));
    const fmt = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
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
  },
};
