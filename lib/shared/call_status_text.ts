// What a call's status reads as, from one side: "Calling Bob…", "Connected", "Bob declined the call."
import { type Lang, type MessageKey, t } from "../i18n/mod.ts";
import { callDurationS, type CallRole, type CallView } from "../protocol/call.ts";
import { formatDuration } from "./entry_text.ts";

export function callStatusText(lang: Lang, v: CallView | null, role: CallRole, name: string, here: boolean): string {
  if (!v) return t(lang, "call.status.connecting");
  const side = role === "caller" ? "out" : "in";
  switch (v.status) {
    case "ringing":
      return role === "caller"
        ? t(lang, "call.status.calling", { name })
        : t(lang, v.video ? "call.status.incoming_video" : "call.status.incoming_audio", { name });
    case "accepted":
      return role === "callee" && !here ? t(lang, "call.status.elsewhere") : t(lang, "call.status.connected");
    case "ended":
      return t(lang, "call.status.ended", { duration: formatDuration(callDurationS(v)) });
    default:
      return t(lang, `call.status.${v.status}_${side}` as MessageKey, { name });
  }
}
