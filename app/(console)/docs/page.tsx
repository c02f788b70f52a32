// /docs: the guides shipped in docs/, with the ones missing from this installation marked.
import { access } from "node:fs/promises";
import path from "node:path";
import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { projectRoot } from "@/lib/config";
import { GUIDE_NAMES, GUIDES, type GuideName } from "@/lib/docs/guides";

export const metadata: Metadata = { title: "Docs" };

async function installed(name: GuideName): Promise<boolean> {
  try {
    await access(path.join(projectRoot(), "docs", `${name}.md`));
    return true;
  } catch {
    return false;
  }
}

export default async function DocsIndexPage() {
  const guides = await Promise.all(GUIDE_NAMES.map(async (name) => ({ name, ...GUIDES[name], installed: await installed(name) })));
  return (
    <div className="stack">
      <PageHeader title="Docs" description="The guides that ship with Session Console, from its docs/ folder." />
      <Card>
        <ul className="guide-list">
          {guides.map((guide) => (
            <li key={guide.name}>
              <Link href={`/docs/${guide.name}`}>{guide.title}</Link>{" "}
              {guide.installed ? null : <Badge tone="warning">not installed</Badge>}
              <p className="muted">{guide.summary}</p>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
