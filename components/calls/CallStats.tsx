// The call's connection quality: a small signal icon (its name says the level) that opens a sheet
// with the last minute of bitrate, packet loss and round-trip time, each a small line graph. A weak
// or poor connection is also said in words beside the icon, not only by the icon's colour.
import { useSignal } from "@preact/signals";
import { type Lang, type MessageKey, t } from "../../lib/i18n/mod.ts";
import { Icon } from "../Icon.tsx";
import type { IconName } from "../icon_names.ts";
import { Sheet } from "../Sheet.tsx";
import type { CallMedia } from "../../lib/browser/calls/call_media.ts";
import { type Quality, type QualitySample, SAMPLES_KEPT } from "../../lib/browser/calls/call_quality.ts";

const ICON: Record<Quality, IconName> = {
  good: "signalGood",
  fair: "signalFair",
  poor: "signalPoor",
  unknown: "signalFair",
};
/** What a weak or poor connection reads as, beside the icon (a good one needs no words). */
const WORDS: Record<Quality, MessageKey | null> = {
  good: null,
  fair: "call.quality_fair",
  poor: "call.quality_poor",
  unknown: null,
};
const W = 300;
const H = 64;

/** SVG polyline points for values over the kept window, newest on the right; `max` is the top. */
export function graphPoints(values: number[], max: number): string {
  const step = W / (SAMPLES_KEPT - 1);
  const start = SAMPLES_KEPT - values.length;
  return values.map((v, i) => {
    const x = (start + i) * step;
    const y = H - 2 - (Math.min(v, max) / max) * (H - 6);
    return `${Math.round(x * 10) / 10},${Math.round(y * 10) / 10}`;
  }).join(" ");
}

/** A top for the graph's scale: the largest value rounded up to a readable step. */
function ceiling(values: number[], least: number): number {
  const m = Math.max(least, ...values);
  const step = 10 ** Math.floor(Math.log10(m));
  return Math.ceil(m / step) * step;
}

function Graph(
  { label, series, least }: { label: string; series: { values: number[]; cls: string }[]; least: number },
) {
  const max = ceiling(series.flatMap((s) => s.values), least);
  return (
    <svg class="stats-graph" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={label}>
      <line x1="0" y1={H - 1} x2={W} y2={H - 1} class="axis" />
      <line x1="0" y1="4" x2={W} y2="4" class="grid" />
      {series.map((s) =>
        s.values.length > 1 && <polyline key={s.cls} class={s.cls} points={graphPoints(s.values, max)} />
      )}
    </svg>
  );
}

function Panel({ lang, samples }: { lang: Lang; samples: QualitySample[] }) {
  const last = samples.at(-1);
  if (!last || samples.length < 2) return <p class="muted">{t(lang, "call.stats.none")}</p>;
  const kbps = t(lang, "call.stats.kbps", { in: last.inKbps, out: last.outKbps });
  const loss = t(lang, "call.stats.pct", { n: last.lossPct });
  const rtt = last.rttMs === null ? "–" : t(lang, "call.stats.ms", { n: last.rttMs });
  const rows = [
    {
      what: t(lang, "call.stats.bitrate"),
      value: kbps,
      least: 50,
      series: [{ values: samples.map((s) => s.inKbps), cls: "in" }, {
        values: samples.map((s) => s.outKbps),
        cls: "out",
      }],
    },
    {
      what: t(lang, "call.stats.loss"),
      value: loss,
      least: 5,
      series: [{ values: samples.map((s) => s.lossPct), cls: "in" }],
    },
    {
      what: t(lang, "call.stats.rtt"),
      value: rtt,
      least: 100,
      series: [{ values: samples.map((s) => s.rttMs ?? 0), cls: "in" }],
    },
  ];
  return (
    <div class="call-stats">
      <p class="hint">{t(lang, "call.stats.window")}</p>
      {rows.map((r) => (
        <section key={r.what} class="stats-row">
          <h3>
            {r.what} <span class="stats-value">{r.value}</span>
          </h3>
          <Graph
            label={t(lang, "call.stats.graph", { what: r.what, value: r.value })}
            series={r.series}
            least={r.least}
          />
        </section>
      ))}
    </div>
  );
}

export function QualityButton({ lang, media }: { lang: Lang; media: CallMedia }) {
  const open = useSignal(false);
  const q = media.quality.value;
  return (
    <>
      <button
        type="button"
        class="call-icon-btn quality"
        data-level={q}
        aria-label={t(lang, "call.quality", { level: t(lang, `call.quality.${q}`) })}
        title={t(lang, "call.stats")}
        onClick={() => (open.value = true)}
      >
        <Icon name={ICON[q]} />
        {WORDS[q] && <span class="quality-words" aria-hidden="true">{t(lang, WORDS[q]!)}</span>}
      </button>
      <Sheet
        open={open.value}
        title={t(lang, "call.stats")}
        closeLabel={t(lang, "call.stats.close")}
        onClose={() => (open.value = false)}
        id="call-stats"
      >
        <Panel lang={lang} samples={media.samples.value} />
      </Sheet>
    </>
  );
}
