// /docs/<name>: the guide docs/<name>.md (lib/docs/library.ts), readable from the console.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Markdown } from "@/components/docs/markdown";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { readGuide } from "@/lib/docs/library";

type Props = { params: Promise<{ name: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { name } = await params;
  return { title: (await readGuide(name))?.title ?? "Guide" };
}

/** The wiring guides need a registered server's token. */
const WIRING = new Set(["openvpn", "ocserv"]);

export default async function GuidePage({ params }: Props) {
  const { name } = await params;
  const guide = await readGuide(name);
  if (!guide) notFound();
  return (
    <div className="stack">
      <PageHeader
        title={guide.title}
        description={
          <>
            From <code>docs/{name}.md</code>. <Link href="/docs">All guides</Link>
            {WIRING.has(name) ? (
              <>
                . <Link href="/servers">Register the server</Link> first: its token goes in{" "}
                <code>CONSOLE_SERVER_TOKEN</code>.
              </>
            ) : null}
          </>
        }
      />
      <Card>
        <Markdown source={guide.source} />
      </Card>
    </div>
  );
}
