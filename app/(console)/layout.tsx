// Every console page: signed-in admins and viewers only; the shell shows who and what role.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { ConsoleShell } from "@/components/shell/console-shell";
import { currentAdmin } from "@/lib/auth";
import { REQUEST_PATH_HEADER, signInRedirect } from "@/lib/http/sign-in-redirect";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const actor = await currentAdmin();
  if (!actor) redirect(signInRedirect((await headers()).get(REQUEST_PATH_HEADER)));
  return <ConsoleShell admin={{ name: actor.name, role: actor.role }}>{children}</ConsoleShell>;
}
