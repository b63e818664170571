import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { api } from "../lib/api_client.ts";
import { CallClient } from "../lib/calls/call_client.ts";
import { inbox } from "../lib/calls/inbox_client.ts";
import { ringState, startRing } from "../lib/calls/ring.ts";
import { type Lang, t } from "../lib/i18n/mod.ts";
import { RING_MS } from "../lib/protocol/call.ts";
import type { PeerInfo } from "../lib/protocol/dm.ts";

interface Props {
  lang: Lang;
  meId: string;
  partyUrl: string;
}

interface Incoming {
  callId: string;
  from: PeerInfo;
  video: boolean;
}

/** Rings this tab when someone calls: the incoming call screen with Accept and Decline. */
export default function CallRinger({ lang, meId, partyUrl }: Props) {
  const incoming = useSignal<Incoming | null>(null);

  useEffect(() => {
    return inbox(partyUrl, meId).subscribe(async (e) => {
      // A tab that (re)connects while a call is ringing rings too.
      if (e.type === "hello") {
        const r = await api<{ call: Incoming | null }>("GET", "/api/calls/incoming");
        if (r.ok && r.data.call) incoming.value = r.data.call;
      } else if (e.type === "incomingCall") incoming.value = { callId: e.callId, from: e.from, video: e.video };
      // Answered on another device, cancelled, missed: every tab stops ringing.
      else if (e.type === "callEnded" && incoming.value?.callId === e.callId) incoming.value = null;
    });
  }, []);
  const callId = incoming.value?.callId;
  const accept = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!callId) return;
    // Keyboard and screen-reader users land on the answer at once.
    accept.current?.focus();
    // Fetch the media code while it rings, so answering does not wait for it.
    void import("../lib/calls/call_media.ts").catch(() => {});
    const stop = startRing();
    // Never ring past the call's own ring time, even if its end never reached this tab.
    const limit = setTimeout(() => incoming.value?.callId === callId && (incoming.value = null), RING_MS + 2_000);
    return () => {
      clearTimeout(limit);
      stop();
    };
  }, [callId]);

  const c = incoming.value;
  if (!c) return null;
  const decline = () => {
    const client = new CallClient(c.callId, partyUrl);
    const stop = client.call.subscribe((v) => {
      if (v?.status === "ringing") client.send("decline");
      if (v && v.status !== "ringing") {
        stop();
        client.close();
      }
    });
    incoming.value = null;
  };
  return (
    <div class="ringer" role="alertdialog" aria-labelledby="ringer-h" data-ring={ringState.value}>
      <p id="ringer-h" class="status">
        <strong>{t(lang, c.video ? "call.status.incoming_video" : "call.status.incoming_audio", { name: c.from.name })}</strong>
      </p>
      <div class="call-controls">
        <button type="button" ref={accept} onClick={() => (location.href = `/calls/${c.callId}?answer=1`)}>
          {t(lang, "call.accept")}
        </button>
        <button type="button" class="button danger" onClick={decline}>{t(lang, "call.decline")}</button>
      </div>
    </div>
  );
}
