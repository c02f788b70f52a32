// Traffic samples: bytes a connection moved in one bucket of `resolution` seconds.

export interface SampleBytes {
  connectionId: string;
  resolution: number;
  at: Date;
  bytesIn: bigint;
  bytesOut: bigint;
}

/** Start of the bucket of `resolution` seconds that holds `at`, aligned to the epoch. */
export const bucketStart = (at: Date, resolution: number): Date =>
  new Date(Math.floor(at.getTime() / (resolution * 1000)) * resolution * 1000);
