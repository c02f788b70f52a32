"use client";
// "Are you sure?" for destructive or disruptive actions. Cancel gets focus first, so a stray
// Enter never confirms. Errors stay in the dialog so the admin sees why nothing happened.
import type { ReactNode } from "react";
import { Alert } from "./alert";
import { Button } from "./button";
import { Dialog } from "./dialog";

export interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  onConfirm: () => void;
  onClose: () => void;
  pending?: boolean;
  error?: string | null;
  destructive?: boolean;
  confirmLabel?: string;
}

export function ConfirmDialog({
  title,
  children,
  onConfirm,
  onClose,
  pending = false,
  error,
  destructive = true,
  confirmLabel = "Confirm",
}: ConfirmDialogProps) {
  return (
    <Dialog
      title={title}
      description={children}
      onClose={onClose}
      busy={pending}
      footer={
        <>
          <Button onClick={onClose} disabled={pending} data-autofocus>
            Cancel
          </Button>
          <Button variant={destructive ? "danger" : "primary"} onClick={onConfirm} loading={pending}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {error ? <Alert>{error}</Alert> : null}
    </Dialog>
  );
}
