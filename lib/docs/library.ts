// The guides shipped in docs/: every docs/<name>.md is shown by the console at /docs/<name>, with
// its first heading as the title. Only names read from the folder itself are ever opened, so a
// URL cannot steer the read elsewhere.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { projectRoot } from "../config";
import { GUIDE_FILE, guideSummary, guideTitle } from "./markdown";

export interface Guide {
  name: string;
  title: string;
  summary: string;
}

/** Newcomers' reading order; guides not listed here follow by name. */
const ORDER = ["api", "cli", "hooks", "openvpn", "ocserv", "deploy", "development"];

const rank = (name: string) => {
  const index = ORDER.indexOf(name);
  return index === -1 ? ORDER.length : index;
};

const docsDir = (root: string) => path.join(root, "docs");

async function guideNames(root: string): Promise<string[]> {
  try {
    const files = await readdir(docsDir(root));
    return files.flatMap((file) => {
      const match = GUIDE_FILE.exec(file);
      return match?.[1] ? [match[1]] : [];
    });
  } catch {
    return [];
  }
}

export async function listGuides(root = projectRoot()): Promise<Guide[]> {
  const names = await guideNames(root);
  const guides = await Promise.all(
    names.map(async (name) => {
      const source = await readFile(path.join(docsDir(root), `${name}.md`), "utf8");
      return { name, title: guideTitle(source, name), summary: guideSummary(source) };
    }),
  );
  return guides.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

/** A guide's title and Markdown, or null when docs/ has no guide by that name. */
export async function readGuide(name: string, root = projectRoot()): Promise<{ title: string; source: string } | null> {
  if (!(await guideNames(root)).includes(name)) return null;
  const source = await readFile(path.join(docsDir(root), `${name}.md`), "utf8");
  return { title: guideTitle(source, name), source };
}
