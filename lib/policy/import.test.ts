import { describe, expect, it } from "vitest";
import { parseImport, type ImportResult } from "./import";

const scope = (result: ImportResult, label: string) =>
  result.scopes.find((item) => (item.scope === "default" ? "DEFAULT" : `${item.scope} ${item.name}`) === label);

// Seed 000: the Access Server guide, commands as printed.
const accessServerGuide = `
Change the inactivity timeout of the session tokens in seconds (default 300, 5 minutes):

./sacli --key "vpn.server.inactive_expire" --value <SECONDS> ConfigPut
./sacli start

./sacli --key "vpn.server.inactive_expire" --value "300" ConfigPut
./sacli start
./sacli --key "vpn.server.session_expire" --value "86400" ConfigPut
./sacli --key "vpn.server.session_ip_lock" --value "false" ConfigPut
./sacli start
./sacli --user <USER_OR_GROUP> --key "prop_isec" --value 300 UserPropPut
./sacli --user contractors --key "prop_isec" --value 300 UserPropPut
./sacli --user contractors --key "prop_ibytes" --value 100000 UserPropPut
./sacli start
`;

// Seed 003: the Blue Cedar templates and the 8-hour example.
const blueCedarGuide = `BASH
% set aaa auth-group groupname max-session-duration minutes
% set aaa auth-group groupname dormant-session-timeout minutes
% set aaa auth-group groupname
% set security ike dpd minutes
% set security ike client-dpd dpd-seconds seconds

% set aaa auth-group field max-session-duration 480
% set aaa auth-group field dormant-session-timeout 15
% set aaa auth-group field network-inactivity-timeout-enable true
% set security ike dpd 10
% commit
% set security ike dpd 10
% set security ike client-dpd dpd-seconds 30
% commit
`;

