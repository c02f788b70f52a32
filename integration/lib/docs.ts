// The config blocks in docs/*.md that the tests run the daemons from, so the docs work as written.
import { readFile } from "node:fs/promises";

/** The fenced block that follows `<!-- integration: NAME -->` in a docs file. */
export async function docsBlock(file: string, name: string): Promise<string> {
  const text = await readFile(file, "utf8");
  const start = text.indexOf(`<!-- integration: ${name} -->`);
  const block = start < 0 ? null : /```[^\n]*\n([\s\S]*?)```/.exec(text.slice(start));
  if (!block?.[1]) throw new Error(`${file} has no block marked "integration: ${name}"`);
  return block[1];
}

/** Replaces each `from` (which must occur) with `to`. */
export function replaceAll(text: string, replacements: Record<string, string>): string {
  let result = text;
  for (const [from, to] of Object.entries(replacements)) {
    if (!result.includes(from)) throw new Error(`the docs block no longer contains "${from}"`);
    result = result.replaceAll(from, to);
  }
  return result;
}

export interface Pki {
  caCert: string;
  serverCert: string;
  serverKey: string;
}
