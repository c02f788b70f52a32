// Generates the Prisma clients for both databases (offline: JavaScript engine, no downloads).
import { execFileSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
for (const provider of ["sqlite", "postgresql"]) {
  execFileSync(
    path.join(root, "node_modules", ".bin", "prisma"),
    ["generate", "--config", path.join(root, "prisma", provider, "prisma.config.ts")],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" } },
  );
}
console.log("generated Prisma clients for sqlite and postgresql");
