"use client";
// "Create token" (the token is handed up to be shown once) and "Revoke" for admin API tokens.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field } from "@/components/ui/field";
import { FormDialog } from "@/components/ui/form-dialog";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useToast } from "@/components/ui/toast";
import { useInvalidateApiTokens } from "@/hooks/use-invalidate-api-tokens";
import type { Role } from "@/lib/actor";
import type { ApiTokenView } from "@/lib/api-tokens";
import { apiFetch, errorMessage, seg } from "@/lib/client/api";
import { formErrors } from "@/lib/client/form-errors";
import { ROLE_OPTIONS, toRole } from "./role-options";

export interface IssuedApiToken {
  token: string;
  apiToken: ApiTokenView;
}

export function TokenCreateDialog({ onIssued, onClose }: { onIssued: (issued: IssuedApiToken) => void; onClose: () => void }) {
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const invalidate = useInvalidateApiTokens();
  const create = useMutation({
    mutationFn: () => apiFetch<IssuedApiToken>("/api/tokens", { method: "POST", json: { name, role } }),
    onSuccess: (issued) => {
      void invalidate();
      onIssued(issued);
    },
  });
  const errors = formErrors(create.error, ["name", "role"]);
  return (
    <FormDialog
      title="Create token"
      description="For scripts and automation calling the admin API."
      submitLabel="Create token"
      onSubmit={() => create.mutate()}
      onClose={onClose}
      pending={create.isPending}
      error={errors.message}
    >
      <Field label="Name" error={errors.fields.name} hint="What uses it, e.g. monitoring or provisioning.">
        {(control) => <Input {...control} value={name} onChange={(event) => setName(event.target.value)} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field label="Role" error={errors.fields.role}>
        {(control) => <Select {...control} value={role} options={ROLE_OPTIONS} onChange={(event) => setRole(toRole(event.target.value))} />}
      </Field>
    </FormDialog>
  );
}

export function TokenRevokeDialog({ token, onClose }: { token: ApiTokenView; onClose: () => void }) {
  const invalidate = useInvalidateApiTokens();
  const toast = useToast();
  const revoke = useMutation({
    mutationFn: () => apiFetch(`/api/tokens/${seg(token.name)}`, { method: "DELETE" }),
    onSuccess: () => {
      void invalidate();
      toast(`Token ${token.name} revoked.`);
      onClose();
    },
  });
  return (
    <ConfirmDialog
      title={`Revoke token ${token.name}?`}
      onConfirm={() => revoke.mutate()}
      onClose={onClose}
      pending={revoke.isPending}
      error={revoke.error ? errorMessage(revoke.error) : null}
    >
      <p>Anything using this token is refused from now on. This cannot be undone.</p>
    </ConfirmDialog>
  );
}
