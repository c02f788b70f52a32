// What a console instance does once when it starts: bring the database schema up to date and
// make sure someone can sign in.
import { systemActor } from "./actor";
import { ensureInitialAdmin } from "./admins";
import { databaseProvider, databaseUrl } from "./config";
import type { Db } from "./db";
import { lockoutLimits } from "./lockout";
import { migrate } from "./migrate";

export async function bootstrap(db: Db, log: (line: string) => void = console.log): Promise<void> {
  // A malformed LOCKOUT_* setting stops the start instead of failing every login later.
  lockoutLimits();
  const url = databaseUrl();
  const applied = await migrate(url);
  const provider = databaseProvider(url);
  log(
    applied.length > 0
      ? `database (${provider}): applied ${applied.length} migration(s): ${applied.join(", ")}`
      : `database (${provider}): schema up to date`,
  );
  const admin = await ensureInitialAdmin(db, systemActor, process.env.ADMIN_PASSWORD);
  if (admin.created && admin.generated) {
    log("");
    log("  First start: created the admin account.");
    log("    username: admin");
    log(`    password: ${admin.password}`);
    log("  This password is shown only now. Change it with: npm run cli -- admin reset-password admin");
    log("");
  } else if (admin.created) {
    log("first start: created the admin account \"admin\" with the password from ADMIN_PASSWORD");
  }
}
