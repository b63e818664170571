// A setting that is on or off, as phone apps show one: an icon, a name and a hint, and a switch
// (a checkbox with role=switch) that the whole row toggles. Its accessible name is the row's text.
import type { IconName } from "./icon_names.ts";
import { Icon } from "./Icon.tsx";

export interface SwitchRowProps {
  icon: IconName;
  label: string;
  hint: string;
  checked: boolean;
  onChange: (on: boolean) => void;
}

export function SwitchRow({ icon, label, hint, checked, onChange }: SwitchRowProps) {
  return (
    <label class="switch-row">
      <Icon name={icon} size={22} />
      <span>
        <strong>{label}</strong>
        <span class="hint">{hint}</span>
      </span>
      <input
        type="checkbox"
        role="switch"
        class="switch"
        checked={checked}
        onChange={(e) => onChange((e.target as HTMLInputElement).checked)}
      />
    </label>
  );
}
