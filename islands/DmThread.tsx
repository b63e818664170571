import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { api } from "../lib/api_client.ts";
import { callText } from "../lib/calls/entry_text.ts";
import { inbox } from "../lib/calls/inbox_client.ts";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";
import { DM_MAX_CHARS, type DmEntry, type PeerInfo } from "../lib/protocol/dm.ts";

interface Props {
  lang: Lang;
  me: PeerInfo;
  peer: PeerInfo;
  entries: DmEntry[];
  blockedByMe: boolean;
  partyUrl: string;
}

/** One DM thread: entries (texts and calls), live; the composer; the call buttons. */
export default function DmThread({ lang, me, peer, entries: initial, blockedByMe, partyUrl }: Props) {
  const entries = useSignal(initial);
  const text = useSignal("");
  const busy = useSignal(false);
  const error = useSignal<MessageKey | null>(null);
  const callError = useSignal<MessageKey | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const fmt = new Intl.DateTimeFormat(lang, { dateStyle: "short", timeStyle: "short" });
  const handle = encodeURIComponent(peer.handle);

  const add = (e: DmEntry) => {
    if (!entries.value.some((x) => x.id === e.id)) entries.value = [...entries.value, e].sort((a, b) => (a.id < b.id ? -1 : 1));
  };

  useEffect(() => {
    return inbox(partyUrl, me.id).subscribe(async (e) => {
      // On every (re)connect, catch up with what arrived while the socket was not there.
      if (e.type === "hello") {
        const r = await api<{ entries: DmEntry[] }>("GET", `/api/messages/${handle}`);
        if (r.ok) r.data.entries.forEach(add);
        return;
      }
      if (e.type !== "dm" || e.peer.id !== peer.id) return;
      add(e.entry);
      if (e.entry.to === me.id && document.visibilityState === "visible") void api("POST", `/api/messages/${handle}/read`);
    });
  }, []);
  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView({ block: "nearest" });
  }, [entries.value.length]);

  async function send(ev: Event) {
    ev.preventDefault();
    if (busy.value) return;
    busy.value = true;
    error.value = null;
    const r = await api<{ entry: DmEntry }>("POST", `/api/messages/${handle}`, { text: text.value });
    busy.value = false;
    if (!r.ok) return void (error.value = r.code);
    add(r.data.entry);
    text.value = "";
  }

  async function call(video: boolean) {
    callError.value = null;
    const r = await api<{ callId: string }>("POST", "/api/calls", { to: peer.handle, video });
    if (!r.ok) return void (callError.value = r.code);
    location.href = `/calls/${r.data.callId}`;
  }

  const left = DM_MAX_CHARS - [...text.value].length;
  return (
    <section class="card">
      <header class="thread-head">
        <h1>{peer.name} <a class="muted" href={`/@${peer.handle}`}>@{peer.handle}</a></h1>
        <div class="actions">
          <button type="button" class="secondary" onClick={() => call(false)}>{t(lang, "call.audio")}</button>
          <button type="button" class="secondary" onClick={() => call(true)}>{t(lang, "call.video")}</button>
        </div>
      </header>
      <p class="error" role="alert">{callError.value ? t(lang, callError.value, { name: peer.name }) : ""}</p>
      <p><a href="/messages">{t(lang, "dm.back")}</a></p>
      {entries.value.length === 0 && <p class="muted">{t(lang, "dm.no_entries")}</p>}
      <ol class="entries" role="log" aria-label={t(lang, "dm.thread_title", { name: peer.name })} ref={list}>
        {entries.value.map((e) => (
          <li key={e.id} class={e.kind === "call" ? "entry call" : e.from === me.id ? "entry mine" : "entry"}>
            <span class="sr-only">{e.kind === "text" ? (e.from === me.id ? t(lang, "dm.you") : peer.name) + ": " : ""}</span>
            {e.kind === "text" ? e.text : callText(lang, e, me.id)}
            <time dateTime={new Date(e.at).toISOString()}>{fmt.format(e.at)}</time>
          </li>
        ))}
      </ol>
      {blockedByMe
        ? <p class="notice" role="status">{t(lang, "dm.err.blocked_by_you")}</p>
        : (
          <form class="compose" onSubmit={send}>
            <label for="dm-text">{t(lang, "dm.compose_label", { name: peer.name })}</label>
            <textarea
              id="dm-text"
              value={text.value}
              maxLength={DM_MAX_CHARS * 2}
              aria-invalid={error.value ? "true" : undefined}
              aria-describedby="dm-left"
              onInput={(e) => (text.value = (e.target as HTMLTextAreaElement).value)}
              onKeyDown={(e) => {
                // Enter sends, Shift+Enter starts a new line: what chat apps do.
                if (e.key === "Enter" && !e.shiftKey && !e.isComposing) send(e);
              }}
            />
            <p id="dm-left" class={left < 0 ? "error" : "hint"}>{t(lang, "dm.chars_left", { n: left })}</p>
            <p class="error" role="alert">{error.value ? t(lang, error.value) : ""}</p>
            <div class="actions">
              <button type="submit" disabled={busy.value}>{t(lang, "dm.send")}</button>
            </div>
          </form>
        )}
    </section>
  );
}
