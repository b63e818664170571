// The entries of a DM thread: texts as bubbles (mine on the right), calls as one compact line with
// an icon, each with its time. The list scrolls inside a log region that starts at the newest.
import { type Lang, t } from "../../lib/i18n/mod.ts";
import type { DmEntry, PeerInfo } from "../../lib/protocol/dm.ts";
import { Icon } from "../Icon.tsx";
import type { IconName } from "../icon_names.ts";
import { callText } from "../../lib/shared/entry_text.ts";

type CallEntry = Extract<DmEntry, { kind: "call" }>;

const GROUP_MS = 5 * 60_000;

function callIcon(e: CallEntry, meId: string): IconName {
  if (e.outcome === "answered") return e.video ? "video" : e.from === meId ? "phoneOutgoing" : "phoneIncoming";
  return e.from === meId ? "phoneOutgoing" : "phoneMissed";
}

/** Times read short: the hour today, the date and hour before. */
export function entryTime(lang: Lang, at: number, now = Date.now()): string {
  const d = new Date(at);
  const sameDay = new Date(now).toDateString() === d.toDateString();
  return new Intl.DateTimeFormat(lang, sameDay ? { timeStyle: "short" } : { dateStyle: "short", timeStyle: "short" })
    .format(d);
}

export function ThreadEntries(
  { lang, me, peer, entries }: { lang: Lang; me: PeerInfo; peer: PeerInfo; entries: DmEntry[] },
) {
  if (entries.length === 0) {
    return (
      <div class="dm-empty">
        <Icon name="messages" size={40} />
        <p>{t(lang, "dm.no_entries")}</p>
      </div>
    );
  }
  return (
    <ol class="entries">
      {entries.map((e, i) => {
        // A run of texts from one person within a few minutes shows its time once, at its end.
        const next = entries[i + 1];
        const grouped = e.kind === "text" && next?.kind === "text" && next.from === e.from && next.at - e.at < GROUP_MS;
        const time = (
          <time class={grouped ? "sr-only" : undefined} dateTime={new Date(e.at).toISOString()}>
            {entryTime(lang, e.at)}
          </time>
        );
        if (e.kind === "call") {
          const missed = e.outcome !== "answered" && e.from !== me.id;
          return (
            <li key={e.id} class={missed ? "entry call missed" : "entry call"}>
              <Icon name={callIcon(e, me.id)} size={16} />
              <span class="call-text">{callText(lang, e, me.id)}</span>
              {time}
            </li>
          );
        }
        const mine = e.from === me.id;
        return (
          <li key={e.id} class={`entry${mine ? " mine" : ""}${grouped ? " grouped" : ""}`}>
            <span class="sr-only">{(mine ? t(lang, "dm.you") : peer.name) + ": "}</span>
            <span class="bubble">{e.text}</span>
            {time}
          </li>
        );
      })}
    </ol>
  );
}