describe("parseImport: OpenVPN Access Server", () => {
  const result = parseImport(accessServerGuide);

  it("puts server-wide keys on DEFAULT and user properties on the named group", () => {
    expect(result.detected).toEqual(["openvpn-as"]);
    expect(result.scopes).toEqual([
      { scope: "default", values: { idleTokenExpiry: 300, sessionLifetime: 86400, ipLock: false }, lines: [7, 9, 10] },
      { scope: "group", name: "contractors", values: { inactivityWindow: 300, inactivityBytes: 100000 }, lines: [13, 14] },
    ]);
  });

  it("reports the guide's placeholders as errors with their line", () => {
    expect(result.errors).toEqual([
      {
        line: 4,
        text: './sacli --key "vpn.server.inactive_expire" --value <SECONDS> ConfigPut',
        message: 'idleTokenExpiry: "<SECONDS>" is a placeholder, not a value',
      },
      {
        line: 12,
        text: './sacli --user <USER_OR_GROUP> --key "prop_isec" --value 300 UserPropPut',
        message: '"<USER_OR_GROUP>" is a placeholder: put the user or group name there',
      },
    ]);
  });

  it("lists prose as unknown rather than dropping it, and ignores sacli start", () => {
    expect(result.unknown.map((item) => item.line)).toEqual([2]);
    expect(result.unknown[0]?.reason).toBe("not a recognised Access Server or Blue Cedar setting");
  });

  it("reads DEFAULT and __DEFAULT__ as the DEFAULT scope, and prop_autologin", () => {
    const imported = parseImport(
      [
        "./sacli --user DEFAULT --key prop_isec --value 600 UserPropPut",
        'sacli --user "__DEFAULT__" --key "prop_autologin" --value "true" UserPropPut',
        "sacli --user=kiosk --key=prop_autologin --value=true UserPropPut",
      ].join("\n"),
    );
    expect(imported.errors).toEqual([]);
    expect(imported.scopes).toEqual([
      { scope: "default", values: { inactivityWindow: 600, autoLogin: true }, lines: [1, 2] },
      { scope: "group", name: "kiosk", values: { autoLogin: true }, lines: [3] },
    ]);
  });

  it("tells a user from a group by conn_group and group_declare, wherever they appear", () => {
    const imported = parseImport(
      [
        "sacli --user alice --key prop_isec --value 120 UserPropPut",
        "sacli --user ops --key prop_isec --value 60 UserPropPut",
        "sacli --user alice --key conn_group --value ops UserPropPut",
        "sacli --user ops --key group_declare --value true UserPropPut",
      ].join("\n"),
    );
    expect(imported.scopes).toEqual([
      { scope: "user", name: "alice", values: { inactivityWindow: 120 }, lines: [1] },
      { scope: "group", name: "ops", values: { inactivityWindow: 60 }, lines: [2] },
    ]);
    expect(imported.unknown).toEqual([
      {
        line: 3,
        text: "sacli --user alice --key conn_group --value ops UserPropPut",
        reason: "group membership is not imported: put alice in group ops under Users",
      },
    ]);
  });

  it("reads key=value, key value and ConfigQuery JSON forms of the server-wide keys", () => {
    const imported = parseImport(
      [
        "vpn.server.session_expire=43200",
        "vpn.server.inactive_expire 600   # ten minutes",
        '  "vpn.server.session_ip_lock": "false",',
      ].join("\n"),
    );
    expect(imported.errors).toEqual([]);
    expect(imported.unknown).toEqual([]);
    expect(imported.scopes).toEqual([
      { scope: "default", values: { sessionLifetime: 43200, idleTokenExpiry: 600, ipLock: false }, lines: [1, 2, 3] },
    ]);
  });

  it("reads Access Server's ConfigQuery JSON, listing the keys it has no use for", () => {
    const imported = parseImport(
      ['{', '  "vpn.server.session_expire": "86400",', '  "vpn.server.port_share.enable": "true"', '}'].join("\n"),
    );
    expect(imported.scopes).toEqual([{ scope: "default", values: { sessionLifetime: 86400 }, lines: [2] }]);
    expect(imported.unknown).toEqual([
      {
        line: 3,
        text: '"vpn.server.port_share.enable": "true"',
        reason: 'setting "vpn.server.port_share.enable" has no console equivalent',
      },
    ]);
  });

  it("lets a later line override an earlier one, as running the commands would", () => {
    const imported = parseImport(
      'sacli --key vpn.server.session_expire --value 3600 ConfigPut\nsacli --key vpn.server.session_expire --value 7200 ConfigPut',
    );
    expect(imported.scopes).toEqual([{ scope: "default", values: { sessionLifetime: 7200 }, lines: [1, 2] }]);
  });

  it("lists unknown keys, properties and commands", () => {
    const imported = parseImport(
      [
        "sacli --key vpn.client.routing.reroute_gw --value true ConfigPut",
        "sacli --user bob --key prop_superuser --value true UserPropPut",
        "sacli --user bob --key prop_isec UserPropDel",
        "prop_isec=300",
        "inactive 300 100000",
      ].join("\n"),
    );
    expect(imported.scopes).toEqual([]);
    expect(imported.errors).toEqual([]);
    expect(imported.unknown.map((item) => [item.line, item.reason])).toEqual([
      [1, 'Access Server setting "vpn.client.routing.reroute_gw" has no console equivalent'],
      [2, 'Access Server property "prop_superuser" has no console equivalent'],
      [3, "sacli UserPropDel is not imported; only ConfigPut and UserPropPut are"],
      [4, "prop_isec is a user or group property: give it as sacli --user NAME --key prop_isec --value V UserPropPut"],
      [5, "not a recognised Access Server or Blue Cedar setting"],
    ]);
  });

  it.each([
    ['sacli --key "vpn.server.session_expire --value 3 ConfigPut', "unterminated quote"],
    ["sacli --key vpn.server.session_expire --value", "--value has no value"],
    ["sacli --key vpn.server.session_expire --value 5", "sacli line without a command such as ConfigPut or UserPropPut"],
    ["sacli --value 5 ConfigPut", "ConfigPut without --key"],
    ["sacli --key vpn.server.session_expire ConfigPut", "ConfigPut without --value"],
    ["sacli --key prop_isec --value 5 UserPropPut", "UserPropPut without --user (a user, a group or DEFAULT)"],
    ["sacli --key vpn.server.session_expire --value 5 ConfigPut now", 'unexpected "now" after ConfigPut'],
    ["sacli --key vpn.server.session_expire --value 1.5 ConfigPut", 'sessionLifetime: "1.5" is not a whole number of seconds'],
    ["sacli --key vpn.server.session_expire --value -5 ConfigPut", "sessionLifetime: -5 is negative"],
    ["sacli --key vpn.server.session_ip_lock --value maybe ConfigPut", 'ipLock: "maybe" is not true or false'],
    ["sacli --user 'bad name' --key prop_isec --value 5 UserPropPut", "user or group name may contain"],
    ["sacli --user g --key prop_ibytes --value 3000000000 UserPropPut", "inactivityBytes must be at most 2147483647 bytes"],
    ["vpn.server.session_expire=", "vpn.server.session_expire has no value"],
    [
      "./sacli --key vpn.server.session_expire --value 99999999999 ConfigPut",
      "sessionLifetime must be at most 315360000 s (10 years); a value this large effectively disables the limit",
    ],
    [
      "./sacli --key vpn.server.inactive_expire --value 99999999999 ConfigPut",
      "idleTokenExpiry must be at most 315360000 s (10 years); a value this large effectively disables idle expiry",
    ],
  ])("reports %j as malformed", (line, message) => {
    const imported = parseImport(line);
    expect(imported.scopes).toEqual([]);
    expect(imported.errors).toHaveLength(1);
    expect(imported.errors[0]?.line).toBe(1);
    expect(imported.errors[0]?.text).toBe(line);
    expect(imported.errors[0]?.message).toContain(message);
  });
});

