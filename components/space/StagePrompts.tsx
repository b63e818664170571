// What a listener on their way to the stage is told: the invitation to speak (accept or decline)
// and the note that their hand is up; on a recorded Space both say so before they go up, and
// coming on stage while it records says it again. A Space that starts recording is announced to
// screen readers (everyone sees the REC mark appear).
import { useEffect, useRef } from "preact/hooks";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import type { SpaceCommand } from "../../lib/protocol/space.ts";
import type { SpaceView } from "../../lib/protocol/space_view.ts";
import { Icon } from "../Icon.tsx";
import { toast } from "../Toast.tsx";

export interface StagePromptsProps {
  lang: Lang;
  view: SpaceView;
  onStage: boolean;
  send: (c: SpaceCommand) => unknown;
}

export function StagePrompts({ lang, view, onStage, send }: StagePromptsProps) {
  const recorded = view.space.recording;
  const note = recorded && (
    <p class="rec-note">
      <Icon name="rec" size={18} />
      {t(lang, "rec.being_recorded")}
    </p>
  );
  return (
    <>
      {view.you.invited && !onStage && (
        <div class="invite" role="alert">
          <p>{t(lang, "space.invited_prompt")}</p>
          {note}
          <button type="button" class="button" onClick={() => send({ type: "acceptInvite" })}>
            {t(lang, "space.accept_invite")}
          </button>
          <button type="button" class="button secondary" onClick={() => send({ type: "declineInvite" })}>
            {t(lang, "space.decline_invite")}
          </button>
        </div>
      )}
      {!view.you.anonymous && view.you.handRaised && !onStage && (
        <div class="hand-note" role="status">
          <p class="muted">{t(lang, "space.request_sent")}</p>
          {note}
        </div>
      )}
    </>
  );
}

/** Tells a person who comes on stage while the Space records, and screen readers when REC starts. */
export function useRecordingNotices(
  lang: Lang,
  view: SpaceView | null | undefined,
  onStage: boolean,
  announce: (s: string) => void,
) {
  const recording = !!view?.space.recording;
  const before = useRef({ recording, onStage });
  useEffect(() => {
    const was = before.current;
    before.current = { recording, onStage };
    if (!view) return;
    if (recording && onStage && !was.onStage && view.you.role !== "host") toast(t(lang, "rec.being_recorded"));
    if (recording && !was.recording) announce(t(lang, "rec.being_recorded"));
  }, [recording, onStage]);
}
