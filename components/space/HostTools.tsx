// What hosts and co-hosts do to the whole Space, in one sheet: answer requests to speak, allow
// video, (the host) record, clip the last 30 s of a recorded Space, mute every speaker, pin a
// link, and (the host) end the Space after a confirmation.
import { useEffect, useRef } from "preact/hooks";
import { type Lang, type MessageKey, t } from "../../lib/i18n/mod.ts";
import type { SpaceCommand, SpaceErrorCode } from "../../lib/protocol/space.ts";
import type { SpaceView } from "../../lib/protocol/space_view.ts";
import { Icon } from "../Icon.tsx";
import { toast } from "../Toast.tsx";
import { Hands } from "./Hands.tsx";
import { SwitchRow } from "../SwitchRow.tsx";
import { ClipButton } from "../replay/ClipButton.tsx";
import { useRecordSwitch } from "./record_switch.ts";

export interface HostToolsProps {
  lang: Lang;
  view: SpaceView;
  send: (c: SpaceCommand) => boolean | void | undefined;
  pinUrl: string;
  setPinUrl: (v: string) => void;
  confirmingEnd: boolean;
  setConfirmingEnd: (v: boolean) => void;
  /** The room's last refusal, to tell the host when it answers their Record switch. */
  error: { code: SpaceErrorCode } | null;
}

export function HostTools(
  { lang, view, send, pinUrl, setPinUrl, confirmingEnd, setConfirmingEnd, error }: HostToolsProps,
) {
  const confirm = useRef<HTMLButtonElement>(null);
  const record = useRecordSwitch(
    view.space.recording,
    error,
    send,
    (key, code) => toast(t(lang, code ? (`space.err.${code}` as MessageKey) : key)),
  );
  // The confirmation takes the focus, so a keyboard user answers it at once.
  useEffect(() => {
    if (confirmingEnd) confirm.current?.focus();
  }, [confirmingEnd]);
  return (
    <div class="stack host-tools">
      <Hands
        lang={lang}
        hands={view.hands}
        onAccept={(h) => send({ type: "acceptRequest", sub: h.sub })}
        onDismiss={(h) => send({ type: "dismissRequest", sub: h.sub })}
      />
      <SwitchRow
        icon="video"
        label={t(lang, "space.allow_video")}
        hint={t(lang, "space.allow_video_hint")}
        checked={view.space.videoAllowed}
        onChange={(allowed) => send({ type: "setVideo", allowed })}
      />
      {view.you.role === "host" && (
        <SwitchRow
          icon="rec"
          label={t(lang, "rec.record")}
          hint={t(lang, "rec.record_hint")}
          checked={record.checked}
          onChange={record.set}
        />
      )}
      {view.space.recording && (
        <ClipButton lang={lang} spaceId={view.space.id} title={view.space.title} label={t(lang, "rec.clip_live")} />
      )}
      {view.stage.length > 1 && (
        <button
          type="button"
          class="button secondary"
          onClick={() => send({ type: "muteAll" })}
        >
          <Icon name="micOff" size={20} />
          {t(lang, "space.mute_all")}
        </button>
      )}
      <form
        class="pin-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (pinUrl.trim()) send({ type: "pin", url: pinUrl.trim() });
        }}
      >
        <label for="pin-url" class="visually-hidden">{t(lang, "space.pin_link")}</label>
        <input
          id="pin-url"
          type="url"
          inputMode="url"
          placeholder="https://…"
          value={pinUrl}
          onInput={(e) => setPinUrl((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="button secondary small">
          <Icon name="pin" size={18} />
          {t(lang, "space.pin_link")}
        </button>
      </form>
      {view.you.role === "host" && !confirmingEnd && (
        <button
          type="button"
          class="button danger"
          onClick={() => setConfirmingEnd(true)}
        >
          {t(lang, "space.end")}
        </button>
      )}
      {view.you.role === "host" && confirmingEnd && (
        <div class="confirm" role="alertdialog" aria-label={t(lang, "space.end_confirm")}>
          <p>{t(lang, "space.end_confirm")}</p>
          <button
            type="button"
            class="button danger"
            ref={confirm}
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
    </div>
  );
}
