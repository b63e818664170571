// An inline SVG icon from the generated set: decorative by default (the control around it carries
// the accessible name); give `label` when the icon alone says something.
import { ICONS } from "./icons.gen.ts";
import type { IconName } from "./icon_names.ts";

export function Icon(
  { name, size = 24, label, class: cls }: { name: IconName; size?: number; label?: string; class?: string },
) {
  const icon = ICONS[name];
  return (
    <svg
      class={cls ? `icon ${cls}` : "icon"}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill={icon.filled ? "currentColor" : "none"}
      stroke={icon.filled ? "none" : "currentColor"}
      stroke-width="2"
      stroke-linecap="round"
      stroke-linejoin="round"
      {...(label ? { role: "img", "aria-label": label } : { "aria-hidden": "true", focusable: "false" })}
      dangerouslySetInnerHTML={{ __html: icon.body }}
    />
  );
}
