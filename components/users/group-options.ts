// Options for choosing a user's group; "" stands for no group.
import type { SelectOption } from "@/components/ui/select";
import type { GroupView } from "@/lib/groups";

export const groupOptions = (groups: GroupView[], current?: string | null): SelectOption[] => [
  { value: "", label: "No group" },
  ...groups.map((group) => ({ value: group.name, label: group.name })),
  ...(current && !groups.some((group) => group.name === current) ? [{ value: current, label: current }] : []),
];
