// The host's Record switch, which shows the room's answer rather than its own wish: after a
// flip it shows the asked state until the room's REC mark matches (then "Recording started" or
// "stopped"), the room refuses (its reason), or nothing comes for a while; then the switch shows
// what the room says again.
import { useEffect, useRef, useState } from "preact/hooks";
import type { MessageKey } from "../../lib/i18n/mod.ts";
import type { SpaceCommand, SpaceErrorCode } from "../../lib/protocol/space.ts";

/** How long the switch waits for the room before it says there was no answer. */
export const RECORD_ANSWER_MS = 8_000;

export function useRecordSwitch(
  recording: boolean,
  error: { code: SpaceErrorCode } | null,
  send: (c: SpaceCommand) => unknown,
  tell: (key: MessageKey, refusal?: SpaceErrorCode) => void,
) {
  const [asked, setAsked] = useState<boolean | null>(null);
  const [, redraw] = useState(0);
  const errorBefore = useRef(error);
  useEffect(() => {
    if (asked === null || recording !== asked) return;
    tell(recording ? "rec.recording_started" : "rec.recording_stopped");
    setAsked(null);
  }, [recording, asked]);
  useEffect(() => {
    if (asked === null || !error || error === errorBefore.current) return;
    tell("rec.no_answer", error.code);
    setAsked(null);
  }, [error]);
  useEffect(() => {
    if (asked === null) return;
    const timer = setTimeout(() => {
      tell("rec.no_answer");
      setAsked(null);
    }, RECORD_ANSWER_MS);
    return () => clearTimeout(timer);
  }, [asked]);
  return {
    checked: asked ?? recording,
    set(on: boolean) {
      errorBefore.current = error;
      if (send({ type: "setRecording", on }) === false) {
        tell("rec.no_answer");
        // The checkbox flipped itself: draw it again as the room has it.
        redraw((n) => n + 1);
        return;
      }
      setAsked(on);
    },
  };
}
