"use client";
// The Users tab: filters, one server-side page of users, and the dialogs for their actions.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Pagination } from "@/components/ui/pagination";
import { useToast } from "@/components/ui/toast";
import { useInvalidateVpnUsers } from "@/hooks/use-invalidate-vpn-users";
import { useCanChange } from "@/hooks/use-role";
import { useUrlState } from "@/hooks/use-url-state";
import { apiFetch, errorMessage, seg } from "@/lib/client/api";
import { groupQueries, vpnUserQueries } from "@/lib/client/query-keys";
import type { VpnUserView } from "@/lib/vpn-users";
import { UserCreateDialog } from "./user-create-dialog";
import { UserDeleteDialog } from "./user-delete-dialog";
import { UserEditDialog } from "./user-edit-dialog";
import { hasUserFilters, parseUserFilters } from "./user-filters";
import { UserPasswordDialog } from "./user-password-dialog";
import { UsersFilters } from "./users-filters";
import { UsersTable, type UserRowAction } from "./users-table";

type OpenDialog = { kind: "create" } | { kind: "edit" | "password" | "delete"; user: VpnUserView } | null;

export function UsersPanel() {
  const { params, update } = useUrlState();
  const filters = parseUserFilters(params);
  const canChange = useCanChange();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const invalidate = useInvalidateVpnUsers();
  const toast = useToast();

  const users = useQuery({ ...vpnUserQueries.list(filters), placeholderData: (previous) => previous });
  const groups = useQuery(groupQueries.list());
  const groupList = groups.data?.groups ?? [];

  const toggle = useMutation({
    mutationFn: (user: VpnUserView) =>
      apiFetch<{ user: VpnUserView }>(`/api/vpn-users/${seg(user.username)}`, { method: "PATCH", json: { enabled: !user.enabled } }),
    onSuccess: ({ user }) => {
      void invalidate();
      toast(`User ${user.username} ${user.enabled ? "enabled" : "disabled"}.`);
    },
    onError: (error) => toast(errorMessage(error), "danger"),
  });

  // After deletions or a narrower filter the page may lie past the end: go to the last one.
  const total = users.data?.total;
  useEffect(() => {
    if (total === undefined || users.isPlaceholderData) return;
    const last = Math.max(1, Math.ceil(total / filters.pageSize));
    if (filters.page > last) update({ page: last === 1 ? null : last });
  }, [total, filters.page, filters.pageSize, users.isPlaceholderData, update]);

  const onAction = (action: UserRowAction, user: VpnUserView) => {
    if (action === "toggle") toggle.mutate(user);
    else setDialog({ kind: action, user });
  };

  const close = () => setDialog(null);
  const rows = users.data?.users;
  const empty = rows !== undefined && rows.length === 0;

  const clearFilters = () => update({ q: null, group: null, enabled: null, page: null });

  return (
    <div>
      <div className="toolbar">
        <UsersFilters
          search={params.get("q") ?? ""}
          group={filters.group ?? ""}
          enabled={filters.enabled ?? ""}
          groups={groupList}
          onChange={update}
        />
        <Button
          variant="primary"
          onClick={() => setDialog({ kind: "create" })}
          disabled={!canChange}
          title={canChange ? undefined : "Viewers cannot change anything"}
        >
          New user
        </Button>
      </div>
      {users.isError ? (
        <Alert title="Users could not be loaded">
          {errorMessage(users.error)}{" "}
          <Button size="sm" onClick={() => void users.refetch()}>
            Retry
          </Button>
        </Alert>
      ) : empty && hasUserFilters(filters) ? (
        <EmptyState title="No users match these filters" action={<Button onClick={clearFilters}>Clear filters</Button>} />
      ) : empty ? (
        <EmptyState title="No VPN users yet">
          <p>Create the people who may log in to your VPN servers, then put them in groups to share a policy.</p>
        </EmptyState>
      ) : (
        <>
          <UsersTable
            users={rows}
            sort={filters.sort}
            dir={filters.dir}
            onSort={(sort, dir) => update({ sort, dir, page: null })}
            canChange={canChange}
            busy={users.isPlaceholderData}
            loading={users.isPending}
            onAction={onAction}
          />
          {users.data ? (
            <Pagination
              page={filters.page}
              pageSize={filters.pageSize}
              total={users.data.total}
              noun="users"
              onPage={(page) => update({ page: page === 1 ? null : page })}
              onPageSize={(pageSize) => update({ pageSize, page: null })}
            />
          ) : null}
        </>
      )}
      {dialog?.kind === "create" ? <UserCreateDialog groups={groupList} onClose={close} /> : null}
      {dialog?.kind === "edit" ? <UserEditDialog user={dialog.user} groups={groupList} onClose={close} /> : null}
      {dialog?.kind === "password" ? <UserPasswordDialog user={dialog.user} onClose={close} /> : null}
      {dialog?.kind === "delete" ? <UserDeleteDialog user={dialog.user} onClose={close} /> : null}
    </div>
  );
}
