import { describe, expect, it } from "vitest";
import { guideSummary, guideTitle, parseInline, parseMarkdown, resolveHref, slugify } from "./markdown";

describe("guide Markdown", () => {
  it("leaves out the leading title and gives headings unique GitHub-style ids", () => {
    const blocks = parseMarkdown("# Admin API\n\n## Groups\n\ntext\n\n### `GET /api/groups`\n\n## Groups\n");
    expect(blocks).toEqual([
      { kind: "heading", level: 2, text: "Groups", id: "groups" },
      { kind: "paragraph", text: "text" },
      { kind: "heading", level: 3, text: "`GET /api/groups`", id: "get-apigroups" },
      { kind: "heading", level: 2, text: "Groups", id: "groups-1" },
    ]);
  });

  it("keeps a title that is not the first block", () => {
    expect(parseMarkdown("intro\n\n# Later")).toEqual([
      { kind: "paragraph", text: "intro" },
      { kind: "heading", level: 1, text: "Later", id: "later" },
    ]);
  });

  it("splits table cells on bars, except escaped ones, and drops the delimiter row", () => {
    const [table] = parseMarkdown("| method | path |\n|---|---|\n| `GET\\|PUT` | `/api/policies/default` |\n");
    expect(table).toEqual({
      kind: "table",
      rows: [
        ["method", "path"],
        ["`GET|PUT`", "`/api/policies/default`"],
      ],
    });
  });

  it("keeps fenced code as it is, including lines that look like Markdown", () => {
    expect(parseMarkdown("```sh\n# not a heading\n| not | a table |\n```\n")).toEqual([
      { kind: "code", text: "# not a heading\n| not | a table |" },
    ]);
  });

  it("links other guides to their console page and leaves source files as text", () => {
    expect(resolveHref("api.md")).toBe("/docs/api");
    expect(resolveHref("./cli.md#exit-codes")).toBe("/docs/cli#exit-codes");
    expect(resolveHref("docs/hooks.md")).toBe("/docs/hooks");
    expect(resolveHref("#errors")).toBe("#errors");
    expect(resolveHref("https://example.com/x")).toBe("https://example.com/x");
    expect(resolveHref("deploy-fleet.md")).toBe("/docs/deploy-fleet");
    expect(resolveHref("../README.md")).toBeNull();
    expect(resolveHref("../lib/db.ts")).toBeNull();
    expect(resolveHref("javascript:alert(1)")).toBeNull();
  });

  it("parses inline code, bold and links", () => {
    expect(parseInline("run `npm test` **now**, see [the API](api.md)")).toEqual([
      { kind: "text", text: "run " },
      { kind: "code", text: "npm test" },
      { kind: "text", text: " " },
      { kind: "strong", text: "now" },
      { kind: "text", text: ", see " },
      { kind: "link", text: "the API", href: "/docs/api" },
    ]);
  });

  it("slugs headings as GitHub does", () => {
    expect(slugify("Errors and status codes")).toBe("errors-and-status-codes");
    expect(slugify("GET|PUT /api/policies/default")).toBe("getput-apipoliciesdefault");
  });

  it("takes a guide's title from its first heading and its summary from the first sentence", () => {
    const source = "# Command line\n\n`npm run cli` administers the console. It is thin.\n\n## Commands\n";
    expect(guideTitle(source, "cli")).toBe("Command line");
    expect(guideSummary(source)).toBe("`npm run cli` administers the console.");
    expect(guideTitle("no heading here", "notes")).toBe("notes");
    expect(guideSummary("# Only a title\n")).toBe("");
    expect(guideSummary("# Deploying\n\nTwo shapes:\n\n| a |\n\nEvery instance is alike. Really.\n")).toBe(
      "Every instance is alike.",
    );
  });
});
