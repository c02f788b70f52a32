"use client";
// Confirms "Clear all overrides" of a group or user: every field goes back to inherit.
import { useMutation } from "@tanstack/react-query";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import { apiFetch, errorMessage } from "@/lib/client/api";
import { policyScopePath } from "@/lib/client/query-keys";
import type { ScopePolicyView } from "@/lib/policies";
import { scopeLabel, type PolicyScopeRef } from "@/lib/policy/export";

export interface ClearScopeDialogProps {
  scope: PolicyScopeRef;
  /** Unsaved edits are dropped too: say so. */
  dirty: boolean;
  onClose: () => void;
  onCleared: (view: ScopePolicyView) => void;
}

export function ClearScopeDialog({ scope, dirty, onClose, onCleared }: ClearScopeDialogProps) {
  const toast = useToast();
  const label = scopeLabel(scope);
  const clear = useMutation({
    mutationFn: () => apiFetch<ScopePolicyView>(policyScopePath(scope), { method: "DELETE" }),
    onSuccess: (view) => {
      toast(`All overrides of ${label} cleared.`);
      onCleared(view);
    },
  });
  const parent = scope.scope === "group" ? "DEFAULT" : "their group and DEFAULT";
  return (
    <ConfirmDialog
      title={`Clear all overrides of ${label}?`}
      confirmLabel="Clear all overrides"
      onConfirm={() => clear.mutate()}
      onClose={onClose}
      pending={clear.isPending}
      error={clear.error ? errorMessage(clear.error) : null}
    >
      <p>Every field goes back to inherit from {parent}. The change is recorded and can be reverted from the history.</p>
      {dirty ? <p>Your unsaved changes on this page are discarded too.</p> : null}
    </ConfirmDialog>
  );
}
