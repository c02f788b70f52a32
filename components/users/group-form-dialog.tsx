"use client";
// "New group" and "Edit group": name and description. Editing sends only what changed.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Field } from "@/components/ui/field";
import { FormDialog } from "@/components/ui/form-dialog";
import { Input, Textarea } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast";
import { useInvalidateGroups } from "@/hooks/use-invalidate-groups";
import { apiFetch, seg } from "@/lib/client/api";
import { formErrors } from "@/lib/client/form-errors";
import type { GroupView } from "@/lib/groups";

const FIELDS = ["name", "description"] as const;

/** Without `group` it creates one. */
export function GroupFormDialog({ group, onClose }: { group?: GroupView; onClose: () => void }) {
  const [name, setName] = useState(group?.name ?? "");
  const [description, setDescription] = useState(group?.description ?? "");
  const invalidate = useInvalidateGroups();
  const toast = useToast();

  const changes = group
    ? {
        ...(name !== group.name ? { name } : {}),
        ...(description !== group.description ? { description } : {}),
      }
    : { name, description };

  const save = useMutation({
    mutationFn: () =>
      group
        ? apiFetch<{ group: GroupView }>(`/api/groups/${seg(group.name)}`, { method: "PATCH", json: changes })
        : apiFetch<{ group: GroupView }>("/api/groups", { method: "POST", json: changes }),
    onSuccess: ({ group: saved }) => {
      void invalidate();
      toast(group ? `Group ${saved.name} saved.` : `Group ${saved.name} created.`);
      onClose();
    },
  });
  const errors = formErrors(save.error, FIELDS);

  return (
    <FormDialog
      title={group ? `Edit group ${group.name}` : "New group"}
      submitLabel={group ? "Save" : "Create group"}
      onSubmit={() => (group && Object.keys(changes).length === 0 ? onClose() : save.mutate())}
      onClose={onClose}
      pending={save.isPending}
      error={errors.message}
    >
      <Field label="Name" error={errors.fields.name} hint="Letters, digits and . _ @ -.">
        {(control) => <Input {...control} value={name} onChange={(event) => setName(event.target.value)} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field label="Description" error={errors.fields.description} hint="Optional: who is in it and why.">
        {(control) => <Textarea {...control} value={description} maxLength={500} onChange={(event) => setDescription(event.target.value)} />}
      </Field>
    </FormDialog>
  );
}
