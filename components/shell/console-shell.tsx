"use client";
// The frame around every console page: product name, navigation (a sidebar on wide screens, a
// menu on narrow ones), who is signed in, the theme toggle and sign-out.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState, type ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { ToastProvider } from "@/components/ui/toast";
import { RoleProvider, type SignedInAdmin } from "@/hooks/use-role";
import { icons } from "./icons";
import { NavLinks } from "./nav-links";
import { SignOutButton } from "./sign-out-button";
import { ThemeToggle } from "./theme-toggle";
import styles from "./console-shell.module.css";

export function ConsoleShell({ admin, children }: { admin: SignedInAdmin; children: ReactNode }) {
  const [menuOpen, setMenuOpen] = useState(false);
  const pathname = usePathname();
  const [menuPath, setMenuPath] = useState(pathname);

  // Close the narrow-screen menu whenever the page changes (also on back/forward).
  if (pathname !== menuPath) {
    setMenuPath(pathname);
    setMenuOpen(false);
  }

  return (
    <RoleProvider admin={admin}>
      <ToastProvider>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <div className={styles.shell}>
          <aside className={styles.sidebar}>
            <div className={styles.brandRow}>
              <Link href="/current-users" className={styles.brand}>
                {icons.logo}
                <span>Session Console</span>
              </Link>
              <button
                type="button"
                className={`icon-button ${styles.menuButton}`}
                aria-expanded={menuOpen}
                aria-controls="console-nav"
                aria-label="Menu"
                onClick={() => setMenuOpen((open) => !open)}
              >
                {icons.menu}
              </button>
            </div>
            <div id="console-nav" className={styles.navArea} data-open={menuOpen}>
              <nav aria-label="Console">
                <NavLinks onNavigate={() => setMenuOpen(false)} />
              </nav>
              <div className={styles.account}>
                <div className={styles.who}>
                  <span className={styles.whoLabel}>Signed in as</span>
                  <span className={styles.whoName}>
                    <span data-testid="signed-in-name">{admin.name}</span>
                    <Badge tone={admin.role === "viewer" ? "warning" : "info"}>{admin.role}</Badge>
                  </span>
                </div>
                <div className={styles.accountActions}>
                  <ThemeToggle />
                  <SignOutButton />
                </div>
              </div>
            </div>
          </aside>
          <main id="main" className={styles.main} tabIndex={-1}>
            {admin.role === "viewer" ? (
              <p className={styles.viewerNote} role="note">
                You are signed in as a viewer: you can look at everything, but not change it.
              </p>
            ) : null}
            {children}
          </main>
        </div>
      </ToastProvider>
    </RoleProvider>
  );
}
