// The management client against a real OpenVPN daemon's management interface on loopback TCP
// with a password. The daemon runs with --dev null and --management-hold, so it needs no network
// namespace and never opens a tunnel.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManagementConnection } from "./management";

const available = spawnSync("sh", ["-c", "command -v openvpn"]).status === 0;
const PORT = Number(process.env.AGENT_MANAGEMENT_TEST_PORT ?? 3262);

describe.skipIf(!available)("ManagementConnection against OpenVPN (tcp, password)", () => {
  let dir: string;
  let daemon: ChildProcess;
  const target = { kind: "tcp", host: "127.0.0.1", port: PORT } as const;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "scva-mgmt-"));
    writeFileSync(path.join(dir, "password"), "management-secret\n");
    spawnSync("openvpn", ["--genkey", "secret", path.join(dir, "static.key")]);
    daemon = spawn(
      "openvpn",
      ["--dev", "null", "--secret", path.join(dir, "static.key"), "--remote", "127.0.0.1", "1", "--proto", "udp",
        "--management", "127.0.0.1", String(PORT), path.join(dir, "password"), "--management-hold", "--verb", "1"],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 100; i++) {
      const probe = await ManagementConnection.open(target, { password: "wrong", onNotification: () => {} }).then(
        () => "open",
        (error: Error) => error.message,
      );
      if (!/ECONNREFUSED/.test(probe)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 20_000);

  afterAll(() => {
    daemon?.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  it("logs in with the password, hears notifications and runs commands", async () => {
    const notifications: string[] = [];
    const connection = await ManagementConnection.open(target, { password: "management-secret", onNotification: (line) => notifications.push(line) });
    expect(await connection.command("bytecount 5")).toEqual(["SUCCESS: bytecount interval changed"]);
    await expect(connection.command("status 3", true)).rejects.toThrow(/^status: .*not supported/);
    expect(notifications).toContain(">HOLD:Waiting for hold release:0");
    connection.close();
  });

  it("refuses a wrong or missing password with a clear error", async () => {
    await expect(ManagementConnection.open(target, { password: "nope", onNotification: () => {} })).rejects.toThrow(
      "the management interface refused the password",
    );
    await expect(ManagementConnection.open(target, { onNotification: () => {} })).rejects.toThrow("pass --management-password-file");
  });
});