describe("parseImport: Blue Cedar", () => {
  const result = parseImport(blueCedarGuide);

  it("turns the auth-group into a group, minutes into seconds, and IKE dead-peer settings into DEFAULT", () => {
    expect(result.detected).toEqual(["blue-cedar"]);
    expect(scope(result, "group field")).toEqual({
      scope: "group",
      name: "field",
      values: { sessionLifetime: 28800, idleTokenExpiry: 900, networkInactivityDormant: true },
      lines: [8, 9, 10],
    });
    // dpd is in minutes, client-dpd dpd-seconds in seconds (seed 003).
    expect(scope(result, "DEFAULT")).toEqual({
      scope: "default",
      values: { keepaliveTimeout: 600, keepaliveInterval: 30 },
      lines: [11, 13, 14],
    });
    expect(result.scopes).toHaveLength(2);
  });

  it("reports the templates' placeholders and the incomplete line as errors", () => {
    expect(result.errors.map((error) => [error.line, error.message])).toEqual([
      [2, 'sessionLifetime: "minutes" is a placeholder, not a value'],
      [3, 'idleTokenExpiry: "minutes" is a placeholder, not a value'],
      [4, "incomplete: expected set aaa auth-group NAME PARAMETER VALUE"],
      [5, 'keepaliveTimeout: "minutes" is a placeholder, not a value'],
      [6, 'keepaliveInterval: "seconds" is a placeholder, not a value'],
    ]);
  });

  it("lists the code-block label as unknown", () => {
    expect(result.unknown).toEqual([{ line: 1, text: "BASH", reason: "not a recognised Access Server or Blue Cedar setting" }]);
  });

  it("reads reconnect-enable and bare flags (seed 004)", () => {
    const imported = parseImport(
      [
        "% set aaa auth-group groupname reconnect-enable false",
        "set aaa auth-group mobile network-inactivity-timeout-enable",
        "set aaa auth-group mobile reconnect-enable",
        "set aaa auth-group kiosk max-session-duration 0",
      ].join("\n"),
    );
    expect(imported.errors).toEqual([]);
    expect(imported.scopes).toEqual([
      { scope: "group", name: "groupname", values: { reconnectTokens: false }, lines: [1] },
      { scope: "group", name: "mobile", values: { networkInactivityDormant: true, reconnectTokens: true }, lines: [2, 3] },
      { scope: "group", name: "kiosk", values: { sessionLifetime: 0 }, lines: [4] },
    ]);
  });

  it("lists unknown parameters and settings", () => {
    const imported = parseImport(
      [
        "set aaa auth-group field ldap-server corp",
        "set security ike lifetime 3600",
        "set system hostname gw1",
        "delete aaa auth-group field max-session-duration",
      ].join("\n"),
    );
    expect(imported.scopes).toEqual([]);
    expect(imported.unknown.map((item) => [item.line, item.reason])).toEqual([
      [1, 'Blue Cedar auth-group parameter "ldap-server" has no console equivalent'],
      [2, 'Blue Cedar IKE setting "lifetime 3600" has no console equivalent'],
      [3, "not a recognised Access Server or Blue Cedar setting"],
      [4, "delete lines are not imported; clear the field in the console to inherit instead"],
    ]);
  });

  it.each([
    ["set aaa auth-group field max-session-duration 1.5", 'sessionLifetime: "1.5" is not a whole number of minutes'],
    ["set aaa auth-group field max-session-duration 480 now", 'unexpected "now" after the value'],
    ["set aaa auth-group field dormant-session-timeout", "dormant-session-timeout needs a value"],
    ["set aaa auth-group field reconnect-enable sometimes", 'reconnectTokens: "sometimes" is not true or false'],
    ["set aaa auth-group field max-session-duration 6000000", "sessionLifetime must be at most 315360000 s"],
    ["set aaa auth-group -x max-session-duration 5", "auth-group name may contain"],
    ["set security ike dpd", "dpd needs a value in minutes"],
    ["set security ike dpd 10 20", 'unexpected "20" after the value'],
    ["set security ike client-dpd dpd-seconds", "client-dpd dpd-seconds needs a value in seconds"],
  ])("reports %j as malformed", (line, message) => {
    const imported = parseImport(line);
    expect(imported.scopes).toEqual([]);
    expect(imported.errors.map((error) => error.line)).toEqual([1]);
    expect(imported.errors[0]?.message).toContain(message);
  });
});

