import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { Avatar, VerifiedBadge } from "../components/Avatar.tsx";
import { api } from "../lib/browser/api_client.ts";
import { CallPlaced, DmSent, Done, ThreadPage } from "../lib/protocol/api.ts";
import { inbox } from "../lib/browser/calls/inbox_client.ts";
import { leaveSpaceForCall, spaceInProgress } from "../lib/browser/calls/space_handoff.ts";
import { Composer } from "../components/calls/Composer.tsx";
import { ThreadEntries } from "../components/calls/ThreadEntries.tsx";
import { WhoCanCallLink } from "../components/calls/WhoCanCall.tsx";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";
import { navigate } from "../lib/browser/partial.ts";
import type { DmEntry, PeerInfo } from "../lib/protocol/dm.ts";
import { Icon } from "../components/Icon.tsx";
import { Sheet } from "../components/Sheet.tsx";

interface Props {
  lang: Lang;
  me: PeerInfo;
  peer: PeerInfo;
  entries: DmEntry[];
  blockedByMe: boolean;
  partyUrl: string;
}

/**
 * One DM thread, laid out like a chat app: the person and the call buttons fixed at the top, the
 * composer at the bottom, the entries (texts and calls, live) scrolling in between from the newest.
 */
export default function DmThread({ lang, me, peer, entries: initial, blockedByMe, partyUrl }: Props) {
  const entries = useSignal(initial);
  const callError = useSignal<MessageKey | null>(null);
  /** A call asked for while this page is in a Space: it waits for the person to agree to leave it. */
  const confirm = useSignal<{ video: boolean; title: string } | null>(null);
  const handle = encodeURIComponent(peer.handle);

  const add = (e: DmEntry) => {
    if (!entries.value.some((x) => x.id === e.id)) {
      entries.value = [...entries.value, e].sort((a, b) => (a.id < b.id ? -1 : 1));
    }
  };

  useEffect(() => {
    return inbox(partyUrl, me.id).subscribe(async (e) => {
      // On every (re)connect, catch up with what arrived while the socket was not there.
      if (e.type === "hello") {
        const r = await api("GET", `/api/messages/${handle}`, ThreadPage);
        if (r.ok) r.data.entries.forEach(add);
        return;
      }
      if (e.type !== "dm" || e.peer.id !== peer.id) return;
      add(e.entry);
      if (e.entry.to === me.id && document.visibilityState === "visible") {
        void api("POST", `/api/messages/${handle}/read`, Done);
      }
    });
  }, []);

  async function send(text: string): Promise<MessageKey | null> {
    const r = await api("POST", `/api/messages/${handle}`, DmSent, { text });
    if (!r.ok) return r.code;
    add(r.data.entry);
    return null;
  }

  async function call(video: boolean, leaving = false) {
    callError.value = null;
    const title = leaving ? null : await spaceInProgress();
    if (title) return void (confirm.value = { video, title });
    confirm.value = null;
    const r = await api("POST", "/api/calls", CallPlaced, { to: peer.handle, video });
    if (!r.ok) return void (callError.value = r.code);
    await leaveSpaceForCall();
    void navigate(new URL(`/calls/${r.data.callId}`, location.href).href, { push: true, scroll: 0 });
  }

  return (
    <section class="dm-thread" aria-labelledby="dm-h">
      <header class="dm-head">
        <a class="icon-button" href="/messages" aria-label={t(lang, "dm.back")} title={t(lang, "dm.back")}>
          <Icon name="back" />
        </a>
        <Avatar id={peer.id} name={peer.name} size={40} />
        <div class="dm-who">
          <h1 id="dm-h">{peer.name}{peer.verified && <VerifiedBadge label={t(lang, "profile.verified")} />}</h1>
          <a href={`/@${peer.handle}`}>@{peer.handle}</a>
        </div>
        {!blockedByMe && (
          <>
            <button
              type="button"
              class="icon-button"
              aria-label={t(lang, "call.audio")}
              title={t(lang, "call.audio")}
              onClick={() => call(false)}
            >
              <Icon name="phone" />
            </button>
            <button
              type="button"
              class="icon-button"
              aria-label={t(lang, "call.video")}
              title={t(lang, "call.video")}
              onClick={() => call(true)}
            >
              <Icon name="video" />
            </button>
          </>
        )}
      </header>
      <p class="error dm-call-error" role="alert">
        {callError.value ? t(lang, callError.value, { name: peer.name }) : ""}
      </p>
      {/* The log wraps the list: a list keeps its list semantics (role=log on an <ol> would not). */}
      <div class="dm-log" role="log" aria-label={t(lang, "dm.thread_title", { name: peer.name })} tabIndex={0}>
        <ThreadEntries lang={lang} me={me} peer={peer} entries={entries.value} />
        {/* After the entries: the log runs bottom-up, so this sits at the thread's top. */}
        <p class="dm-pill-row">
          <WhoCanCallLink lang={lang} cls="dm-pill" />
        </p>
      </div>
      {blockedByMe
        ? <p class="notice dm-blocked" role="status">{t(lang, "dm.err.blocked_by_you")}</p>
        : <Composer lang={lang} name={peer.name} onSend={send} />}
      <Sheet
        open={!!confirm.value}
        title={t(lang, "call.confirm_title")}
        closeLabel={t(lang, "space.close")}
        onClose={() => (confirm.value = null)}
        id="call-confirm"
      >
        {confirm.value && (
          <>
            <p>{t(lang, "call.leaves_space_start", { title: confirm.value.title, name: peer.name })}</p>
            <div class="actions">
              <button type="button" onClick={() => call(confirm.value!.video, true)}>
                <Icon name={confirm.value.video ? "video" : "phone"} />
                {t(lang, "call.leave_and_call")}
              </button>
              <button type="button" class="secondary" onClick={() => (confirm.value = null)}>
                {t(lang, "call.stay")}
              </button>
            </div>
          </>
        )}
      </Sheet>
    </section>
  );
}
