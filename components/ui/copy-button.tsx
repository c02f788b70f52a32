"use client";
// Copies a value to the clipboard and says so; falls back to selecting the text for a manual copy.
import { useEffect, useState } from "react";
import { Button } from "./button";

export function CopyButton({ value, targetId }: { value: string; targetId?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = window.setTimeout(() => setState("idle"), 2500);
    return () => window.clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      const target = targetId ? document.getElementById(targetId) : null;
      if (target) window.getSelection()?.selectAllChildren(target);
      setState("failed");
    }
  };

  return (
    <span className="copy">
      <Button size="sm" onClick={copy}>
        Copy
      </Button>
      <span role="status" className="copy-status">
        {state === "copied" ? "Copied" : state === "failed" ? "Selected: press Ctrl+C to copy" : ""}
      </span>
    </span>
  );
}
