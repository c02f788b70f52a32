// Console roles as admins choose them.
import type { Role } from "@/lib/actor";

export const ROLE_OPTIONS = [
  { value: "admin", label: "Admin: can change everything" },
  { value: "viewer", label: "Viewer: can look, not change" },
];

export const toRole = (value: string): Role => (value === "viewer" ? "viewer" : "admin");
