// The controls a person has in a live Space, by role: hand, invitation, microphone, stage,
// moderation, reactions, comments, report. Every control has an accessible name.
import { type Reaction, REACTIONS, type SpaceCommand } from "../../lib/protocol/space.ts";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import type { SpaceView } from "../../lib/protocol/space_view.ts";

export interface ControlsProps {
  lang: Lang;
  view: SpaceView;
  send: (c: SpaceCommand) => void;
  signInUrl: string;
  confirmingEnd: boolean;
  setConfirmingEnd: (v: boolean) => void;
  /** Unmuting may first need the microphone (issue: media); the island decides. */
  onUnmute: () => void;
}

export function Controls({ lang, view, send, signInUrl, confirmingEnd, setConfirmingEnd, onUnmute }: ControlsProps) {
  const you = view.you;
  const me = view.stage.find((m) => m.sub === you.sub);
  const onStage = !!me;
  const mod = you.role === "host" || you.role === "cohost";
  return (
    <div class="controls">
      {you.anonymous && (
        <p class="notice">
          <a href={signInUrl}>{t(lang, "space.signin_to_take_part")}</a>
        </p>
      )}
      {you.invited && !onStage && (
        <div class="invite" role="alert">
          <p>{t(lang, "space.invited_prompt")}</p>
          <button type="button" class="button" onClick={() => send({ type: "acceptInvite" })}>
            {t(lang, "space.accept_invite")}
          </button>
          <button type="button" class="button secondary" onClick={() => send({ type: "declineInvite" })}>
            {t(lang, "space.decline_invite")}
          </button>
        </div>
      )}
      <div class="actions">
        {!you.anonymous && !onStage && !you.handRaised && (
          <button
            type="button"
            class="button"
            onClick={() => send({ type: "requestToSpeak" })}
          >
            ✋ {t(lang, "space.request_speak")}
          </button>
        )}
        {!onStage && you.handRaised && (
          <>
            <span class="muted" role="status">{t(lang, "space.request_sent")}</span>
            <button type="button" class="button secondary" onClick={() => send({ type: "cancelRequest" })}>
              {t(lang, "space.cancel_request")}
            </button>
          </>
        )}
        {me && (me.muted
          ? <button type="button" class="button" onClick={onUnmute}>🎙️ {t(lang, "space.unmute_me")}</button>
          : (
            <button type="button" class="button secondary" onClick={() => send({ type: "muteSelf" })}>
              🔇 {t(lang, "space.mute_me")}
            </button>
          ))}
        {me && you.role !== "host" && (
          <button
            type="button"
            class="button secondary"
            onClick={() => send({ type: "leaveStage" })}
          >
            {t(lang, "space.leave_stage")}
          </button>
        )}
        {mod && view.stage.length > 1 && (
          <button
            type="button"
            class="button secondary"
            onClick={() => send({ type: "muteAll" })}
          >
            {t(lang, "space.mute_all")}
          </button>
        )}
        {you.role === "host" && !confirmingEnd && (
          <button
            type="button"
            class="button danger"
            onClick={() => setConfirmingEnd(true)}
          >
            {t(lang, "space.end")}
          </button>
        )}
      </div>
      {you.role === "host" && confirmingEnd && (
        <div class="confirm" role="alertdialog" aria-label={t(lang, "space.end_confirm")}>
          <p>{t(lang, "space.end_confirm")}</p>
          <button
            type="button"
            class="button danger"
            onClick={() =>
              send({ type: "end" })}
          >
            {t(lang, "space.end_yes")}
          </button>
          <button
            type="button"
            class="button secondary"
            onClick={() =>
              setConfirmingEnd(false)}
          >
            {t(lang, "space.keep")}
          </button>
        </div>
      )}
      <div class="reactions" role="group" aria-label={t(lang, "space.reactions")}>
        {REACTIONS.map((emoji: Reaction) => (
          <button
            type="button"
            key={emoji}
            class="reaction"
            aria-label={t(lang, "space.react", { emoji })}
            onClick={() => send({ type: "react", emoji })}
          >
            {emoji}
          </button>
        ))}
      </div>
    </div>
  );
}
