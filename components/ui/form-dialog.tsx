"use client";
// A dialog holding a form: Cancel and a submit button, a form-level error above the fields.
import type { ReactNode } from "react";
import { Alert } from "./alert";
import { Button } from "./button";
import { Dialog } from "./dialog";

export interface FormDialogProps {
  title: string;
  description?: ReactNode;
  submitLabel: string;
  onSubmit: () => void;
  onClose: () => void;
  pending: boolean;
  error: string | null;
  children: ReactNode;
}

export function FormDialog({ title, description, submitLabel, onSubmit, onClose, pending, error, children }: FormDialogProps) {
  return (
    <Dialog
      title={title}
      description={description}
      onClose={onClose}
      onSubmit={onSubmit}
      busy={pending}
      footer={
        <>
          <Button onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={pending}>
            {submitLabel}
          </Button>
        </>
      }
    >
      {error ? <Alert>{error}</Alert> : null}
      <div className="form-stack">{children}</div>
    </Dialog>
  );
}
