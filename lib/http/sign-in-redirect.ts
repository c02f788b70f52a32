// Where a signed-out request for a console page goes: the sign-in page, which brings the admin
// back to the page they asked for. The proxy passes the requested path in a request header,
// because a server layout cannot see the URL.

export const REQUEST_PATH_HEADER = "x-console-path";

/** Next's own query parameter on client navigations; not part of the page's address. */
const INTERNAL_PARAMS = ["_rsc"];

/** The requested path with its query, as the proxy hands it to the layout. */
export function requestPath(url: URL): string {
  const search = new URLSearchParams(url.search);
  for (const name of INTERNAL_PARAMS) search.delete(name);
  const query = search.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}

/** The sign-in URL for a signed-out request; only a path on this console is kept. */
export function signInRedirect(path: string | null): string {
  if (!path || !path.startsWith("/") || path.startsWith("//") || path === "/") return "/login";
  return `/login?${new URLSearchParams({ callbackUrl: path }).toString()}`;
}
