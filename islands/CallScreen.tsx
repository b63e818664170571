import { useSignal } from "@preact/signals";
import { useEffect, useMemo, useRef } from "preact/hooks";
import { Avatar } from "../components/Avatar.tsx";
import { formatDuration } from "../lib/shared/entry_text.ts";
import { openCall } from "../lib/browser/calls/live_call.ts";
import { ringState, startRing } from "../lib/browser/calls/ring.ts";
import { CallControls, TrackVideo } from "../components/calls/CallControls.tsx";
import { QualityButton } from "../components/calls/CallStats.tsx";
import { E2eeLock, E2eeNotice } from "../components/calls/E2eeLock.tsx";
import { useNow } from "../lib/browser/use_now.ts";
import { RingButtons } from "../components/calls/RingButtons.tsx";
import { CallEnded } from "../components/calls/CallEnded.tsx";
import { WhoCanCallLink } from "../components/calls/WhoCanCall.tsx";
import { callStatusText } from "../lib/shared/call_status_text.ts";
import { type Lang, t } from "../lib/i18n/mod.ts";
import { installPartialNavigation } from "../lib/browser/partial.ts";
import { type CallRole, isFinal } from "../lib/protocol/call.ts";
import type { PeerInfo } from "../lib/protocol/dm.ts";
import { Icon } from "../components/Icon.tsx";

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

/** The screen covers the app's shell: the shell's controls leave the tab order while it shows. */
function useFullScreen() {
  useEffect(() => {
    document.body.classList.add("in-call");
    const shell = [...document.querySelectorAll<HTMLElement>("header.topbar, nav.tabs, #dock, #call-dock, .skip")];
    for (const el of shell) el.inert = true;
    return () => {
      document.body.classList.remove("in-call");
      for (const el of shell) el.inert = false;
    };
  }, []);
}

