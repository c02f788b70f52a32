"use client";
// Disconnect and Invalidate buttons for a session, a user, a group or a selection, each opening
// its confirmation. Viewers see none (the server refuses them anyway).
import { useState } from "react";
import { createPortal } from "react-dom";
import { Button } from "@/components/ui/button";
import { useCanChange } from "@/hooks/use-role";
import type { SessionAction, SessionTarget } from "@/lib/sessions/control";
import { SessionActionDialog } from "./session-action-dialog";

export interface SessionActionsProps {
  target: SessionTarget;
  username?: string;
  size?: "sm" | "md";
  /** Words after the verb on the buttons, e.g. "sessions" for a user's row. */
  noun?: string;
  disabled?: boolean;
  onDone?: () => void;
}

export function SessionActions({ target, username, size = "md", noun, disabled, onDone }: SessionActionsProps) {
  const canChange = useCanChange();
  const [open, setOpen] = useState<SessionAction | null>(null);
  if (!canChange) return null;
  const label = (verb: string) => (noun ? `${verb} ${noun}` : verb);
  return (
    <>
      <Button size={size} variant={size === "sm" ? "ghost" : "secondary"} disabled={disabled} onClick={() => setOpen("disconnect")}>
        {label("Disconnect")}
      </Button>
      <Button
        size={size}
        variant={size === "sm" ? "ghost" : "danger"}
        className={size === "sm" ? "btn-link-danger" : undefined}
        disabled={disabled}
        onClick={() => setOpen("invalidate")}
      >
        {label("Invalidate")}
      </Button>
      {/* In the body, so a table cell's alignment and wrapping do not reach the dialog. */}
      {open
        ? createPortal(
            <SessionActionDialog action={open} target={target} username={username} onClose={() => setOpen(null)} onDone={onDone} />,
            document.body,
          )
        : null}
    </>
  );
}
