// Where each person spoke, drawn as coloured stretches under a replay's progress bar (and under
// the host's start slider), each in the speaker's avatar colour, so a reader sees where the talk
// is before they seek. Decorative for a screen reader: "Next speaker" (N) reaches the same places.
import type { SpeakerMark } from "../../lib/shared/replay_view.ts";
import { avatarColour } from "../../lib/protocol/text.ts";

export function SpeakerMarks({ marks, label }: { marks: SpeakerMark[]; label: (m: SpeakerMark) => string }) {
  if (marks.length === 0) return null;
  return (
    <div class="speaker-marks" aria-hidden="true" data-testid="speaker-marks">
      {marks.map((m) => (
        <span
          key={`${m.sub}-${m.left}`}
          class="speaker-mark"
          data-sub={m.sub}
          title={label(m)}
          style={{ left: `${m.left}%`, width: `${m.width}%`, background: avatarColour(m.sub) }}
        />
      ))}
    </div>
  );
}
