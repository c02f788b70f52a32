// The one QueryClient factory. Sends the browser to sign-in when the session has expired.
import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { ApiError } from "./api";

/** Lists change only when someone edits them; a short stale time avoids refetch storms on focus. */
export const DEFAULT_STALE_TIME_MS = 15_000;

function onUnauthorized(error: unknown) {
  if (!(error instanceof ApiError) || error.status !== 401 || typeof window === "undefined") return;
  const back = window.location.pathname + window.location.search;
  // A full page load, not router.push: it also drops every cached query of the ended session.
  const login = new URL("/login", window.location.origin);
  login.searchParams.set("callbackUrl", back);
  window.location.assign(login.href);
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: onUnauthorized }),
    mutationCache: new MutationCache({ onError: onUnauthorized }),
    defaultOptions: {
      queries: {
        staleTime: DEFAULT_STALE_TIME_MS,
        // A 4xx will not get better by asking again; network blips might.
        retry: (failures, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      },
      mutations: { retry: false },
    },
  });
}
