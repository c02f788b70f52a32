"use client";
// /users: tabs for Users, Groups and Lockouts; the open tab is in the URL (?tab=groups).
import { Tabs } from "@/components/ui/tabs";
import { useUrlState } from "@/hooks/use-url-state";
import { GroupsPanel } from "./groups-panel";
import { LockoutsPanel } from "./lockouts-panel";
import { UsersPanel } from "./users-panel";

const TABS = [
  { key: "users", label: "Users" },
  { key: "groups", label: "Groups" },
  { key: "lockouts", label: "Lockouts" },
] as const;

type TabKey = (typeof TABS)[number]["key"];

const isTab = (value: string | null): value is TabKey => TABS.some((tab) => tab.key === value);

export function UsersAndGroups() {
  const { params, update } = useUrlState();
  const requested = params.get("tab");
  const tab: TabKey = isTab(requested) ? requested : "users";
  return (
    <Tabs label="Users and groups" tabs={TABS} selected={tab} onSelect={(key) => update({ tab: key === "users" ? null : key })}>
      {tab === "users" ? <UsersPanel /> : tab === "groups" ? <GroupsPanel /> : <LockoutsPanel />}
    </Tabs>
  );
}
