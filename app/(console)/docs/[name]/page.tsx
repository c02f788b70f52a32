// /docs/openvpn, /docs/ocserv: the wiring guides shipped in docs/, readable from the console.
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

const GUIDES = {
  openvpn: "Wiring OpenVPN",
  ocserv: "Wiring ocserv",
} as const;

type GuideName = keyof typeof GUIDES;

const isGuide = (name: string): name is GuideName => Object.hasOwn(GUIDES, name);

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { name } = await params;
  return { title: isGuide(name) ? GUIDES[name] : "Guide" };
}

async function readGuide(name: GuideName): Promise<string | null> {
  try {
    return await readFile(path.join(projectRoot(), "docs", `${name}.md`), "utf8");
  } catch {
    return null;
  }
}

export default async function GuidePage({ params }: Props) {
  const { name } = await params;
  // A fixed list, so the file path can never be steered elsewhere.
  if (!isGuide(name)) notFound();
  const source = await readGuide(name);
  return (
    <div className="stack">
      <PageHeader
        title={GUIDES[name]}
        description={
          <>
            From <code>docs/{name}.md</code>. <Link href="/servers">Register the server</Link> first: its token
            goes in <code>CONSOLE_SERVER_TOKEN</code>.
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
