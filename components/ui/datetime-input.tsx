"use client";
// A datetime-local input bound to an ISO instant in the URL. Commits as soon as the value is
// complete (or cleared); partial typing stays local.
import { useState } from "react";
import { isoToLocalInput } from "@/lib/client/format";
import { Input } from "./input";

export interface DateTimeInputProps {
  id: string;
  value: string;
  onCommit: (local: string) => void;
}

export function DateTimeInput({ id, value, onCommit }: DateTimeInputProps) {
  const local = isoToLocalInput(value);
  const [draft, setDraft] = useState(local);
  const [seen, setSeen] = useState(local);

  // The URL changed (back button, "Clear filters"): show what it says now.
  if (local !== seen) {
    setSeen(local);
    setDraft(local);
  }

  return (
    <Input
      id={id}
      type="datetime-local"
      value={draft}
      onChange={(event) => {
        setDraft(event.target.value);
        onCommit(event.target.value);
      }}
    />
  );
}
