// Live captions on the Space page: a CC button for everyone (remembered in this browser), the
// lines over the stage with the speaker's name (a partial replaced by the next words, then the
// final), and for the host the switch for everyone. A Space whose language has no caption model
// offers no button; its host is told why. Screen readers hear each final line, politely; the
// growing partials are for the eyes only.
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { captionsShown, showCaptions } from "../../lib/browser/space/captions.ts";
import { liveSpace } from "../../lib/browser/now_playing.ts";

const BOX = {
  background: "rgba(0, 0, 0, 0.82)",
  color: "#fff",
  borderRadius: "0.5rem",
  padding: "0.5rem 0.75rem",
  fontSize: "1.05rem",
  lineHeight: 1.4,
  maxHeight: "7.5em",
  overflow: "hidden",
  overflowWrap: "anywhere",
} as const;

/** Reads the Space the person is in (the stage is only ever the live Space's). */
export function LiveCaptions({ lang }: { lang: Lang }) {
  const live = liveSpace.value;
  const view = live?.client.view.value;
  const info = view?.space.captions;
  const lines = live?.client.captions ?? null;
  const isHost = view?.you.role === "host";
  const send = (c: Parameters<NonNullable<typeof live>["send"]>[0]) => live?.send(c);
  const state = info?.state;
  if (!state || state === "pending") return null;
  const hostSwitch = isHost && state !== "unsupported" && (
    <button
      type="button"
      class="button secondary small"
      aria-pressed={state === "on"}
      onClick={() => send({ type: "setCaptions", on: state !== "on" })}
    >
      {t(lang, state === "on" ? "cc.turn_off" : "cc.turn_on")}
    </button>
  );
  if (state === "unsupported") {
    return isHost
      ? (
        <p class="muted" data-testid="cc-unsupported">
          {t(lang, "cc.unsupported_host", { why: info?.why ?? t(lang, "cc.no_model") })}
        </p>
      )
      : null;
  }
  if (state === "off") {
    return (
      <div class="cc-row" style={{ display: "flex", gap: "0.5rem", alignItems: "center", flexWrap: "wrap" }}>
        <span class="muted">{t(lang, "cc.off_by_host")}</span>
        {hostSwitch}
      </div>
    );
  }
  const shown = captionsShown.value;
  const list = lines?.lines.value ?? [];
  return (
    <section class="live-captions" aria-label={t(lang, "cc.region")} style={{ margin: "0.5rem 0" }}>
      <div style={{ display: "flex", gap: "0.5rem", alignItems: "center", flexWrap: "wrap" }}>
        <button
          type="button"
          class="button secondary small cc-toggle"
          aria-pressed={shown}
          title={t(lang, shown ? "cc.hide" : "cc.show")}
          onClick={() => showCaptions(!shown)}
        >
          CC <span class="visually-hidden">{t(lang, "cc.button")}</span>
        </button>
        {hostSwitch}
      </div>
      {shown && (
        <div data-testid="captions" style={{ ...BOX, marginTop: "0.5rem" }}>
          <div aria-hidden="true">
            {list.length === 0
              ? <p style={{ margin: 0, opacity: 0.75 }}>{t(lang, "cc.waiting")}</p>
              : list.map((l) => (
                <p key={l.id} class={l.final ? "cc-final" : "cc-partial"} style={{ margin: 0 }}>
                  <strong>{l.name}</strong> <span style={{ opacity: l.final ? 1 : 0.8 }}>{l.text}</span>
                </p>
              ))}
          </div>
          <p class="visually-hidden" aria-live="polite">{lines?.lastFinal.value ?? ""}</p>
        </div>
      )}
    </section>
  );
}
