"use client";
// "Change role" and "Reset password" for a console account.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Field } from "@/components/ui/field";
import { FormDialog } from "@/components/ui/form-dialog";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useToast } from "@/components/ui/toast";
import { useInvalidateAdmins } from "@/hooks/use-invalidate-admins";
import { useSignedInAdmin } from "@/hooks/use-role";
import type { Role } from "@/lib/actor";
import type { AdminView } from "@/lib/admins";
import { apiFetch, seg } from "@/lib/client/api";
import { formErrors } from "@/lib/client/form-errors";
import { ROLE_OPTIONS, toRole } from "./role-options";

export function AdminRoleDialog({ admin, onClose }: { admin: AdminView; onClose: () => void }) {
  const [role, setRole] = useState<Role>(admin.role);
  const me = useSignedInAdmin();
  const router = useRouter();
  const invalidate = useInvalidateAdmins();
  const toast = useToast();
  const save = useMutation({
    mutationFn: () => apiFetch<{ admin: AdminView }>(`/api/admins/${seg(admin.username)}`, { method: "PATCH", json: { role } }),
    onSuccess: ({ admin: saved }) => {
      void invalidate();
      toast(`${saved.username} is now ${saved.role === "admin" ? "an admin" : "a viewer"}.`);
      // Our own role is rendered by the server layout; re-render it.
      if (saved.username === me.name) router.refresh();
      onClose();
    },
  });
  const errors = formErrors(save.error, ["role"]);
  return (
    <FormDialog
      title={`Change role of ${admin.username}`}
      submitLabel="Save"
      onSubmit={() => (role === admin.role ? onClose() : save.mutate())}
      onClose={onClose}
      pending={save.isPending}
      error={errors.message}
    >
      <Field label="Role" error={errors.fields.role}>
        {(control) => <Select {...control} value={role} options={ROLE_OPTIONS} onChange={(event) => setRole(toRole(event.target.value))} />}
      </Field>
    </FormDialog>
  );
}

export function AdminPasswordDialog({ admin, onClose }: { admin: AdminView; onClose: () => void }) {
  const [password, setPassword] = useState("");
  const invalidate = useInvalidateAdmins();
  const toast = useToast();
  const save = useMutation({
    mutationFn: () => apiFetch(`/api/admins/${seg(admin.username)}`, { method: "PATCH", json: { password } }),
    onSuccess: () => {
      void invalidate();
      toast(`Password of ${admin.username} reset.`);
      onClose();
    },
  });
  const errors = formErrors(save.error, ["password"]);
  return (
    <FormDialog
      title={`Reset password of ${admin.username}`}
      description="They sign in with the new password from now on."
      submitLabel="Save"
      onSubmit={() => save.mutate()}
      onClose={onClose}
      pending={save.isPending}
      error={errors.message}
    >
      <Field label="New password" error={errors.fields.password} hint="At least 8 characters.">
        {(control) => <Input {...control} type="password" value={password} onChange={(event) => setPassword(event.target.value)} autoComplete="new-password" />}
      </Field>
    </FormDialog>
  );
}
