// /docs/<name>: a guide shipped in docs/ (lib/docs/guides.ts lists them), readable from the console.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Markdown } from "@/components/docs/markdown";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { projectRoot } from "@/lib/config";
import { GUIDES, isGuide, type GuideName } from "@/lib/docs/guides";

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { name } = await params;
  return { title: isGuide(name) ? GUIDES[name].title : "Guide" };
}

async function readGuide(name: GuideName): Promise<string | null> {
  try {
    return await readFile(path.join(projectRoot(), "docs", `${name}.md`), "utf8");
  } catch {
    return null;
  }
}

/** The wiring guides need a registered server's token. */
const WIRING: readonly GuideName[] = ["openvpn", "ocserv"];

export default async function GuidePage({ params }: Props) {
  const { name } = await params;
  if (!isGuide(name)) notFound();
  const source = await readGuide(name);
  return (
    <div className="stack">
      <PageHeader
        title={GUIDES[name].title}
        description={
          <>
            From <code>docs/{name}.md</code>. <Link href="/docs">All guides</Link>
            {WIRING.includes(name) ? (
              <>
                . <Link href="/servers">Register the server</Link> first: its token goes in{" "}
                <code>CONSOLE_SERVER_TOKEN</code>.
              </>
            ) : null}
          </>
        }
      />
      {source ? (
        <Card>
          <Markdown source={source} />
        </Card>
      ) : (
        <EmptyState title="This guide is not installed with this console">
          <p>
            Read <code>docs/{name}.md</code> in the Session Console source instead.
          </p>
        </EmptyState>
      )}
    </div>
  );
}
