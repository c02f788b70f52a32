#!/usr/bin/env node
// Records other platforms' optional native binaries (Next's SWC, the resolver used by ESLint) in
// package-lock.json. A registry mirror that only serves this platform's binaries makes
// `npm install` leave them out, and `npm ci` then refuses the lock file as out of sync. The
// entries carry os/cpu/libc so that npm ci skips them here and installs them where they belong.
// Run after `npm install` changes the lock file: `node scripts/lock-platforms.mjs`.
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = new URL("../package-lock.json", import.meta.url);
const OS = ["darwin", "win32", "android", "freebsd", "linux", "openharmony", "sunos", "aix"];
const CPU = ["arm64", "x64", "ia32", "loong64", "ppc64", "riscv64", "s390x", "arm"];

function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const os = OS.find((o) => parts.includes(o));
  const cpu = CPU.find((c) => parts.includes(c));
  if (!os || !cpu) return null;
  const libc = parts.some((p) => p.startsWith("musl") || p === "musleabihf")
    ? "musl"
    : parts.some((p) => p === "gnu" || p === "gnueabihf")
      ? "glibc"
      : null;
  return { os, cpu, libc };
}

const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const added = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [dep, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const depPath = `node_modules/${dep}`;
    if (lock.packages[depPath] || !/^\d+\.\d+\.\d+/.test(spec)) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    lock.packages[depPath] = {
      version: spec,
      cpu: [platform.cpu],
      ...(entry.dev ? { dev: true } : {}),
      ...(platform.libc ? { libc: [platform.libc] } : {}),
      optional: true,
      os: [platform.os],
    };
    added.push(`${dep}@${spec} (from ${path || "root"})`);
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b, "en"))),
);
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `recorded ${added.length} platform packages:\n  ${added.join("\n  ")}` : "lock file already complete");
