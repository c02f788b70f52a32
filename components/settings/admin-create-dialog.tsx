"use client";
// "New account": a console admin or viewer.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Field } from "@/components/ui/field";
import { FormDialog } from "@/components/ui/form-dialog";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useToast } from "@/components/ui/toast";
import { useInvalidateAdmins } from "@/hooks/use-invalidate-admins";
import type { Role } from "@/lib/actor";
import type { AdminView } from "@/lib/admins";
import { apiFetch } from "@/lib/client/api";
import { formErrors } from "@/lib/client/form-errors";
import { ROLE_OPTIONS, toRole } from "./role-options";

export function AdminCreateDialog({ onClose }: { onClose: () => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const invalidate = useInvalidateAdmins();
  const toast = useToast();
  const create = useMutation({
    mutationFn: () => apiFetch<{ admin: AdminView }>("/api/admins", { method: "POST", json: { username, password, role } }),
    onSuccess: ({ admin }) => {
      void invalidate();
      toast(`Account ${admin.username} created.`);
      onClose();
    },
  });
  const errors = formErrors(create.error, ["username", "password", "role"]);
  return (
    <FormDialog
      title="New account"
      description="A console account for a colleague. Share the password with them another way."
      submitLabel="Create account"
      onSubmit={() => create.mutate()}
      onClose={onClose}
      pending={create.isPending}
      error={errors.message}
    >
      <Field label="Username" error={errors.fields.username}>
        {(control) => <Input {...control} value={username} onChange={(event) => setUsername(event.target.value)} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field label="Password" error={errors.fields.password} hint="At least 8 characters.">
        {(control) => <Input {...control} type="password" value={password} onChange={(event) => setPassword(event.target.value)} autoComplete="new-password" />}
      </Field>
      <Field label="Role" error={errors.fields.role}>
        {(control) => <Select {...control} value={role} options={ROLE_OPTIONS} onChange={(event) => setRole(toRole(event.target.value))} />}
      </Field>
    </FormDialog>
  );
}
