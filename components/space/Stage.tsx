// The stage: avatars with role badges, mute state and a speaking ring; for hosts and co-hosts,
// a disclosure of actions per person. Used by the Space page on the server and in the island.
import { LiveCaptions } from "./LiveCaptions.tsx";
import type { StageMember } from "../../lib/protocol/space.ts";
import { type Lang, t } from "../../lib/i18n/mod.ts";
import { useState } from "preact/hooks";
import { Icon } from "../Icon.tsx";
import { Avatar } from "../Avatar.tsx";
import { Sheet } from "../Sheet.tsx";
import type { JSX } from "preact";

export type StageAction = "mute" | "moveToAudience" | "remove" | "addCohost" | "removeCohost" | "report";

export interface StageProps {
  lang: Lang;
  stage: StageMember[];
  youSub?: string;
  youRole?: string;
  speaking?: string[];
  onAction?: (action: StageAction, m: StageMember) => void;
  /** A person's camera tile, when they send one and this page shows video (in the island). */
  videoOf?: (m: StageMember, name: string) => JSX.Element | null;
}

function actionsFor(m: StageMember, youSub?: string, youRole?: string): StageAction[] {
  if (!youSub || m.sub === youSub) return [];
  const mod = youRole === "host" || youRole === "cohost";
  const out: StageAction[] = [];
  if (mod && m.role !== "host") {
    if (!m.muted) out.push("mute");
    if (m.role === "speaker" || youRole === "host") out.push("moveToAudience");
    out.push("remove");
  }
  if (youRole === "host" && m.role === "speaker") out.push("addCohost");
  if (youRole === "host" && m.role === "cohost") out.push("removeCohost");
  if (!youSub.startsWith("a:")) out.push("report");
  return out;
}

const ACTION_LABEL = {
  mute: "space.mute_person",
  moveToAudience: "space.move_to_audience",
  remove: "space.remove_person",
  addCohost: "space.make_cohost",
  removeCohost: "space.remove_cohost",
  report: "space.report_person",
} as const;

export function Stage({ lang, stage, youSub, youRole, speaking = [], onAction, videoOf }: StageProps) {
  const tiles = new Map(stage.map((m) => [m.sub, videoOf?.(m, m.name ?? `@${m.handle}`) ?? null]));
  // Everyone on camera is seen at once: the cameras share one grid, sized so that its rows fit
  // the screen with the action bar; the others keep their avatars below.
  const onCamera = stage.filter((m) => tiles.get(m.sub));
  const rest = stage.filter((m) => !tiles.get(m.sub));
  const member = (m: StageMember) => {
    const name = m.name ?? `@${m.handle}`;
    const isSpeaking = speaking.includes(m.sub) && !m.muted;
    const actions = onAction ? actionsFor(m, youSub, youRole) : [];
    const tile = tiles.get(m.sub);
    const cls = `member${isSpeaking ? " speaking" : ""}${m.present === false ? " away" : ""}${
      tile ? " has-video" : ""
    }`;
    return (
      <li key={m.sub} class={cls} data-sub={m.sub}>
        {tile ?? <Avatar id={m.sub} name={name} size={64} />}
        <span class="member-name">
          {name} {m.sub === youSub && <span class="muted">{t(lang, "space.you")}</span>}
        </span>
        <span class="member-meta">
          <span class={`badge role-${m.role}`}>{t(lang, `space.role.${m.role}`)}</span>
          <span
            class={`mic${m.muted ? " off" : ""}`}
            role="img"
            aria-label={m.muted
              ? t(lang, "space.muted")
              : isSpeaking
              ? t(lang, "space.speaking")
              : t(lang, "space.mic_on")}
          >
            <Icon name={m.muted ? "micOff" : "mic"} size={16} />
          </span>
        </span>
        {actions.length > 0 && <MemberMenu lang={lang} name={name} actions={actions} run={(a) => onAction!(a, m)} />}
      </li>
    );
  };
  return (
    <section aria-labelledby="stage-h" class="stage">
      <h2 id="stage-h">{t(lang, "space.stage")}</h2>
      {onCamera.length > 0 && (
        <ul class="video-grid" data-cameras={Math.min(onCamera.length, 4)}>{onCamera.map(member)}</ul>
      )}
      {rest.length > 0 && <ul class="stage-grid">{rest.map(member)}</ul>}
      <LiveCaptions lang={lang} />
    </section>
  );
}

/**
 * A button that opens a person's actions in a sheet: a modal dialog in the top layer, so every
 * item sits above the action bar and the tabs, scrolls when it is long, and keeps the focus
 * inside until an action is chosen or Escape closes it.
 */
function MemberMenu(
  { lang, name, actions, run }: { lang: Lang; name: string; actions: StageAction[]; run: (a: StageAction) => void },
) {
  const [open, setOpen] = useState(false);
  const title = t(lang, "space.people_options", { name });
  return (
    <div class="menu">
      <button
        type="button"
        class="menu-toggle"
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-label={title}
        title={title}
        onClick={() => setOpen(true)}
      >
        <Icon name="more" size={20} />
      </button>
      <Sheet open={open} title={title} closeLabel={t(lang, "space.close")} onClose={() => setOpen(false)}>
        <div class="menu-list">
          {actions.map((a) => (
            <button
              type="button"
              key={a}
              class={a === "remove" || a === "report" ? "danger" : ""}
              onClick={() => {
                setOpen(false);
                run(a);
              }}
            >
              {t(lang, ACTION_LABEL[a], { name })}
            </button>
          ))}
        </div>
      </Sheet>
    </div>
  );
}
