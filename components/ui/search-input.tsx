"use client";
// A text filter that commits after the user pauses typing, so each keystroke is not a request.
import { useEffect, useState } from "react";
import { Input } from "./input";

export const SEARCH_DEBOUNCE_MS = 300;

export interface SearchInputProps {
  id: string;
  value: string;
  onCommit: (value: string) => void;
  placeholder?: string;
  type?: "search" | "text";
  list?: string;
}

export function SearchInput({ id, value, onCommit, placeholder, type = "search", list }: SearchInputProps) {
  const [draft, setDraft] = useState(value);
  const [seen, setSeen] = useState(value);
  const [sent, setSent] = useState(value);

  // `value` changed to something we did not send (back button, "Clear filters"): show it.
  if (value !== seen) {
    setSeen(value);
    if (value !== sent) {
      setSent(value);
      setDraft(value);
    }
  }

  useEffect(() => {
    if (draft === sent) return;
    const timer = window.setTimeout(() => {
      setSent(draft);
      onCommit(draft);
    }, SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [draft, sent, onCommit]);

  return (
    <Input
      id={id}
      type={type}
      value={draft}
      placeholder={placeholder}
      list={list}
      autoComplete="off"
      onChange={(event) => setDraft(event.target.value)}
    />
  );
}
