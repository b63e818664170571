import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { Avatar, VerifiedBadge } from "../components/Avatar.tsx";
import { api } from "../lib/browser/api_client.ts";
import { Threads } from "../lib/protocol/api.ts";
import { entryPreview } from "../lib/shared/entry_text.ts";
import { inbox } from "../lib/browser/calls/inbox_client.ts";
import { entryTime } from "../components/calls/ThreadEntries.tsx";
import { type Lang, t } from "../lib/i18n/mod.ts";
import type { ThreadSummary } from "../lib/protocol/dm.ts";
import { Icon } from "../components/Icon.tsx";

interface Props {
  lang: Lang;
  meId: string;
  partyUrl: string;
  threads: ThreadSummary[];
}

/** The thread list: last entry and unread count per person, kept live by the inbox room. */
export default function DmInbox({ lang, meId, partyUrl, threads: initial }: Props) {
  const threads = useSignal(initial);

  useEffect(() => {
    return inbox(partyUrl, meId).subscribe(async (e) => {
      // On every (re)connect, catch up with what arrived while the socket was not there.
      if (e.type === "hello") {
        const r = await api("GET", "/api/messages", Threads);
        if (r.ok) threads.value = r.data.threads;
      } else if (e.type === "dm") {
        const rest = threads.value.filter((x) => x.peer.id !== e.peer.id);
        threads.value = [{ peer: e.peer, last: e.entry, unread: e.unread, updatedAt: e.entry.at }, ...rest];
      } else if (e.type === "read") {
        threads.value = threads.value.map((x) => (x.peer.id === e.peerId ? { ...x, unread: 0 } : x));
      }
    });
  }, []);

  if (threads.value.length === 0) {
    return (
      <div class="empty">
        <Icon name="messages" />
        <p>{t(lang, "dm.empty_list")}</p>
      </div>
    );
  }
  return (
    <ul class="threads" aria-label={t(lang, "dm.title")}>
      {threads.value.map((th) => (
        <li key={th.peer.id}>
          <a
            class={th.unread > 0 ? "thread-row unread" : "thread-row"}
            href={`/messages/${th.peer.handle}`}
            data-testid={`thread-${th.peer.handle}`}
          >
            <Avatar id={th.peer.id} name={th.peer.name} size={48} />
            <span class="who">
              <span class="who-line">
                <strong class="who-name">{th.peer.name}</strong>
                {th.peer.verified && <VerifiedBadge label={t(lang, "profile.verified")} />}
                <span class="who-handle">@{th.peer.handle}</span>
                {th.last && (
                  <time class="who-time" dateTime={new Date(th.updatedAt).toISOString()}>
                    {entryTime(lang, th.updatedAt)}
                  </time>
                )}
              </span>
              <span class="preview-line">
                <span class="preview">{th.last ? entryPreview(lang, th.last, meId) : ""}</span>
                {th.unread > 0 && (
                  <span class="unread-badge">
                    <span aria-hidden="true">{th.unread > 99 ? "99+" : th.unread}</span>
                    <span class="sr-only">{t(lang, "dm.unread", { n: th.unread })}</span>
                  </span>
                )}
              </span>
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}