/** One call, full screen, from ringing to its end. The call itself outlives the screen. */
export default function CallScreen(props: Props) {
  const { lang, peer, role } = props;
  const call = useMemo(() => {
    if (typeof window === "undefined") return null;
    installPartialNavigation();
    return openCall({
      callId: props.callId,
      me: props.me,
      peer,
      role,
      video: props.video,
      partyUrl: props.partyUrl,
      answer: props.answer,
    });
  }, [props.callId]);
  useFullScreen();
  // The first render matches the server's (hydration keeps the server's attributes); the call's
  // own state, which may be well along when this screen opens again, shows from the next one.
  const hydrated = useSignal(false);
  useEffect(() => void (hydrated.value = true), []);
  const live = hydrated.value ? call : null;
  const now = useNow();
  const accept = useRef<HTMLButtonElement>(null);

  const v = live?.client.call.value ?? null;
  const here = live?.client.answeredHere.value ?? false;
  const ringingIn = role === "callee" && v?.status === "ringing";
  const inCall = live?.inCall.value ?? false;
  const media = live?.media.value ?? null;
  useEffect(() => {
    if (!ringingIn) return;
    // Keyboard and screen-reader users land on the answer, and the page does not move.
    accept.current?.focus({ preventScroll: true });
    return props.answer ? undefined : startRing();
  }, [ringingIn]);

  const ringingOut = role === "caller" && v?.status === "ringing";
  // While an outgoing video call rings, its camera (the call's media starts as it rings) fills the
  // screen behind the name, as phones show it: how you will look before the other side answers.
  const preview = ringingOut ? media?.localVideo.value ?? null : null;
  const remoteVideo = inCall ? media?.remoteVideo.value ?? null : null;
  const localVideo = inCall ? media?.localVideo.value ?? null : null;
  const fullVideo = remoteVideo ?? preview;
  const status = callStatusText(lang, v, role, peer.name, here);
  const final = !!v && isFinal(v.status);
  const problem = media?.problem.value;
  const busyName = live?.triedWhileBusy.value;
  return (
    <section
      class={fullVideo ? "call-screen has-video" : "call-screen"}
      aria-labelledby="call-h"
      data-status={v?.status ?? "connecting"}
      data-ring={ringState.value}
    >
      {remoteVideo && <TrackVideo track={remoteVideo} label={peer.name} cls="call-remote" />}
      {!remoteVideo && fullVideo && (
        <TrackVideo track={fullVideo} label={t(lang, "call.you")} cls="call-remote mirror" />
      )}
      <div class="call-top">
        <a
          class="call-icon-btn"
          href={`/messages/${peer.handle}`}
          aria-label={inCall ? t(lang, "call.minimize", { name: peer.name }) : t(lang, "call.back")}
        >
          <Icon name={inCall ? "chevronDown" : "back"} />
        </a>
        {live && !final && <E2eeLock lang={lang} e2ee={live.e2ee} peerName={peer.name} />}
        {inCall && media ? <QualityButton lang={lang} media={media} /> : <WhoCanCallLink lang={lang} cls="call-pill" />}
      </div>
      <div class="call-hero">
        {!fullVideo && <Avatar id={peer.id} name={peer.name} size={128} />}
        <h1 id="call-h">{peer.name}</h1>
        <p class="call-sub">
          <span role="status" class={inCall ? "sr-only" : undefined}>{status}</span>
          {inCall && v && (
            <span
              role="timer"
              aria-label={t(lang, "call.duration", { duration: formatDuration(live!.durationS(now)) })}
            >
              {formatDuration(live!.durationS(now))}
            </span>
          )}
        </p>
        {/* Always in the page, so that screen readers announce "Reconnecting…" when it appears. */}
        <p class="call-sub call-media-state" role="status" data-testid="call-media-state">
          {inCall && media && !problem && media.session.state.value !== "connected" &&
            t(
              lang,
              media.session.state.value === "reconnecting" ? "call.media_reconnecting" : "call.media_connecting",
            )}
        </p>
      </div>
      {localVideo && <TrackVideo track={localVideo} label={t(lang, "call.you")} cls="call-self" />}
      <div class="call-notices">
        {live && !final && <E2eeNotice lang={lang} e2ee={live.e2ee} peerName={peer.name} />}
        {busyName && <p class="call-note" role="status">{t(lang, "call.tried_while_busy", { name: busyName })}</p>}
        {!v && live?.client.closed.value && <p class="call-note error" role="alert">{t(lang, "call.err.not_found")}</p>}
        {(live?.mediaFailed.value || problem) && (
          <p class="call-note error" role="alert">
            {t(lang, problem === "denied" ? "call.mic_denied" : "call.media_failed")}
          </p>
        )}
        {inCall && media?.needsTap.value && (
          <button
            type="button"
            class="call-tap"
            onClick={() => void media.tapToHear()}
          >
            {t(lang, "call.tap_to_hear")}
          </button>
        )}
      </div>
      <div class="call-bottom">
        {ringingIn && (
          <RingButtons
            lang={lang}
            video={v!.video}
            acceptRef={accept}
            onAccept={() => live?.accept()}
            onDecline={() => live?.end()}
          />
        )}
        {ringingOut && (
          // As phones show an outgoing call: one large red circle, named under it.
          <div class="ring-actions">
            <button type="button" class="ring-btn decline" onClick={() => live?.end()}>
              <span class="ring-circle">
                <Icon name="phoneOff" size={30} />
              </span>
              <span class="ring-label">{t(lang, "call.cancel")}</span>
            </button>
          </div>
        )}
        {inCall && <CallControls lang={lang} media={media} onEnd={() => live?.end()} />}
        {final && <CallEnded lang={lang} href={`/messages/${peer.handle}`} />}
        {!final && ((v?.status === "accepted" && !inCall) || (!v && live?.client.closed.value)) && (
          <a class="button call-done" href={`/messages/${peer.handle}`}>{t(lang, "call.back")}</a>
        )}
      </div>
    </section>
  );
}
