import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { api } from "../lib/api_client.ts";
import { inbox } from "../lib/calls/inbox_client.ts";
import { entryPreview } from "../lib/calls/entry_text.ts";
import { type Lang, t } from "../lib/i18n/mod.ts";
import type { ThreadSummary } from "../lib/protocol/dm.ts";

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
        const r = await api<{ threads: ThreadSummary[] }>("GET", "/api/messages");
        if (r.ok) threads.value = r.data.threads;
      } else if (e.type === "dm") {
        const rest = threads.value.filter((x) => x.peer.id !== e.peer.id);
        threads.value = [{ peer: e.peer, last: e.entry, unread: e.unread, updatedAt: e.entry.at }, ...rest];
      } else if (e.type === "read") {
        threads.value = threads.value.map((x) => (x.peer.id === e.peerId ? { ...x, unread: 0 } : x));
      }
    });
  }, []);

  if (threads.value.length === 0) return <p class="muted">{t(lang, "dm.empty_list")}</p>;
  return (
    <ul class="threads" aria-label={t(lang, "dm.title")}>
      {threads.value.map((th) => (
        <li key={th.peer.id}>
          <a class="thread-row" href={`/messages/${th.peer.handle}`} data-testid={`thread-${th.peer.handle}`}>
            <span class="who">
              <strong>{th.peer.name}</strong> <span class="muted">@{th.peer.handle}</span>
              <span class="preview">{th.last ? entryPreview(lang, th.last, meId) : ""}</span>
            </span>
            {th.unread > 0 && <span class="badge">{t(lang, "dm.unread", { n: th.unread })}</span>}
          </a>
        </li>
      ))}
    </ul>
  );
}
