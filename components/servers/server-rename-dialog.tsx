"use client";
// "Rename server". The token stays valid.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Field } from "@/components/ui/field";
import { FormDialog } from "@/components/ui/form-dialog";
import { Input } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { useInvalidateServers } from "@/hooks/use-invalidate-servers";
import { apiFetch, seg } from "@/lib/client/api";
import { formErrors } from "@/lib/client/form-errors";
import type { ServerView } from "@/lib/servers";

export function ServerRenameDialog({ server, onClose }: { server: ServerView; onClose: () => void }) {
  const [name, setName] = useState(server.name);
  const invalidate = useInvalidateServers();
  const toast = useToast();
  const rename = useMutation({
    mutationFn: () => apiFetch<{ server: ServerView }>(`/api/servers/${seg(server.name)}`, { method: "PATCH", json: { name } }),
    onSuccess: ({ server: saved }) => {
      void invalidate();
      toast(`Server renamed to ${saved.name}.`);
      onClose();
    },
  });
  const errors = formErrors(rename.error, ["name"]);
  return (
    <FormDialog
      title={`Rename server ${server.name}`}
      description="Its token keeps working."
      submitLabel="Save"
      onSubmit={() => (name === server.name ? onClose() : rename.mutate())}
      onClose={onClose}
      pending={rename.isPending}
      error={errors.message}
    >
      <Field label="Name" error={errors.fields.name}>
        {(control) => <Input {...control} value={name} onChange={(event) => setName(event.target.value)} autoComplete="off" spellCheck={false} />}
      </Field>
    </FormDialog>
  );
}
