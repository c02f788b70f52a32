"use client";
// The console's areas, in the order admins work through them. aria-current marks where you are.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { icons } from "./icons";

export const NAV_ITEMS = [
  { href: "/current-users", label: "Current Users", icon: icons.currentUsers },
  { href: "/sessions", label: "Sessions", icon: icons.sessions },
  { href: "/policies", label: "Policies", icon: icons.policies },
  { href: "/users", label: "Users & Groups", icon: icons.users },
  { href: "/servers", label: "Servers", icon: icons.servers },
  { href: "/audit", label: "Audit", icon: icons.audit },
  { href: "/settings", label: "Settings", icon: icons.settings },
  { href: "/docs", label: "Docs", icon: icons.docs },
] as const;

export function NavLinks({ onNavigate }: { onNavigate?: () => void }) {
  const pathname = usePathname();
  return (
    <ul className="nav-list">
      {NAV_ITEMS.map((item) => {
        const current = pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <li key={item.href}>
            <Link
              href={item.href}
              className="nav-link"
              aria-current={current ? "page" : undefined}
              onClick={onNavigate}
            >
              {item.icon}
              <span>{item.label}</span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
