import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { Avatar } from "../components/Avatar.tsx";
import { api } from "../lib/browser/api_client.ts";
import { IncomingCall } from "../lib/protocol/api.ts";
import {
  acceptOnWarm,
  CallClient,
  dropCallClient,
  dropMediaAccess,
  prefetchMediaAccess,
  takeCallClient,
  warmCallClient,
} from "../lib/browser/calls/call_client.ts";
import { inbox } from "../lib/browser/calls/inbox_client.ts";
import { ringState, startRing } from "../lib/browser/calls/ring.ts";
import { spaceInProgress } from "../lib/browser/calls/space_handoff.ts";
import { RingButtons } from "../components/calls/RingButtons.tsx";
import { type Lang, t } from "../lib/i18n/mod.ts";
import { currentPath, navigate } from "../lib/browser/partial.ts";
import { RING_MS } from "../lib/protocol/call.ts";
import type { LiveCall } from "../lib/browser/calls/live_call.ts";
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

/** Declines from any page: the ringing tab's connection to the call room says no and goes. */
function declineCall(callId: string, partyUrl: string) {
  const client = takeCallClient(callId) ?? new CallClient(callId, partyUrl);
  const stop = client.call.subscribe((v) => {
    if (v?.status === "ringing") client.send("decline");
    if (v && v.status !== "ringing") {
      stop();
      client.close();
    }
  });
}

/**
 * Rings this tab when someone calls, whatever page is open: a full-screen modal with the caller,
 * Accept and Decline (Escape declines). It lives outside the content that navigation swaps.
 */
export default function CallRinger({ lang, meId, partyUrl }: Props) {
  const incoming = useSignal<Incoming | null>(null);
  const spaceTitle = useSignal<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const accept = useRef<HTMLButtonElement>(null);
  const liveCode = useRef<typeof import("../lib/browser/calls/live_call.ts") | null>(null);
  /** The call held while it rings (once its code loaded), and how to mark it answered here. */
  const ringing = useRef<{ callId: string; live: LiveCall; answered: () => void } | null>(null);

  useEffect(() => {
    return inbox(partyUrl, meId).subscribe(async (e) => {
      // A tab that (re)connects while a call is ringing rings too.
      if (e.type === "hello") {
        const r = await api("GET", "/api/calls/incoming", IncomingCall);
        if (r.ok && r.data.call) incoming.value = r.data.call;
      } else if (e.type === "incomingCall") incoming.value = { callId: e.callId, from: e.from, video: e.video };
      // Answered on another device, cancelled, missed: every tab stops ringing.
      else if (e.type === "callEnded" && incoming.value?.callId === e.callId) incoming.value = null;
    });
  }, []);

  const c = incoming.value;
  // The call's own screen shows the same answer buttons: one is enough.
  const shown = !!c && currentPath.value !== `/calls/${c.callId}`;
  useEffect(() => {
    if (!shown || !c) return;
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    // showModal focuses Accept (autofocus); again without scrolling, in case it did not.
    accept.current?.focus({ preventScroll: true });
    // While it rings: the call's code, the connection to its room and the media token, so that an
    // answer goes out at once rather than after a page load and a connection, and goes straight
    // to the SFU.
    void import("../lib/browser/calls/call_media.ts").catch(() => {});
    warmCallClient(c.callId, partyUrl);
    prefetchMediaAccess(c.callId);
    // Then the call itself, held: connected to the SFU and receiving, sending silence, no
    // microphone (lib/browser/calls/live_call.ts); Accept only swaps the microphone in.
    let held: LiveCall | null = null;
    let answered = false;
    void import("../lib/browser/calls/live_call.ts").then((m) => {
      liveCode.current = m;
      if (incoming.peek()?.callId !== c.callId) return; // it stopped ringing meanwhile
      held = m.openCall({
        callId: c.callId,
        me: { id: meId },
        peer: c.from,
        role: "callee",
        video: c.video,
        partyUrl,
        answer: false,
      });
      ringing.current = { callId: c.callId, live: held, answered: () => (answered = true) };
    }).catch(() => {});
    void spaceInProgress().then((title) => (spaceTitle.value = title));
    const stop = startRing();
    // Never ring past the call's own ring time, even if its end never reached this tab.
    const limit = setTimeout(() => incoming.value?.callId === c.callId && (incoming.value = null), RING_MS + 2_000);
    return () => {
      clearTimeout(limit);
      ringing.current = null;
      // Unanswered here (declined, answered elsewhere, cancelled, missed): the held call goes.
      if (held && !answered) held.close();
      dropCallClient(c.callId); // unless the answer took it over
      stop();
      if (d?.open) d.close();
    };
  }, [shown, c?.callId]);

  if (!c || !shown) return null;
  const decline = () => {
    const r = ringing.current;
    // On the held call's own connection when it knows the call rings (it is closed as the ringing
    // ends); before that connection has synced, end() had nothing to decline and the decline was
    // lost (the caller's screen said "Calling…" until the ring ran out): a connection that waits
    // for the call's state declines then.
    if (r?.callId === c.callId && r.live.client.call.peek()?.status === "ringing") r.live.end();
    else declineCall(c.callId, partyUrl);
    dropMediaAccess(c.callId); // and the SFU socket opened while it rang
    incoming.value = null;
  };
  const answer = () => {
    const r = ringing.current;
    if (r?.callId === c.callId) {
      // From the tap: the held call goes live (microphone, playback) and the answer goes out.
      r.answered();
      r.live.accept();
    } else acceptOnWarm(c.callId);
    incoming.value = null;
    // The answer goes out from here, on the connection opened while it rang, while the call's
    // screen loads (openCall gives that screen the same call). Without the call's code yet, the
    // screen answers once it has connected, as a notification's Accept does.
    liveCode.current?.openCall({
      callId: c.callId,
      me: { id: meId },
      peer: c.from,
      role: "callee",
      video: c.video,
      partyUrl,
      answer: true,
    });
    void navigate(new URL(`/calls/${c.callId}?answer=1`, location.href).href, { push: true, scroll: 0 });
  };
  return (
    <dialog
      ref={dialog}
      class="ringer"
      aria-modal="true"
      aria-label={t(lang, c.video ? "call.status.incoming_video" : "call.status.incoming_audio", { name: c.from.name })}
      data-ring={ringState.value}
      onCancel={(e) => {
        // Escape declines, as the Decline button does.
        e.preventDefault();
        decline();
      }}
    >
      <div class="ringer-body">
        <div class="ringer-who">
          <span class="ringer-pulse">
            <Avatar id={c.from.id} name={c.from.name} size={120} />
          </span>
          <h2>{c.from.name}</h2>
          <p class="call-sub">{t(lang, c.video ? "call.incoming_video" : "call.incoming_audio")}</p>
          {spaceTitle.value && (
            <p class="call-note">{t(lang, "call.leaves_space_answer", { title: spaceTitle.value })}</p>
          )}
        </div>
        <RingButtons lang={lang} video={c.video} acceptRef={accept} onAccept={answer} onDecline={decline} />
      </div>
    </dialog>
  );
}
