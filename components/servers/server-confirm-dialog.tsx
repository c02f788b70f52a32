"use client";
// Confirmations for the disruptive server actions: rotate or revoke the token, delete the server.
import { useMutation } from "@tanstack/react-query";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import { useInvalidateServers } from "@/hooks/use-invalidate-servers";
import { apiFetch, errorMessage, seg } from "@/lib/client/api";
import type { ServerView } from "@/lib/servers";
import type { IssuedToken } from "./server-register-dialog";

export type ServerConfirmKind = "rotate" | "revoke" | "delete";

const COPY: Record<ServerConfirmKind, { title: (name: string) => string; body: (server: ServerView) => string }> = {
  rotate: {
    title: (name) => `Rotate the token of ${name}?`,
    body: (server) =>
      server.hasToken
        ? "A new token is issued and shown once. The old token stops working at once: the server's hooks fail until you put the new token in its configuration."
        : "A new token is issued and shown once. Put it in the server's hook configuration.",
  },
  revoke: {
    title: (name) => `Revoke the token of ${name}?`,
    body: () =>
      "The token stops working at once: every hook call from this server is refused until you rotate to a new token.",
  },
  delete: {
    title: (name) => `Delete server ${name}?`,
    body: () => "Its token stops working at once and the server disappears from the console. This cannot be undone.",
  },
};

export interface ServerConfirmDialogProps {
  kind: ServerConfirmKind;
  server: ServerView;
  onIssued: (issued: IssuedToken) => void;
  onClose: () => void;
}

export function ServerConfirmDialog({ kind, server, onIssued, onClose }: ServerConfirmDialogProps) {
  const invalidate = useInvalidateServers();
  const toast = useToast();
  const path = `/api/servers/${seg(server.name)}`;

  const action = useMutation({
    mutationFn: async (): Promise<IssuedToken | null> => {
      if (kind === "rotate") return apiFetch<IssuedToken>(`${path}/rotate-token`, { method: "POST" });
      if (kind === "revoke") await apiFetch(`${path}/revoke-token`, { method: "POST" });
      else await apiFetch(path, { method: "DELETE" });
      return null;
    },
    onSuccess: (issued) => {
      void invalidate();
      if (issued) {
        onIssued(issued);
        return;
      }
      toast(kind === "revoke" ? `Token of ${server.name} revoked.` : `Server ${server.name} deleted.`);
      onClose();
    },
  });

  const copy = COPY[kind];
  return (
    <ConfirmDialog
      title={copy.title(server.name)}
      onConfirm={() => action.mutate()}
      onClose={onClose}
      pending={action.isPending}
      error={action.error ? errorMessage(action.error) : null}
      destructive={kind !== "rotate" || server.hasToken}
    >
      <p>{copy.body(server)}</p>
    </ConfirmDialog>
  );
}
