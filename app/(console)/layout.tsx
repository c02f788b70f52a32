// Every console page: signed-in admins and viewers only; the shell shows who and what role.
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { ConsoleShell } from "@/components/shell/console-shell";
import { currentAdmin } from "@/lib/auth";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const actor = await currentAdmin();
  if (!actor) redirect("/login");
  return <ConsoleShell admin={{ name: actor.name, role: actor.role }}>{children}</ConsoleShell>;
}
