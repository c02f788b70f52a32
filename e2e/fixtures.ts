// What every spec imports instead of @playwright/test:
// - `page` is signed in as admin (the chromium project loads the setup project's storageState);
// - `api` is a request context that calls the admin API with an admin API token, made once per
//   worker through the signed-in session (POST /api/tokens, as the console's own pages do);
// - `uniqueName(prefix)` names the data a test seeds, so tests never share records.
import { randomBytes } from "node:crypto";
import { test as base, type APIRequestContext } from "@playwright/test";
import { ADMIN_STORAGE_STATE, BASE_URL } from "../playwright.config";

export { expect } from "@playwright/test";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

/** A name no other test uses, valid wherever the console accepts a name (max 64 characters). */
export function uniqueName(prefix: string): string {
  if (!NAME.test(prefix) || prefix.length > 40) {
    throw new Error(`uniqueName: "${prefix}" must be a valid name of at most 40 characters`);
  }
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

interface WorkerFixtures {
  api: APIRequestContext;
}

async function createAdminToken(session: APIRequestContext, name: string): Promise<string> {
  const response = await session.post("/api/tokens", { data: { name, role: "admin" } });
  if (response.status() !== 201) {
    throw new Error(`creating the e2e API token failed: ${response.status()} ${await response.text()}`);
  }
  const body = (await response.json()) as { token?: unknown };
  if (typeof body.token !== "string") throw new Error("POST /api/tokens answered without a token");
  return body.token;
}

export const test = base.extend<object, WorkerFixtures>({
  api: [
    async ({ playwright }, use, workerInfo) => {
      // Cookie-authenticated changes must carry the console's own Origin (see withAdmin).
      const session = await playwright.request.newContext({
        baseURL: BASE_URL,
        storageState: ADMIN_STORAGE_STATE,
        extraHTTPHeaders: { Origin: BASE_URL },
      });
      const name = uniqueName(`e2e-worker${workerInfo.workerIndex}`);
      let token: string;
      try {
        token = await createAdminToken(session, name);
      } finally {
        await session.dispose();
      }
      const api = await playwright.request.newContext({
        baseURL: BASE_URL,
        extraHTTPHeaders: { Authorization: `Bearer ${token}` },
      });
      await use(api);
      await api.delete(`/api/tokens/${encodeURIComponent(name)}`);
      await api.dispose();
    },
    { scope: "worker" },
  ],
});
