// /docs: the guides shipped in docs/, each with the first sentence of its introduction.
import type { Metadata } from "next";
import Link from "next/link";
import { MarkdownInline } from "@/components/docs/markdown";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { listGuides } from "@/lib/docs/library";

export const metadata: Metadata = { title: "Docs" };

export default async function DocsIndexPage() {
  const guides = await listGuides();
  return (
    <div className="stack">
      <PageHeader title="Docs" description="The guides that ship with Session Console, from its docs/ folder." />
      {guides.length === 0 ? (
        <EmptyState title="No guides are installed with this console">
          <p>
            Read the <code>docs/</code> folder of the Session Console source instead.
          </p>
        </EmptyState>
      ) : (
        <Card>
          <ul className="guide-list">
            {guides.map((guide) => (
              <li key={guide.name}>
                <Link href={`/docs/${guide.name}`}>{guide.title}</Link>
                <p className="muted">
                  <MarkdownInline text={guide.summary} />
                </p>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </div>
  );
}
