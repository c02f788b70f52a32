"use client";
// Filters, sort and page live in the URL so views can be shared, bookmarked and reloaded.
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback } from "react";

export type UrlChanges = Record<string, string | number | null | undefined>;

export function useUrlState() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();

  const update = useCallback(
    (changes: UrlChanges) => {
      // Read the live URL, not the render's params: debounced callers may fire after other updates.
      const next = new URLSearchParams(window.location.search);
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined || value === null || value === "") next.delete(key);
        else next.set(key, String(value));
      }
      const query = next.toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [router, pathname],
  );

  return { params, update };
}

/** A query-string value restricted to a known set. */
export function enumParam<T extends string>(params: URLSearchParams, key: string, allowed: readonly T[]): T | undefined {
  const value = params.get(key);
  return allowed.find((candidate) => candidate === value);
}

/** A positive integer query-string value, or the fallback. */
export function intParam(params: URLSearchParams, key: string, fallback: number, max = 1_000_000): number {
  const value = Number(params.get(key));
  return Number.isInteger(value) && value >= 1 && value <= max ? value : fallback;
}

export function textParam(params: URLSearchParams, key: string): string | undefined {
  const value = params.get(key)?.trim();
  return value ? value : undefined;
}
