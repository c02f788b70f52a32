"use client";
// Shows a freshly issued token exactly once. Nothing keeps it: closing the dialog forgets it.
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog } from "@/components/ui/dialog";

export interface OneTimeTokenDialogProps {
  title: string;
  token: string;
  /** Where to put it: e.g. the server's hook configuration. */
  instructions: ReactNode;
  onClose: () => void;
}

export function OneTimeTokenDialog({ title, token, instructions, onClose }: OneTimeTokenDialogProps) {
  return (
    <Dialog
      title={title}
      size="md"
      onClose={onClose}
      description={instructions}
      footer={
        <Button variant="primary" onClick={onClose}>
          Done
        </Button>
      }
    >
      <div className="secret-box">
        <code id="one-time-token" data-testid="one-time-token">
          {token}
        </code>
        <CopyButton value={token} targetId="one-time-token" />
      </div>
    </Dialog>
  );
}
