// The guides keep up with the code: every admin API route and method under app/api has a section
// in docs/api.md, every CLI command in scripts/cli.ts a row in docs/cli.md, and every environment
// variable the console reads a row in the README, so a new one cannot ship undocumented.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..", "..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

/** "METHOD /api/path" for every route handler under app/api, except next-auth and the hook API. */
function routesInCode(): string[] {
  const apiDir = path.join(root, "app", "api");
  const routes: string[] = [];
  for (const entry of readdirSync(apiDir, { recursive: true, encoding: "utf8" })) {
    if (path.basename(entry) !== "route.ts") continue;
    const route = `/api/${path.dirname(entry)}`.replace(/\[([^\]]+)\]/g, ":$1");
    if (route.startsWith("/api/auth") || route.startsWith("/api/hooks")) continue;
    const source = readFileSync(path.join(apiDir, entry), "utf8");
    for (const match of source.matchAll(/^export const (GET|POST|PUT|PATCH|DELETE)\b/gm)) routes.push(`${match[1]} ${route}`);
  }
  return routes.sort();
}

/** "METHOD /api/path" for every `METHOD[|METHOD] /api/path` in a heading of docs/api.md. */
function routesInDocs(): string[] {
  const routes: string[] = [];
  for (const heading of read("docs/api.md").matchAll(/^#{2,4} (.*)$/gm)) {
    for (const code of (heading[1] ?? "").matchAll(/`([A-Z|]+) (\/api\/[^`\s]*)`/g)) {
      for (const method of (code[1] ?? "").split("|")) routes.push(`${method} ${code[2]}`);
    }
  }
  return [...new Set(routes)].sort();
}

describe("the guides cover the code", () => {
  it("docs/api.md has a section for every admin API route and method, and none that does not exist", () => {
    const inCode = routesInCode();
    expect(inCode.length).toBeGreaterThan(30);
    expect(routesInDocs()).toEqual(inCode);
  });

  it("docs/cli.md documents every command of scripts/cli.ts", () => {
    const commands = [...read("scripts/cli.ts").matchAll(/^\s+case "([a-z-]+ [a-z-]+)":/gm)].map((m) => m[1]);
    expect(commands.length).toBeGreaterThan(10);
    const doc = read("docs/cli.md");
    for (const command of commands) expect(doc, command).toContain(`| \`${command}`);
  });

  it("the README documents every environment variable the console and its scripts read", () => {
    const sources = ["server.ts", "scripts/start.mjs", "lib/config.ts", "lib/db.ts", "lib/bootstrap.ts", "lib/auth.ts", "lib/actor.ts"];
    const names = new Set(sources.flatMap((file) => [...read(file).matchAll(/process\.env\.([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1])));
    const readme = read("README.md");
    for (const name of names) {
      if (name === "NODE_ENV" || name === "NEXT_TELEMETRY_DISABLED") continue; // npm start sets these itself
      expect(readme, name).toContain(`\`${name}\``);
    }
  });
});
