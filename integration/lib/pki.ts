// A throw-away CA and server certificate (EC prime256v1) for one run. Clients need only the CA:
// the servers authenticate users by password, not by client certificate.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { command } from "./exec";

export interface Pki {
  caCert: string;
  serverCert: string;
  serverKey: string;
}

/** Creates ca.crt, server.crt and server.key in dir; `serverIps` go into the subjectAltName. */
export async function makePki(dir: string, serverIps: readonly string[]): Promise<Pki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = (name: string) => path.join(dir, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await command("openssl", [
    "req", "-x509", ...ec, "-keyout", file("ca.key"), "-out", file("ca.crt"), "-days", "2",
    "-subj", "/CN=Session Console integration CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  await command("openssl", ["req", "-new", ...ec, "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/CN=vpn-server"]);
  await writeFile(
    file("server.ext"),
    [
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth",
      `subjectAltName=${serverIps.map((address) => `IP:${address}`).join(",")}`,
    ].join("\n"),
  );
  await command("openssl", [
    "x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial",
    "-out", file("server.crt"), "-days", "2", "-extfile", file("server.ext"),
  ]);
  return { caCert: file("ca.crt"), serverCert: file("server.crt"), serverKey: file("server.key") };
}
