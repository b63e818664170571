// /calls: the signed-in person's call history, newest first.
import { Avatar } from "../../components/Avatar.tsx";
import { callHistory } from "../../lib/server/calls/call_service.ts";
import { callText } from "../../lib/shared/entry_text.ts";
import { entryTime } from "../../components/calls/ThreadEntries.tsx";
import type { Handlers } from "../../lib/server/http/route.ts";
import { t } from "../../lib/i18n/mod.ts";
import { isFinal } from "../../lib/protocol/call.ts";
import { renderPage } from "../../lib/server/render.tsx";
import { Icon } from "../../components/Icon.tsx";

const outcome = {
  ended: "answered",
  declined: "declined",
  cancelled: "cancelled",
  missed: "missed",
  busy: "busy",
} as const;

export const handler: Handlers = {
  async GET(c) {
    const lang = c.get("lang");
    const me = c.get("user");
    if (!me) return c.redirect("/signin?next=/calls");
    const deps = c.get("deps");
    const history = (await callHistory(deps, me.id)).filter((r) => isFinal(r.status));
    const people = new Map(
      (await deps.users.getMany([...new Set(history.flatMap((r) => [r.callerId, r.calleeId]))])).map((u) => [u.id, u]),
    );
    const fmt = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
    return renderPage(
      c,
      t(lang, "call.history_title"),
      (
        <>
          <div class="dm-page-head">
            <h1>{t(lang, "call.history_title")}</h1>
            <a class="button secondary small" href="/messages">
              <Icon name="messages" size={18} />
              {t(lang, "dm.title")}
            </a>
          </div>
          {history.length === 0
            ? (
              <div class="empty">
                <Icon name="phone" />
                <p>{t(lang, "call.history_empty")}</p>
              </div>
            )
            : (
              <ul class="history" aria-label={t(lang, "call.history_title")}>
                {history.map((r) => {
                  const other = people.get(r.callerId === me.id ? r.calleeId : r.callerId);
                  if (!other) return null;
                  const out = r.callerId === me.id;
                  const kind = outcome[r.status as keyof typeof outcome] ?? "missed";
                  const text = callText(lang, {
                    kind: "call",
                    id: r.id,
                    from: r.callerId,
                    to: r.calleeId,
                    at: r.createdAt,
                    callId: r.id,
                    video: r.video,
                    outcome: kind,
                    durationS: r.durationS,
                  }, me.id);
                  const missed = !out && kind !== "answered";
                  return (
                    <li key={r.id} data-testid="call-row">
                      <a class={missed ? "history-row missed" : "history-row"} href={`/messages/${other.handle}`}>
                        <Avatar id={other.id} name={other.displayName} size={44} />
                        <span class="who">
                          <span class="who-line">
                            <strong class="who-name">{other.displayName}</strong>
                            <time
                              class="who-time"
                              dateTime={new Date(r.createdAt).toISOString()}
                              title={fmt.format(r.createdAt)}
                            >
                              {entryTime(lang, r.createdAt)}
                            </time>
                          </span>
                          <span class="history-line">
                            <Icon name={missed ? "phoneMissed" : out ? "phoneOutgoing" : "phoneIncoming"} size={16} />
                            <span class="sr-only">{t(lang, out ? "call.history_out" : "call.history_in")}</span>
                            <span>{text}</span>
                          </span>
                        </span>
                      </a>
                    </li>
                  );
                })}
              </ul>
            )}
        </>
      ),
    );
  },
};
