import { useSignal } from "@preact/signals";
import { AudioBar } from "../components/space/AudioBar.tsx";
import { useEffect, useMemo } from "preact/hooks";
import { Comments, PinnedItem } from "../components/space/Comments.tsx";
import { Controls } from "../components/space/Controls.tsx";
import { Hands } from "../components/space/Hands.tsx";
import { Stage, type StageAction } from "../components/space/Stage.tsx";
import { type Lang, type MessageKey, t } from "../lib/i18n/mod.ts";
import type { SpacePublicSnapshot } from "../lib/protocol/space_http.ts";
import type { SpaceCommand, StageMember } from "../lib/protocol/space.ts";
import { canModerate, type JoinTokens } from "../lib/space/client.ts";
import { mountDock } from "../lib/space/Dock.tsx";
import { enterSpace, leaveSpace } from "../lib/space/live.ts";
import { installPartialNavigation, navigate } from "../lib/nav/partial.ts";
import { Icon } from "../lib/ui/Icon.tsx";

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
  // The Space outlives this screen: moving to another page keeps it playing in the dock.
  const live = useMemo(() => {
    if (typeof window === "undefined") return null;
    installPartialNavigation();
    const host = initial.space.host;
    return enterSpace({ spaceId, title: initial.space.title, hostName: host.name ?? `@${host.handle ?? "?"}` }, tokens);
  }, [spaceId]);
  // After this render: rendering the dock inside it would break this component's hooks.
  useEffect(() => mountDock(lang), []);
  const client = live?.client ?? null;
  const confirmingEnd = useSignal(false);
  const comment = useSignal("");
  const pinUrl = useSignal("");
  const report = useSignal<{ target: { sub: string } | { space: true }; label: string } | null>(null);
  const reportReason = useSignal("");
  const reportSent = useSignal(false);
  const audio = live?.audio;
  const onStageNow = !!live?.me();
  const unmute = () => live?.unmute();
  const leave = () => {
    leaveSpace();
    void navigate(new URL("/", location.href).href, { push: true, scroll: 0 });
  };

  const view = client?.view.value;
  const media = audio?.value ?? null;
  const stage: StageMember[] = view?.stage ?? initial.stage.map((m) => ({ ...m, present: true }));
  const listenerCount = view?.listenerCount ?? initial.listenerCount;
  const stopped = client?.stopped.value;
  const err = client?.error.value;
  const conn = client?.connection.value ?? "connecting";
  const send = (c: SpaceCommand) => live?.send(c);

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
      <div class="space-status">
        <p class="muted"><span class="live-dot"><Icon name="live" /> LIVE</span> {topics.map((tp) => `#${tp}`).join(" ")}</p>
        <button type="button" class="button danger small" onClick={leave}><Icon name="leave" size={18} />{t(lang, "space.leave")}</button>
      </div>
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
