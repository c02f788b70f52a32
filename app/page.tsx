// /: straight to the live view when signed in, to sign-in otherwise.
import { redirect } from "next/navigation";
import { currentAdmin } from "@/lib/auth";

export default async function Home() {
  const actor = await currentAdmin();
  redirect(actor ? "/current-users" : "/login");
}
