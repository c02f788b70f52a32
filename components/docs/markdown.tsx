// Renders a guide from docs/*.md (parsed by lib/docs/markdown.ts) as React elements, never HTML
// strings, so nothing in a file can inject markup.
import Link from "next/link";
import type { ReactNode } from "react";
import { parseInline, parseMarkdown, type Block } from "@/lib/docs/markdown";

function inline(text: string): ReactNode[] {
  return parseInline(text).map((part, index) => {
    switch (part.kind) {
      case "code":
        return <code key={index}>{part.text}</code>;
      case "strong":
        return <strong key={index}>{part.text}</strong>;
      case "link":
        if (!part.href) return <span key={index}>{inline(part.text)}</span>;
        return part.href.startsWith("/") ? (
          <Link key={index} href={part.href}>
            {inline(part.text)}
          </Link>
        ) : (
          <a key={index} href={part.href}>
            {inline(part.text)}
          </a>
        );
      case "text":
        return part.text;
    }
  });
}

function render(block: Block, index: number): ReactNode {
  switch (block.kind) {
    case "heading": {
      // The page's h1 is the guide title; headings inside start at h2.
      const Tag = block.level <= 2 ? "h2" : block.level === 3 ? "h3" : "h4";
      return (
        <Tag key={index} id={block.id}>
          {inline(block.text)}
        </Tag>
      );
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
                    <td key={cellIndex} className="wrap">
                      {inline(cell)}
                    </td>
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
  return <div className="markdown">{parseMarkdown(source).map(render)}</div>;
}

/** One line of guide Markdown (code, bold, links) without a block around it. */
export function MarkdownInline({ text }: { text: string }) {
  return <>{inline(text)}</>;
}
