// /calls: the signed-in person's call history, newest first. Each row shows the kind of call
// (audio or video), whether it was answered (an unanswered one, missed, declined, busy or
// cancelled, is marked in red with its own icon), its direction, and a call-back button.
import { Avatar } from "../../components/Avatar.tsx";
import { callHistory } from "../../lib/server/calls/call_service.ts";
import { callText } from "../../lib/shared/entry_text.ts";
import { entryTime } from "../../components/calls/ThreadEntries.tsx";
import type { Handlers } from "../../lib/server/http/route.ts";
import { t } from "../../lib/i18n/mod.ts";
import { isFinal } from "../../lib/protocol/call.ts";
import { renderPage } from "../../lib/server/render.tsx";
import { Icon } from "../../components/Icon.tsx";
import { Island } from "../../components/Island.tsx";

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
                  const answered = kind === "answered";
                  const missed = !out && !answered;
                  const cls = `history-row${answered ? "" : " unanswered"}${missed ? " missed" : ""}`;
                  return (
                    <li key={r.id} data-testid="call-row" data-outcome={kind} class="history-item">
                      <a class={cls} href={`/messages/${other.handle}`}>
                        <span class="history-kind">
                          <Avatar id={other.id} name={other.displayName} size={44} />
                          <span class="kind-badge">
                            <Icon
                              name={r.video ? "video" : "phone"}
                              size={14}
                              label={t(lang, r.video ? "call.video" : "call.audio")}
                            />
                          </span>
                        </span>
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
                            <Icon
                              name={!answered ? "phoneMissed" : out ? "phoneOutgoing" : "phoneIncoming"}
                              size={16}
                              label={t(lang, answered ? "call.history_answered" : "call.history_unanswered")}
                            />
                            <span class="sr-only">{t(lang, out ? "call.history_out" : "call.history_in")}</span>
                            <span>{text}</span>
                          </span>
                        </span>
                      </a>
                      <Island
                        name="CallBack"
                        props={{ lang, handle: other.handle, name: other.displayName, video: r.video, row: r.id }}
                      />
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
