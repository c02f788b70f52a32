// Traffic sample writes shared by ingestion and roll-up: add bytes to one sample bucket.
import type { Tx } from "../db";

export interface SampleBytes {
  connectionId: string;
  resolution: number;
  at: Date;
  bytesIn: bigint;
  bytesOut: bigint;
}

export async function addToSample(tx: Tx, sample: SampleBytes): Promise<void> {
  const { connectionId, resolution, at, bytesIn, bytesOut } = sample;
  await tx.trafficSample.upsert({
    where: { connectionId_resolution_at: { connectionId, resolution, at } },
    create: sample,
    update: { bytesIn: { increment: bytesIn }, bytesOut: { increment: bytesOut } },
  });
}

/** Start of the bucket of `resolution` seconds that holds `at`, aligned to the epoch. */
export const bucketStart = (at: Date, resolution: number): Date =>
  new Date(Math.floor(at.getTime() / (resolution * 1000)) * resolution * 1000);
