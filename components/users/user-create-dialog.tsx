"use client";
// "New user": username, optional password, group and enabled.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Checkbox } from "@/components/ui/checkbox";
import { Field } from "@/components/ui/field";
import { FormDialog } from "@/components/ui/form-dialog";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useToast } from "@/components/ui/toast";
import { useInvalidateVpnUsers } from "@/hooks/use-invalidate-vpn-users";
import { apiFetch } from "@/lib/client/api";
import { formErrors } from "@/lib/client/form-errors";
import type { GroupView } from "@/lib/groups";
import type { VpnUserView } from "@/lib/vpn-users";
import { groupOptions } from "./group-options";

const FIELDS = ["username", "password", "group", "enabled"] as const;

export function UserCreateDialog({ groups, onClose }: { groups: GroupView[]; onClose: () => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [group, setGroup] = useState("");
  const [enabled, setEnabled] = useState(true);
  const invalidate = useInvalidateVpnUsers();
  const toast = useToast();

  const create = useMutation({
    mutationFn: () =>
      apiFetch<{ user: VpnUserView }>("/api/vpn-users", {
        method: "POST",
        json: { username, ...(password ? { password } : {}), group: group || null, enabled },
      }),
    onSuccess: ({ user }) => {
      void invalidate();
      toast(`User ${user.username} created.`);
      onClose();
    },
  });
  const errors = formErrors(create.error, FIELDS);

  return (
    <FormDialog
      title="New user"
      submitLabel="Create user"
      onSubmit={() => create.mutate()}
      onClose={onClose}
      pending={create.isPending}
      error={errors.message}
    >
      <Field label="Username" error={errors.fields.username} hint="Letters, digits and . _ @ -, as the VPN client will type it.">
        {(control) => (
          <Input {...control} value={username} onChange={(event) => setUsername(event.target.value)} autoComplete="off" spellCheck={false} />
        )}
      </Field>
      <Field label="Password" error={errors.fields.password} hint="At least 8 characters. Leave empty for a user who cannot log in with a password yet.">
        {(control) => (
          <Input {...control} type="password" value={password} onChange={(event) => setPassword(event.target.value)} autoComplete="new-password" />
        )}
      </Field>
      <Field label="Group" error={errors.fields.group}>
        {(control) => <Select {...control} value={group} options={groupOptions(groups)} onChange={(event) => setGroup(event.target.value)} />}
      </Field>
      <Checkbox label="Enabled" hint="Disabled users cannot log in." checked={enabled} onChange={(event) => setEnabled(event.target.checked)} />
    </FormDialog>
  );
}
