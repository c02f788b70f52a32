"use client";
// /users: two tabs, Users and Groups; the open tab is in the URL (?tab=groups).
import { Tabs } from "@/components/ui/tabs";
import { useUrlState } from "@/hooks/use-url-state";
import { GroupsPanel } from "./groups-panel";
import { UsersPanel } from "./users-panel";

const TABS = [
  { key: "users", label: "Users" },
  { key: "groups", label: "Groups" },
] as const;

export function UsersAndGroups() {
  const { params, update } = useUrlState();
  const tab = params.get("tab") === "groups" ? "groups" : "users";
  return (
    <Tabs label="Users and groups" tabs={TABS} selected={tab} onSelect={(key) => update({ tab: key === "users" ? null : key })}>
      {tab === "users" ? <UsersPanel /> : <GroupsPanel />}
    </Tabs>
  );
}
