import { useSignal } from "@preact/signals";
import { AudioBar } from "../components/space/AudioBar.tsx";
import type { SpaceAudio } from "../lib/media/space_audio.ts";
import { useEffect, useMemo } from "preact/hooks";
import { Comments, PinnedItem } from "../components/space/Comments.tsx";
import { Controls } from "../components/space/Controls.tsx";
import { Hands } from "../components/space/Hands.tsx";
import { Stage, type StageAction } from "../components/space/Stage.tsx";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";
import type { SpacePublicSnapshot } from "../lib/protocol/space_http.ts";
import type { StageMember } from "../lib/protocol/space.ts";
import { canModerate, type JoinTokens, SpaceClient } from "../lib/space/client.ts";

interface Props {
  lang: Lang;
  spaceId: string;
  topics: string[];
  initial: SpacePublicSnapshot;
  signInUrl: string;
  /** Tokens minted with the page, used for the first connection. */
  tokens: JoinTokens | null;
}

/** The live Space: renders the server's snapshot at once, then follows the room. */
export default function SpaceRoom({ lang, spaceId, topics, initial, signInUrl, tokens }: Props) {
  const client = useMemo(() => (typeof window === "undefined" ? null : new SpaceClient(spaceId, tokens)), [spaceId]);
  const confirmingEnd = useSignal(false);
  const comment = useSignal("");
  const pinUrl = useSignal("");
  const report = useSignal<{ target: { sub: string } | { space: true }; label: string } | null>(null);
  const reportReason = useSignal("");
  const reportSent = useSignal(false);

  const audio = useSignal<SpaceAudio | null>(null);

  useEffect(() => {
    if (!client) return;
    let media: SpaceAudio | null = null;
    let gone = false;
    (async () => {
      // mediasoup-client is large: its chunk loads only when the person joins audio, in
      // parallel with the room connection.
      const [, { SpaceAudio }] = await Promise.all([client.connect(), import("../lib/media/space_audio.ts")]);
      if (gone) return;
      let first = true;
      media = new SpaceAudio(async () => {
        const tk = first && client.tokens.value ? client.tokens.value : await client.refreshTokens();
        first = false;
        return { url: tk.sfuUrl, token: tk.sfuToken };
      });
      audio.value = media;
      await media.start();
    })().catch((e) => console.error("joining the Space failed:", e));
    return () => {
      gone = true;
      media?.close();
      client.close();
    };
  }, [client]);

  // Off the stage, the microphone is let go at once (the SFU has closed the producer already).
  const me = client?.view.value?.stage.find((m) => m.sub === client.view.value?.you.sub);
  const onStageNow = !!me;
  useEffect(() => {
    if (!onStageNow) audio.value?.releaseMic();
  }, [onStageNow]);

  // Removed, blocked or ended: the media goes too, not just the room.
  const stoppedNow = client?.stopped.value;
  useEffect(() => {
    if (stoppedNow) audio.value?.close();
  }, [stoppedNow]);

  // A page (re)loaded while its person is on stage and unmuted puts the microphone back on air,
  // so the page never shows a live microphone that sends nothing; if it cannot, it mutes.
  const restoredMic = useSignal(false);
  const liveOnStage = !!me && !me.muted;
  useEffect(() => {
    const media = audio.value;
    if (!media || !liveOnStage || restoredMic.value) return;
    restoredMic.value = true;
    if (media.session.published.value.mic) return;
    media.ensureMic(true).then((ok) => {
      if (!ok) client?.send({ type: "muteSelf" });
    });
  }, [audio.value, liveOnStage]);

  async function unmute() {
    const media = audio.value;
    if (!media) return;
    if (await media.ensureMic()) send({ type: "unmuteSelf" });
  }


  const view = client?.view.value;
  const media = audio.value;
  const stage: StageMember[] = view?.stage ?? initial.stage.map((m) => ({ ...m, present: true }));
  const listenerCount = view?.listenerCount ?? initial.listenerCount;
  const stopped = client?.stopped.value;
  const err = client?.error.value;
  const conn = client?.connection.value ?? "connecting";
  const send = (c: Parameters<SpaceClient["send"]>[0]) => {
    if (c.type === "muteSelf") audio.value?.muteMic();
    return client?.send(c);
  };

  function onStageAction(action: StageAction, m: StageMember) {
    if (action === "report") {
      report.value = { target: { sub: m.sub }, label: t(lang, "space.report_person", { name: m.name ?? `@${m.handle}` }) };
      return;
    }
    send({ type: action, sub: m.sub });
  }

  if (stopped === "ended" || view?.space.status === "ended") {
    return <p class="notice" role="status">{t(lang, "space.ended_title")}</p>;
  }
  if (stopped === "removed" || stopped === "blocked") {
    return <p class="notice" role="alert">{t(lang, stopped === "removed" ? "space.you_were_removed" : "space.err.blocked")}</p>;
  }
  if (stopped === "kicked") {
    return <p class="notice" role="alert">{t(lang, "space.err.rate_limited")} <a href="">{t(lang, "offline.retry")}</a></p>;
  }

  return (
    <div class="space-room">
      <p class="muted space-status">
        <span class="live-dot">● LIVE</span> {topics.map((tp) => `#${tp}`).join(" ")}
      </p>
      <p class="listeners" aria-live="polite"><strong data-testid="listener-count">{t(lang, "space.listening", { n: listenerCount })}</strong></p>
      {conn !== "connected" && client && <p class="muted" role="status">{t(lang, conn === "reconnecting" ? "space.reconnecting" : "space.connecting")}</p>}
      {media && (
        <AudioBar
          lang={lang}
          state={media.session.state.value}
          needsTap={media.needsTap.value}
          onTap={() => media.tapToListen()}
          micProblem={media.micProblem.value}
          inputs={media.inputs.value}
          inputId={media.inputId.value}
          onInput={(id) => media.chooseInput(id)}
          onStage={onStageNow}
        />
      )}
      <Stage
        lang={lang}
        stage={stage}
        youSub={view?.you.sub}
        youRole={view?.you.role}
        speaking={media?.session.speaking.value}
        onAction={view ? onStageAction : undefined}
      />
      <div class="bursts" aria-hidden="true">
        {client?.bursts.value.map((b) => <span key={b.id} class="burst">{b.emoji}</span>)}
      </div>
      {err && <p class="error" role="alert">{t(lang, `space.err.${err.code}` as MessageKey)}</p>}
      {view && (
        <>
          <Controls
            lang={lang}
            view={view}
            send={send}
            signInUrl={signInUrl}
            confirmingEnd={confirmingEnd.value}
            setConfirmingEnd={(v) => (confirmingEnd.value = v)}
            onUnmute={unmute}
          />
          {canModerate(view) && (
            <Hands
              lang={lang}
              hands={view.hands}
              onAccept={(h) => send({ type: "acceptRequest", sub: h.sub })}
              onDismiss={(h) => send({ type: "dismissRequest", sub: h.sub })}
            />
          )}
          <PinnedItem lang={lang} pinned={view.pinned} moderator={canModerate(view)} onUnpin={() => send({ type: "unpin" })} />
          {canModerate(view) && (
            <form
              class="pin-form row"
              onSubmit={(e) => {
                e.preventDefault();
                if (pinUrl.value.trim() && send({ type: "pin", url: pinUrl.value.trim() })) pinUrl.value = "";
              }}
            >
              <label for="pin-url" class="visually-hidden">{t(lang, "space.pin_link")}</label>
              <input id="pin-url" type="url" inputMode="url" placeholder="https://…" value={pinUrl.value} onInput={(e) => (pinUrl.value = (e.target as HTMLInputElement).value)} />
              <button type="submit" class="button secondary small">📌 {t(lang, "space.pin_link")}</button>
            </form>
          )}
          <Comments
            lang={lang}
            comments={view.comments}
            pinned={view.pinned}
            moderator={canModerate(view)}
            stageSubs={view.stage.map((m) => m.sub)}
            onPin={(c) => send({ type: "pin", commentId: c.id })}
            onInvite={(c) => send({ type: "inviteToSpeak", sub: c.sub })}
            onRemove={(c) => send({ type: "remove", sub: c.sub })}
            youSub={view.you.sub}
          />
          {!view.you.anonymous && (
            <form
              class="comment-form"
              onSubmit={(e) => {
                e.preventDefault();
                if (comment.value.trim() && client?.send({ type: "comment", text: comment.value })) comment.value = "";
              }}
            >
              <label for="comment-input">{t(lang, "space.comment_label")}</label>
              <div class="row">
                <input id="comment-input" maxLength={280} value={comment.value} onInput={(e) => (comment.value = (e.target as HTMLInputElement).value)} />
                <button type="submit" class="button">{t(lang, "space.send")}</button>
              </div>
            </form>
          )}
          {!view.you.anonymous && !report.value && (
            <button type="button" class="link" onClick={() => (report.value = { target: { space: true }, label: t(lang, "space.report_space") })}>
              {t(lang, "space.report_space")}
            </button>
          )}
          {report.value && !reportSent.value && (
            <form
              class="stack report"
              aria-label={report.value.label}
              onSubmit={(e) => {
                e.preventDefault();
                if (client?.send({ type: "report", target: report.value!.target as never, reason: reportReason.value })) {
                  reportSent.value = true;
                }
              }}
            >
              <label for="report-reason">{report.value.label}: {t(lang, "space.report_reason")}</label>
              <textarea id="report-reason" maxLength={500} required value={reportReason.value} onInput={(e) => (reportReason.value = (e.target as HTMLTextAreaElement).value)} />
              <button type="submit" class="button danger">{t(lang, "space.report_send")}</button>
            </form>
          )}
          {reportSent.value && <p class="success" role="status">{t(lang, "space.report_sent")}</p>}
        </>
      )}
    </div>
  );
}
