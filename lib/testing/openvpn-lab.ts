// A real OpenVPN 2.6 server and client for tests, each in its own network namespace joined by a
// veth pair. The server's management interface is a unix socket on the shared filesystem, so a
// test in the root namespace can talk to it. Needs root, `ip` and Debian's openvpn and openssl;
// `openVpnLabAvailable()` says whether this machine has them.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface OpenVpnLab {
  dir: string;
  managementSocket: string;
  /** Where the client-connect script writes "untrusted_ip untrusted_port username" per connect. */
  connectLog: string;
  serverVpnIp: string;
  startServer: () => void;
  /** Stops the server and waits until the process is gone (it lingers to notify clients). */
  stopServer: () => Promise<void>;
  startClient: () => void;
  /** Runs a command in the client's namespace. */
  inClient: (command: string[]) => string;
  teardown: () => void;
}

const run = (command: string, args: string[]) => execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

export function openVpnLabAvailable(): boolean {
  if (process.getuid?.() !== 0 || !existsSync("/dev/net/tun")) return false;
  return ["openvpn", "openssl", "ip"].every((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0);
}

function pidFrom(file: string): number | null {
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends SIGTERM to the process in a pid file; returns its pid, or null when there was none. */
function killPidFile(file: string): number | null {
  const pid = pidFrom(file);
  if (pid === null) return null;
  if (alive(pid)) process.kill(pid, "SIGTERM");
  rmSync(file, { force: true });
  return pid;
}

async function killAndWait(file: string): Promise<void> {
  const pid = killPidFile(file);
  for (let waited = 0; pid !== null && alive(pid) && waited < 15_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `tag` keeps names apart when several labs run at once: namespaces scva<tag>s / scva<tag>c. */
export function createOpenVpnLab(tag: string): OpenVpnLab {
  const dir = mkdtempSync(path.join(os.tmpdir(), `scva${tag}-`));
  const serverNs = `scva${tag}s`;
  const clientNs = `scva${tag}c`;
  const serverLink = `scva${tag}0`;
  const clientLink = `scva${tag}1`;
  const file = (name: string) => path.join(dir, name);

  run("ip", ["netns", "add", serverNs]);
  run("ip", ["netns", "add", clientNs]);
  run("ip", ["link", "add", serverLink, "type", "veth", "peer", "name", clientLink]);
  run("ip", ["link", "set", serverLink, "netns", serverNs]);
  run("ip", ["link", "set", clientLink, "netns", clientNs]);
  run("ip", ["-n", serverNs, "addr", "add", "10.213.7.1/30", "dev", serverLink]);
  run("ip", ["-n", clientNs, "addr", "add", "10.213.7.2/30", "dev", clientLink]);
  for (const [ns, link] of [[serverNs, serverLink], [clientNs, clientLink]] as const) {
    run("ip", ["-n", ns, "link", "set", link, "up"]);
    run("ip", ["-n", ns, "link", "set", "lo", "up"]);
  }

  const openssl = (args: string[]) => run("openssl", args);
  openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=scva test CA", "-keyout", file("ca.key"), "-out", file("ca.crt")]);
  openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=scva server", "-keyout", file("server.key"), "-out", file("server.csr")]);
  writeFileSync(file("server.ext"), "extendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyAgreement\n");
  openssl(["x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial", "-days", "2", "-extfile", file("server.ext"), "-out", file("server.crt")]);

  const connectLog = file("connects.log");
  writeFileSync(file("verify.sh"), "#!/bin/sh\nexit 0\n");
  writeFileSync(file("connect.sh"), `#!/bin/sh\necho "$untrusted_ip $untrusted_port $username" >> ${connectLog}\nexit 0\n`);
  chmodSync(file("verify.sh"), 0o755);
  chmodSync(file("connect.sh"), 0o755);
  writeFileSync(file("pass.txt"), "labuser\nlab-password\n");
  const managementSocket = file("management.sock");
  writeFileSync(
    file("server.conf"),
    [
      "mode server",
      "tls-server",
      "proto udp",
      "local 10.213.7.1",
      "port 1194",
      "dev tun",
      "topology subnet",
      "server 10.213.8.0 255.255.255.0",
      `ca ${file("ca.crt")}`,
      `cert ${file("server.crt")}`,
      `key ${file("server.key")}`,
      "dh none",
      "verify-client-cert none",
      "username-as-common-name",
      "script-security 2",
      `auth-user-pass-verify ${file("verify.sh")} via-file`,
      `client-connect ${file("connect.sh")}`,
      `management ${managementSocket} unix`,
      "keepalive 10 60",
      // Tells clients to reconnect when the server stops, as a restart test needs.
      "explicit-exit-notify 1",
      `log ${file("server.log")}`,
      "verb 3",
    ].join("\n") + "\n",
  );
  writeFileSync(
    file("client.conf"),
    [
      "client",
      "proto udp",
      "remote 10.213.7.1 1194",
      "dev tun",
      "nobind",
      `ca ${file("ca.crt")}`,
      `auth-user-pass ${file("pass.txt")}`,
      "remote-cert-tls server",
      "connect-retry 1 1",
      // Give up on an unanswered handshake quickly (a server restarting) instead of after 60 s.
      "server-poll-timeout 3",
      "hand-window 5",
      `log ${file("client.log")}`,
      "verb 3",
    ].join("\n") + "\n",
  );

  const inNs = (ns: string, command: string[]) => run("ip", ["netns", "exec", ns, ...command]);
  const startServer = () =>
    void inNs(serverNs, ["openvpn", "--config", file("server.conf"), "--daemon", "--writepid", file("server.pid")]);
  const startClient = () =>
    void inNs(clientNs, ["openvpn", "--config", file("client.conf"), "--daemon", "--writepid", file("client.pid")]);

  return {
    dir,
    managementSocket,
    connectLog,
    serverVpnIp: "10.213.8.1",
    startServer,
    stopServer: () => killAndWait(file("server.pid")),
    startClient,
    inClient: (command) => inNs(clientNs, command),
    teardown: () => {
      killPidFile(file("client.pid"));
      killPidFile(file("server.pid"));
      for (const ns of [serverNs, clientNs]) spawnSync("ip", ["netns", "del", ns]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
