// Parses the small Markdown dialect of the console's guides (docs/*.md) into blocks, and resolves
// their links: headings, paragraphs, lists, fenced code, tables (with \| for a literal bar),
// inline code, bold and links. components/docs/markdown.tsx renders the blocks. No fs or
// database imports: the browser bundle may use it.

/** A guide's file name in docs/: lower case, digits and hyphens, so the name is safe in a URL. */
export const GUIDE_FILE = /^([a-z][a-z0-9-]*)\.md$/;

export type Block =
  | { kind: "heading"; level: number; text: string; id: string }
  | { kind: "code"; text: string }
  | { kind: "list"; ordered: boolean; items: string[] }
  | { kind: "table"; rows: string[][] }
  | { kind: "paragraph"; text: string };

export type Inline =
  | { kind: "text"; text: string }
  | { kind: "code"; text: string }
  | { kind: "strong"; text: string }
  | { kind: "link"; text: string; href: string | null };

const INLINE = /(`[^`]+`|\*\*[^*]+\*\*|\[[^\]]+\]\([^)\s]+\))/g;
const LIST_ITEM = /^\s*([-*]|\d+\.)\s+/;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[`*]/g, "")
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .trim()
    .replace(/\s/g, "-");
}

/**
 * Where a link in a guide goes in the console: web links and anchors as they are, another guide
 * (`api.md`, `./cli.md#tokens`, `docs/hooks.md`) to its /docs page. Anything else (a file in the
 * source tree such as `../README.md`) is not a page of the console: null, shown as text.
 */
export function resolveHref(target: string): string | null {
  if (/^(https?:|#|\/)/.test(target)) return target;
  const guide = /^(?:\.\/|docs\/)?([a-z][a-z0-9-]*)\.md(#[\w-]*)?$/.exec(target);
  return guide?.[1] ? `/docs/${guide[1]}${guide[2] ?? ""}` : null;
}

export function parseInline(text: string): Inline[] {
  return text
    .split(INLINE)
    .filter((part) => part !== "")
    .map((part): Inline => {
      if (part.length > 1 && part.startsWith("`") && part.endsWith("`")) return { kind: "code", text: part.slice(1, -1) };
      if (part.startsWith("**") && part.endsWith("**")) return { kind: "strong", text: part.slice(2, -2) };
      const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(part);
      if (link?.[1] && link[2]) return { kind: "link", text: link[1], href: resolveHref(link[2]) };
      return { kind: "text", text: part };
    });
}

/** Table cells: split on bars that are not escaped as \|. */
const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||(?<!\\)\|$/g, "")
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, "|"));

const isDelimiterRow = (row: string) => /^\s*\|?[\s:-]+(\|[\s:-]+)*\|?\s*$/.test(row);

/**
 * The blocks of a guide. A leading `# Title` is left out: the console page shows the title
 * itself. Heading ids are unique within the guide, as on GitHub (`name`, `name-1`, ...).
 */
export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n/g, "\n").split("\n");
  const blocks: Block[] = [];
  const seenIds = new Map<string, number>();
  const uniqueId = (text: string) => {
    const base = slugify(text);
    const count = seenIds.get(base) ?? 0;
    seenIds.set(base, count + 1);
    return count === 0 ? base : `${base}-${count}`;
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (line.trim() === "") {
      i++;
    } else if (line.startsWith("```")) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] ?? "").startsWith("```")) body.push(lines[i++] ?? "");
      i++;
      blocks.push({ kind: "code", text: body.join("\n") });
    } else if (heading?.[1] && heading[2] !== undefined) {
      i++;
      if (heading[1].length === 1 && blocks.length === 0) continue;
      blocks.push({ kind: "heading", level: heading[1].length, text: heading[2], id: uniqueId(heading[2]) });
    } else if (LIST_ITEM.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const items: string[] = [];
      while (i < lines.length && LIST_ITEM.test(lines[i] ?? "")) {
        let item = (lines[i++] ?? "").replace(LIST_ITEM, "");
        while (i < lines.length && /^\s{2,}\S/.test(lines[i] ?? "") && !LIST_ITEM.test(lines[i] ?? "")) {
          item += ` ${(lines[i++] ?? "").trim()}`;
        }
        items.push(item);
      }
      blocks.push({ kind: "list", ordered, items });
    } else if (line.trim().startsWith("|")) {
      const rows: string[][] = [];
      while (i < lines.length && (lines[i] ?? "").trim().startsWith("|")) {
        const row = lines[i++] ?? "";
        if (!isDelimiterRow(row)) rows.push(cells(row));
      }
      blocks.push({ kind: "table", rows });
    } else {
      const text: string[] = [];
      while (i < lines.length && (lines[i] ?? "").trim() !== "" && !/^(#|```|\s*[-*]\s|\s*\d+\.\s|\s*\|)/.test(lines[i] ?? "")) {
        text.push((lines[i++] ?? "").trim());
      }
      if (text.length === 0) text.push((lines[i++] ?? "").trim());
      blocks.push({ kind: "paragraph", text: text.join(" ") });
    }
  }
  return blocks;
}

/** The guide's own `# Title`, or its file name when it has none. */
export function guideTitle(source: string, name: string): string {
  return /^# (.+)$/m.exec(source)?.[1]?.trim() ?? name;
}

/**
 * The first sentence of the guide's first paragraph, for the index of guides. A paragraph ending
 * in a colon only introduces what follows it, so it is passed over.
 */
export function guideSummary(source: string): string {
  const paragraph = parseMarkdown(source).find((block) => block.kind === "paragraph" && !block.text.endsWith(":"));
  if (!paragraph || paragraph.kind !== "paragraph") return "";
  return /^.*?\.(?=\s|$)/.exec(paragraph.text)?.[0] ?? paragraph.text;
}
