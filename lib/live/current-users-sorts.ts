// The sort keys of Current Users, free of database imports so the browser bundle can use them.
export const CURRENT_USERS_SORTS = ["user", "server", "connectedAt", "bytesIn", "bytesOut", "rate", "window"] as const;
export type CurrentUsersSort = (typeof CURRENT_USERS_SORTS)[number];
