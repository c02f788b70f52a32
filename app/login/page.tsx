// /login: sign-in for console accounts. Already signed in? Go to the console.
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Suspense } from "react";
import { LoginForm } from "@/components/login/login-form";
import { currentAdmin } from "@/lib/auth";
import styles from "./login.module.css";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage() {
  if (await currentAdmin()) redirect("/");
  return (
    <main className={styles.page}>
      <div className={styles.panel}>
        <div className={styles.brand}>
          <svg viewBox="0 0 24 24" width="28" height="28" fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden="true">
            <path d="M12 3 4 6v6c0 4.5 3.4 8.3 8 9 4.6-.7 8-4.5 8-9V6l-8-3Z" />
            <circle cx="12" cy="11" r="2.5" />
            <path d="M12 13.5V16" />
          </svg>
        </div>
        <h1 className={styles.title}>Session Console</h1>
        <p className={styles.subtitle}>Sign in with your console account.</p>
        <Suspense>
          <LoginForm />
        </Suspense>
      </div>
    </main>
  );
}
