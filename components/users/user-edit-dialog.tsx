"use client";
// "Edit user": rename, change group, enable or disable. Sends only what changed.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Checkbox } from "@/components/ui/checkbox";
import { Field } from "@/components/ui/field";
import { FormDialog } from "@/components/ui/form-dialog";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useToast } from "@/components/ui/toast";
import { useInvalidateVpnUsers } from "@/hooks/use-invalidate-vpn-users";
import { apiFetch, seg } from "@/lib/client/api";
import { formErrors } from "@/lib/client/form-errors";
import type { GroupView } from "@/lib/groups";
import type { VpnUserView } from "@/lib/vpn-users";
import { groupOptions } from "./group-options";

const FIELDS = ["username", "group", "enabled"] as const;

export function UserEditDialog({ user, groups, onClose }: { user: VpnUserView; groups: GroupView[]; onClose: () => void }) {
  const [username, setUsername] = useState(user.username);
  const [group, setGroup] = useState(user.group ?? "");
  const [enabled, setEnabled] = useState(user.enabled);
  const invalidate = useInvalidateVpnUsers();
  const toast = useToast();

  const changes = {
    ...(username !== user.username ? { username } : {}),
    ...(group !== (user.group ?? "") ? { group: group || null } : {}),
    ...(enabled !== user.enabled ? { enabled } : {}),
  };

  const save = useMutation({
    mutationFn: () => apiFetch<{ user: VpnUserView }>(`/api/vpn-users/${seg(user.username)}`, { method: "PATCH", json: changes }),
    onSuccess: ({ user: saved }) => {
      void invalidate();
      toast(`User ${saved.username} saved.`);
      onClose();
    },
  });
  const errors = formErrors(save.error, FIELDS);

  return (
    <FormDialog
      title={`Edit user ${user.username}`}
      submitLabel="Save"
      onSubmit={() => (Object.keys(changes).length === 0 ? onClose() : save.mutate())}
      onClose={onClose}
      pending={save.isPending}
      error={errors.message}
    >
      <Field label="Username" error={errors.fields.username} hint="Renaming changes what the user types at the VPN login.">
        {(control) => (
          <Input {...control} value={username} onChange={(event) => setUsername(event.target.value)} autoComplete="off" spellCheck={false} />
        )}
      </Field>
      <Field label="Group" error={errors.fields.group}>
        {(control) => (
          <Select {...control} value={group} options={groupOptions(groups, user.group)} onChange={(event) => setGroup(event.target.value)} />
        )}
      </Field>
      <Checkbox label="Enabled" hint="Disabled users cannot log in." checked={enabled} onChange={(event) => setEnabled(event.target.checked)} />
    </FormDialog>
  );
}
