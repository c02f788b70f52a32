"use client";
// "Set password" for a VPN user.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Field } from "@/components/ui/field";
import { FormDialog } from "@/components/ui/form-dialog";
import { Input } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { useInvalidateVpnUsers } from "@/hooks/use-invalidate-vpn-users";
import { apiFetch, seg } from "@/lib/client/api";
import { formErrors } from "@/lib/client/form-errors";
import type { VpnUserView } from "@/lib/vpn-users";

export function UserPasswordDialog({ user, onClose }: { user: VpnUserView; onClose: () => void }) {
  const [password, setPassword] = useState("");
  const invalidate = useInvalidateVpnUsers();
  const toast = useToast();

  const save = useMutation({
    mutationFn: () => apiFetch(`/api/vpn-users/${seg(user.username)}`, { method: "PATCH", json: { password } }),
    onSuccess: () => {
      void invalidate();
      toast(`Password of ${user.username} set.`);
      onClose();
    },
  });
  const errors = formErrors(save.error, ["password"]);

  return (
    <FormDialog
      title={`Set password for ${user.username}`}
      description="The new password works at the user's next login; existing sessions are not ended."
      submitLabel="Save"
      onSubmit={() => save.mutate()}
      onClose={onClose}
      pending={save.isPending}
      error={errors.message}
    >
      <Field label="New password" error={errors.fields.password} hint="At least 8 characters.">
        {(control) => (
          <Input {...control} type="password" value={password} onChange={(event) => setPassword(event.target.value)} autoComplete="new-password" />
        )}
      </Field>
    </FormDialog>
  );
}
