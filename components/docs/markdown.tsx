// A small Markdown renderer for the console's own guides (docs/*.md): headings, paragraphs,
// lists, code blocks, tables, inline code, links and bold. Builds React elements, never HTML
// strings, so nothing in a file can inject markup.
import type { ReactNode } from "react";

type Block =
  | { kind: "heading"; level: number; text: string }
  | { kind: "code"; text: string }
  | { kind: "list"; ordered: boolean; items: string[] }
  | { kind: "table"; rows: string[][] }
  | { kind: "paragraph"; text: string };

const INLINE = /(`[^`]+`|\*\*[^*]+\*\*|\[[^\]]+\]\([^)\s]+\))/g;

function inline(text: string): ReactNode[] {
  return text.split(INLINE).map((part, index) => {
    if (part.startsWith("`") && part.endsWith("`") && part.length > 1) return <code key={index}>{part.slice(1, -1)}</code>;
    if (part.startsWith("**") && part.endsWith("**")) return <strong key={index}>{part.slice(2, -2)}</strong>;
    const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(part);
    if (link?.[1] && link[2]) {
      // Only web links and in-page anchors are followed; anything else stays text.
      const href = /^(https?:|#|\/)/.test(link[2]) ? link[2] : undefined;
      return href ? (
        <a key={index} href={href}>
          {link[1]}
        </a>
      ) : (
        <span key={index}>{link[1]}</span>
      );
    }
    return part;
  });
}

const cells = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, "")
    .split("|")
    .map((cell) => cell.trim());

function parse(source: string): Block[] {
  const lines = source.replace(/\r\n/g, "\n").split("\n");
  const blocks: Block[] = [];
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
      blocks.push({ kind: "heading", level: heading[1].length, text: heading[2] });
      i++;
    } else if (/^\s*([-*]|\d+\.)\s+/.test(line)) {
      const ordered = /^\s*\d+\./.test(line);
      const items: string[] = [];
      while (i < lines.length && /^\s*([-*]|\d+\.)\s+/.test(lines[i] ?? "")) {
        let item = (lines[i++] ?? "").replace(/^\s*([-*]|\d+\.)\s+/, "");
        while (i < lines.length && /^\s{2,}\S/.test(lines[i] ?? "") && !/^\s*([-*]|\d+\.)\s+/.test(lines[i] ?? "")) {
          item += ` ${(lines[i++] ?? "").trim()}`;
        }
        items.push(item);
      }
      blocks.push({ kind: "list", ordered, items });
    } else if (line.trim().startsWith("|")) {
      const rows: string[][] = [];
      while (i < lines.length && (lines[i] ?? "").trim().startsWith("|")) {
        const row = lines[i++] ?? "";
        if (!/^\s*\|?[\s:-]+(\|[\s:-]+)*\|?\s*$/.test(row)) rows.push(cells(row));
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

function render(block: Block, index: number): ReactNode {
  switch (block.kind) {
    case "heading": {
      // The page's h1 is the guide title; headings inside start at h2.
      const Tag = block.level <= 2 ? "h2" : block.level === 3 ? "h3" : "h4";
      return <Tag key={index}>{inline(block.text)}</Tag>;
    }
    case "code":
      return (
        <pre key={index}>
          <code>{block.text}</code>
        </pre>
      );
    case "list": {
      const Tag = block.ordered ? "ol" : "ul";
      return (
        <Tag key={index}>
          {block.items.map((item, itemIndex) => (
            <li key={itemIndex}>{inline(item)}</li>
          ))}
        </Tag>
      );
    }
    case "table": {
      const [head, ...body] = block.rows;
      return (
        <div key={index} className="table-wrap">
          <table className="table">
            {head ? (
              <thead>
                <tr>
                  {head.map((cell, cellIndex) => (
                    <th key={cellIndex} scope="col">
                      {inline(cell)}
                    </th>
                  ))}
                </tr>
              </thead>
            ) : null}
            <tbody>
              {body.map((row, rowIndex) => (
                <tr key={rowIndex}>
                  {row.map((cell, cellIndex) => (
                    <td key={cellIndex} className="wrap">{inline(cell)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    }
    case "paragraph":
      return <p key={index}>{inline(block.text)}</p>;
  }
}

export function Markdown({ source }: { source: string }) {
  return <div className="markdown">{parse(source).map(render)}</div>;
}
