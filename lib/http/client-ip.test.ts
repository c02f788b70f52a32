import { describe, expect, it } from "vitest";
import { clientIpOf } from "./client-ip";

const request = (remoteAddress: string | undefined, forwardedFor?: string | string[]) =>
  ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor } }) as Parameters<typeof clientIpOf>[0];

describe("clientIpOf", () => {
  it("takes the connection's peer, and ignores X-Forwarded-For without trusted proxies", () => {
    expect(clientIpOf(request("203.0.113.9", "198.51.100.1"), 0)).toBe("203.0.113.9");
    expect(clientIpOf(request("::ffff:203.0.113.9"), 0)).toBe("203.0.113.9");
    expect(clientIpOf(request("2001:db8::1"), 0)).toBe("2001:db8::1");
    expect(clientIpOf(request(undefined), 0)).toBe("unknown");
  });

  it("behind N proxies takes the address the outermost one saw, whatever a client wrote to the left", () => {
    expect(clientIpOf(request("10.0.0.2", "203.0.113.9"), 1)).toBe("203.0.113.9");
    expect(clientIpOf(request("10.0.0.2", "6.6.6.6, 203.0.113.9"), 1)).toBe("203.0.113.9");
    expect(clientIpOf(request("10.0.0.3", ["6.6.6.6, 203.0.113.9", "10.0.0.2"]), 2)).toBe("203.0.113.9");
    expect(clientIpOf(request("10.0.0.2", "::ffff:203.0.113.9"), 1)).toBe("203.0.113.9");
  });

  it("with fewer forwarded entries than proxies takes the farthest one known", () => {
    expect(clientIpOf(request("10.0.0.2", "203.0.113.9"), 3)).toBe("203.0.113.9");
    expect(clientIpOf(request("10.0.0.2"), 1)).toBe("10.0.0.2");
  });
});
