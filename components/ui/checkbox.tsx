// Checkbox and switch: native checkboxes (the switch adds role="switch"), each inside its label.
import type { InputHTMLAttributes, ReactNode } from "react";

export interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "type"> {
  label: ReactNode;
  hint?: ReactNode;
}

export function Checkbox({ label, hint, className, ...rest }: CheckboxProps) {
  return (
    <label className={["check", className ?? ""].filter(Boolean).join(" ")}>
      <input {...rest} type="checkbox" />
      <span>
        <span className="check-label">{label}</span>
        {hint ? <span className="field-hint">{hint}</span> : null}
      </span>
    </label>
  );
}

export function Switch({ label, hint, className, ...rest }: CheckboxProps) {
  return (
    <label className={["check", "switch", className ?? ""].filter(Boolean).join(" ")}>
      <input {...rest} type="checkbox" role="switch" />
      <span className="switch-track" aria-hidden="true" />
      <span>
        <span className="check-label">{label}</span>
        {hint ? <span className="field-hint">{hint}</span> : null}
      </span>
    </label>
  );
}
