import { describe, expect, it } from "vitest";
import { requestPath, signInRedirect } from "./sign-in-redirect";

describe("requestPath", () => {
  it("keeps the path and its query", () => {
    expect(requestPath(new URL("http://console.test/users?tab=groups&q=a_b"))).toBe("/users?tab=groups&q=a_b");
    expect(requestPath(new URL("http://console.test/servers"))).toBe("/servers");
  });

  it("drops the framework's own navigation parameter", () => {
    expect(requestPath(new URL("http://console.test/audit?_rsc=1x2y"))).toBe("/audit");
    expect(requestPath(new URL("http://console.test/audit?actor=bob&_rsc=1x2y"))).toBe("/audit?actor=bob");
  });
});

describe("signInRedirect", () => {
  it("brings the admin back to the page they asked for", () => {
    expect(signInRedirect("/users?tab=groups")).toBe("/login?callbackUrl=%2Fusers%3Ftab%3Dgroups");
  });

  it.each([
    ["no path", null],
    ["the home page", "/"],
    ["another site (protocol-relative)", "//evil.test/users"],
    ["an absolute URL", "https://evil.test/users"],
  ])("sends %s to plain sign-in", (_what, path) => {
    expect(signInRedirect(path)).toBe("/login");
  });
});
