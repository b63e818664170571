import { useSignal } from "@preact/signals";
import { useEffect, useMemo } from "preact/hooks";
import { CallClient } from "../lib/calls/call_client.ts";
import { formatDuration } from "../lib/calls/entry_text.ts";
import { inbox } from "../lib/calls/inbox_client.ts";
import { ringState, startRing } from "../lib/calls/ring.ts";
import { InCall } from "../lib/calls/ui/InCall.tsx";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";
import { callDurationS, type CallRole, type CallView } from "../lib/protocol/call.ts";
import type { PeerInfo } from "../lib/protocol/dm.ts";

interface Props {
  lang: Lang;
  callId: string;
  me: PeerInfo;
  peer: PeerInfo;
  role: CallRole;
  video: boolean;
  partyUrl: string;
  /** Opened from the ringer's or a notification's Accept: answer as soon as the room syncs. */
  answer: boolean;
}

function statusText(lang: Lang, v: CallView | null, role: CallRole, name: string, here: boolean): string {
  if (!v) return t(lang, "call.status.connecting");
  const side = role === "caller" ? "out" : "in";
  switch (v.status) {
    case "ringing":
      return role === "caller" ? t(lang, "call.status.calling", { name }) : t(lang, v.video ? "call.status.incoming_video" : "call.status.incoming_audio", { name });
    case "accepted":
      return role === "callee" && !here ? t(lang, "call.status.elsewhere") : t(lang, "call.status.connected");
    case "ended":
      return t(lang, "call.status.ended", { duration: formatDuration(callDurationS(v)) });
    default:
      return t(lang, `call.status.${v.status}_${side}` as MessageKey, { name });
  }
}

/** One call, from ringing to its end: the status, the answer buttons, then the in-call controls. */
export default function CallScreen(props: Props) {
  const { lang, callId, peer, role, partyUrl } = props;
  const client = useMemo(() => (typeof window === "undefined" ? null : new CallClient(callId, partyUrl)), []);
  const notice = useSignal<string | null>(null);
  // Read in render, so the island re-renders when the room says anything.
  const v = client?.call.value ?? null;
  const here = client?.answeredHere.value ?? false;
  const ringingNow = role === "callee" && v?.status === "ringing";

  useEffect(() => {
    if (!client) return;
    let answered = false;
    const stopAnswer = client.call.subscribe((v) => {
      if (props.answer && !answered && v?.status === "ringing") {
        answered = true;
        client.send("accept");
      }
    });
    // Someone else calling while this call is on: the web answered busy for us; say who tried.
    const stopInbox = inbox(partyUrl, props.me.id).subscribe((e) => {
      if (e.type === "dm" && e.entry.kind === "call" && e.entry.outcome === "busy" && e.entry.to === props.me.id) {
        notice.value = t(lang, "call.tried_while_busy", { name: e.peer.name });
      }
    });
    return () => {
      stopAnswer();
      stopInbox();
      client.close();
    };
  }, []);
  useEffect(() => (ringingNow && !props.answer ? startRing() : undefined), [ringingNow]);
  // Fetch the media code while it rings, so the answer does not wait for it.
  useEffect(() => void (v?.status === "ringing" && import("../lib/calls/call_media.ts").catch(() => {})), [v?.status]);

  const inCall = v?.status === "accepted" && (role === "caller" || here);
  return (
    <section class="card call-screen" aria-labelledby="call-h" data-status={v?.status ?? "connecting"} data-ring={ringState.value}>
      <h1 id="call-h">{t(lang, "call.with", { name: peer.name })}</h1>
      <p class="status" role="status">{statusText(lang, v, role, peer.name, here)}</p>
      {notice.value && <p class="notice" role="status">{notice.value}</p>}
      {!v && client?.closed.value && <p class="error" role="alert">{t(lang, "call.err.not_found")}</p>}
      {v?.status === "ringing" && role === "callee" && (
        <div class="call-controls">
          <button type="button" onClick={() => client?.send("accept")}>{t(lang, "call.accept")}</button>
          <button type="button" class="button danger" onClick={() => client?.send("decline")}>{t(lang, "call.decline")}</button>
        </div>
      )}
      {v?.status === "ringing" && role === "caller" && (
        <div class="call-controls">
          <button type="button" class="button danger" onClick={() => client?.send("cancel")}>{t(lang, "call.cancel")}</button>
        </div>
      )}
      {inCall && v && <InCall lang={lang} call={v} callId={callId} peerName={peer.name} onEnd={() => client?.send("hangup")} />}
      {(!v || v.status !== "accepted" || !inCall) && v?.status !== "ringing" && (
        <p><a href={`/messages/${peer.handle}`}>{t(lang, "call.back")}</a></p>
      )}
    </section>
  );
}
