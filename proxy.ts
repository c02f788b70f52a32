// Console pages: hands the requested path to the server layout (see lib/http/sign-in-redirect.ts),
// so that signing in after a redirect returns to that page. Authentication stays in the layout.
import { NextResponse, type NextRequest } from "next/server";
import { REQUEST_PATH_HEADER, requestPath } from "@/lib/http/sign-in-redirect";

export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set(REQUEST_PATH_HEADER, requestPath(request.nextUrl));
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Pages only: not the admin API, sign-in, or static assets.
  matcher: ["/((?!api/|_next/|login|favicon\\.ico).*)"],
};
