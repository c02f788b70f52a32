"use client";
// "Register server": name and kind. The answer carries the server's token, handed up to be shown once.
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Field } from "@/components/ui/field";
import { FormDialog } from "@/components/ui/form-dialog";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useInvalidateServers } from "@/hooks/use-invalidate-servers";
import { apiFetch } from "@/lib/client/api";
import { formErrors } from "@/lib/client/form-errors";
import type { ServerKind, ServerView } from "@/lib/servers";
import { KIND_OPTIONS } from "./server-kinds";

export interface IssuedToken {
  token: string;
  server: ServerView;
}

export function ServerRegisterDialog({ onIssued, onClose }: { onIssued: (issued: IssuedToken) => void; onClose: () => void }) {
  const [name, setName] = useState("");
  const [kind, setKind] = useState<ServerKind>("openvpn");
  const invalidate = useInvalidateServers();

  const register = useMutation({
    mutationFn: () => apiFetch<IssuedToken>("/api/servers", { method: "POST", json: { name, kind } }),
    onSuccess: (issued) => {
      void invalidate();
      onIssued(issued);
    },
  });
  const errors = formErrors(register.error, ["name", "kind"]);

  return (
    <FormDialog
      title="Register server"
      description="Each VPN server gets its own token for calling the console's hooks."
      submitLabel="Register"
      onSubmit={() => register.mutate()}
      onClose={onClose}
      pending={register.isPending}
      error={errors.message}
    >
      <Field label="Name" error={errors.fields.name} hint="How admins will recognise it, e.g. vpn-ams-1.">
        {(control) => <Input {...control} value={name} onChange={(event) => setName(event.target.value)} autoComplete="off" spellCheck={false} />}
      </Field>
      <Field label="Kind" error={errors.fields.kind}>
        {(control) => (
          <Select
            {...control}
            value={kind}
            options={KIND_OPTIONS}
            onChange={(event) => setKind(event.target.value === "ocserv" ? "ocserv" : "openvpn")}
          />
        )}
      </Field>
    </FormDialog>
  );
}
