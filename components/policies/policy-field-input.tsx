"use client";
// The control of an overridden field: durations and byte counts typed in human units (shown
// back in the console's units on blur), a number for counts, a switch, or a select.
import { Switch } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { MAX_SESSIONS_ACTIONS, type PolicyField } from "@/lib/policy/fields";
import { MAX_SESSIONS_ACTION_LABELS, normalizeInput } from "./policy-format";

const ACTION_OPTIONS = MAX_SESSIONS_ACTIONS.map((action) => ({ value: action, label: MAX_SESSIONS_ACTION_LABELS[action] }));

const PLACEHOLDERS: Record<PolicyField["kind"], string | undefined> = {
  duration: "e.g. 30 s, 5 min, 8 h, 1 d 2 h",
  bytes: "e.g. 100 KB, 64 KiB",
  count: undefined,
  boolean: undefined,
  enum: undefined,
};

export interface PolicyFieldInputProps {
  field: PolicyField;
  id: string;
  labelId: string;
  value: string;
  onChange: (value: string) => void;
  errorId: string | undefined;
}

export function PolicyFieldInput({ field, id, labelId, value, onChange, errorId }: PolicyFieldInputProps) {
  const invalid = errorId ? { "aria-invalid": true as const, "aria-describedby": errorId } : {};
  switch (field.kind) {
    case "boolean":
      return (
        <Switch
          id={id}
          aria-labelledby={labelId}
          label={value === "true" ? "on" : "off"}
          checked={value === "true"}
          onChange={(event) => onChange(event.target.checked ? "true" : "false")}
        />
      );
    case "enum":
      return <Select id={id} {...invalid} value={value} options={ACTION_OPTIONS} onChange={(event) => onChange(event.target.value)} />;
    case "count":
      return (
        <Input
          id={id}
          {...invalid}
          type="number"
          inputMode="numeric"
          min={field.min}
          max={field.max}
          step={1}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      );
    default:
      return (
        <Input
          id={id}
          {...invalid}
          value={value}
          placeholder={PLACEHOLDERS[field.kind]}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => onChange(event.target.value)}
          onBlur={() => onChange(normalizeInput(field, value))}
        />
      );
  }
}
