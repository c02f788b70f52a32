import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listGuides, readGuide } from "./library";

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "guides-"));
  mkdirSync(path.join(root, "docs"));
  const write = (file: string, text: string) => writeFileSync(path.join(root, file), text);
  write("docs/zebra.md", "# Zebra notes\n\nStripes. More.\n");
  write("docs/cli.md", "# Command line\n\nThe CLI.\n");
  write("docs/api.md", "# Admin API\n\nThe API.\n");
  write("docs/README.md", "# Not a guide name\n");
  write("docs/notes.txt", "not Markdown\n");
  write("package.json", "{}\n");
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("the guides in docs/", () => {
  it("lists every docs/<name>.md in reading order, then by name, with title and summary", async () => {
    expect(await listGuides(root)).toEqual([
      { name: "api", title: "Admin API", summary: "The API." },
      { name: "cli", title: "Command line", summary: "The CLI." },
      { name: "zebra", title: "Zebra notes", summary: "Stripes." },
    ]);
  });

  it("reads a listed guide, and nothing that is not one", async () => {
    expect(await readGuide("cli", root)).toEqual({ title: "Command line", source: "# Command line\n\nThe CLI.\n" });
    for (const name of ["README", "notes", "../package", "..%2Fpackage", "missing"]) {
      expect(await readGuide(name, root), name).toBeNull();
    }
  });

  it("has no guides when there is no docs/ folder", async () => {
    expect(await listGuides(path.join(root, "docs"))).toEqual([]);
  });
});
