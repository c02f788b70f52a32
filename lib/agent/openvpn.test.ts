import { describe, expect, it } from "vitest";
import { clientKillCommand } from "./openvpn";

describe("clientKillCommand", () => {
  it("tells the client why in one quoted RESTART argument", () => {
    expect(clientKillCommand("7", "session disconnected by an administrator: maintenance")).toBe(
      'client-kill 7 "RESTART,session disconnected by an administrator: maintenance"',
    );
  });

  it("escapes quotes and backslashes, and cannot be split into a second command", () => {
    expect(clientKillCommand("7", 'say "bye" \\ now\r\nsignal SIGTERM')).toBe('client-kill 7 "RESTART,say \\"bye\\" \\\\ now signal SIGTERM"');
  });

  it("sends a bare RESTART when there is no reason, and cuts long ones", () => {
    expect(clientKillCommand("3", " \n ")).toBe('client-kill 3 "RESTART"');
    expect(clientKillCommand("3", "x".repeat(1000))).toBe(`client-kill 3 "RESTART,${"x".repeat(200)}"`);
  });
});
