// Decline (red) and Accept (green): the two large round buttons of an incoming call, on the
// ringing overlay and on the call screen alike. Accept is last, on the right, as on phones.
import type { Ref } from "preact";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { Icon } from "../Icon.tsx";

interface Props {
  lang: Lang;
  video: boolean;
  onAccept: () => void;
  onDecline: () => void;
  acceptRef?: Ref<HTMLButtonElement>;
}

export function RingButtons({ lang, video, onAccept, onDecline, acceptRef }: Props) {
  return (
    <div class="ring-actions">
      <button type="button" class="ring-btn decline" onClick={onDecline}>
        <span class="ring-circle">
          <Icon name="phoneOff" size={30} />
        </span>
        <span class="ring-label">{t(lang, "call.decline")}</span>
      </button>
      <button type="button" class="ring-btn accept" ref={acceptRef} autoFocus onClick={onAccept}>
        <span class="ring-circle">
          <Icon name={video ? "video" : "phone"} size={30} />
        </span>
        <span class="ring-label">{t(lang, "call.accept")}</span>
      </button>
    </div>
  );
}