describe("parseImport: mixed and hostile input", () => {
  it("reads Access Server and Blue Cedar lines together, with Windows line ends", () => {
    const imported = parseImport(
      "sacli --key vpn.server.session_expire --value 3600 ConfigPut\r\nset aaa auth-group field dormant-session-timeout 5\r\n",
    );
    expect(imported.detected).toEqual(["openvpn-as", "blue-cedar"]);
    expect(imported.scopes).toEqual([
      { scope: "default", values: { sessionLifetime: 3600 }, lines: [1] },
      { scope: "group", name: "field", values: { idleTokenExpiry: 300 }, lines: [2] },
    ]);
  });

  it("returns nothing for empty input and comments", () => {
    expect(parseImport("")).toEqual({ detected: [], scopes: [], unknown: [], errors: [] });
    expect(parseImport("# a comment\n\n   \n// another")).toEqual({ detected: [], scopes: [], unknown: [], errors: [] });
  });

  it("reports broken console JSON as one error", () => {
    const imported = parseImport('{ "format": "session-console/policies", "version": 1, ');
    expect(imported.scopes).toEqual([]);
    expect(imported.errors).toHaveLength(1);
    expect(imported.errors[0]?.message).toMatch(/^not valid JSON/);
  });

  it("rejects a console file with invalid content as a whole, naming where", () => {
    const imported = parseImport(
      JSON.stringify({
        format: "session-console/policies",
        version: 1,
        scopes: [
          { scope: "default", values: { sessionLifetime: 60 } },
          { scope: "group", name: "ops", values: { keepaliveTimeout: -1, foo: 1 } },
        ],
      }),
    );
    expect(imported.scopes).toEqual([]);
    expect(imported.errors.map((error) => error.message).sort()).toEqual([
      "scopes.1.values.keepaliveTimeout: must be at least 0 s",
      'scopes.1.values: unknown policy field "foo"',
    ]);
  });

  it("rejects a console file of another version", () => {
    const imported = parseImport(JSON.stringify({ format: "session-console/policies", version: 7, scopes: [] }));
    expect(imported.errors.map((error) => error.message)).toEqual([
      "version: unsupported version: this console reads version 1",
    ]);
  });

  it("refuses overlong lines without echoing them whole", () => {
    const imported = parseImport(`vpn.server.session_expire=${"9".repeat(5000)}`);
    expect(imported.scopes).toEqual([]);
    expect(imported.unknown).toHaveLength(1);
    expect(imported.unknown[0]?.reason).toBe("line too long to be a setting");
    expect(imported.unknown[0]?.text.length).toBeLessThan(100);
  });

  it("never throws, whatever it is given", () => {
    const samples = [
      "{",
      "}",
      "[1,2,3]",
      "null",
      '{"scopes": 5}',
      '{"format": null}',
      "sacli",
      "./sacli --",
      "--user",
      "set",
      "set aaa",
      "set aaa auth-group",
      "% ",
      "'",
      '"',
      "=",
      "a=b=c",
      "\u0000\u0001\uffff",
      "sacli --user __proto__ --key prop_isec --value 1 UserPropPut",
      "sacli --key constructor --value 1 ConfigPut",
      "set aaa auth-group x __proto__ 1",
      "toString=1",
    ];
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = "sacli-- set aaa auth-group dpd'\"={}[]#%\n\r\t0123456789.:,<>_\\";
    for (let i = 0; i < 300; i += 1) {
      let text = "";
      const length = Math.floor(random() * 120);
      for (let j = 0; j < length; j += 1) text += alphabet[Math.floor(random() * alphabet.length)];
      samples.push(text);
    }
    for (const text of samples) {
      const imported = parseImport(text);
      expect(Array.isArray(imported.scopes) && Array.isArray(imported.unknown) && Array.isArray(imported.errors)).toBe(true);
    }
  });

  it("does not let special property names reach the scope values", () => {
    const imported = parseImport("sacli --key constructor --value 1 ConfigPut\nset aaa auth-group x __proto__ 1\ntoString=1");
    expect(imported.scopes).toEqual([]);
    expect(imported.unknown).toHaveLength(3);
  });
});
