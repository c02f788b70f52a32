// Counter readings waiting for the console. Bounded: when full, only the newest reading of each
// connection is kept (counters are cumulative, so older ones add nothing but time detail), and
// if that is still too many the oldest go.
export interface Reading {
  /** The connection's id on this VPN server, as the hooks report it. */
  connectionId: string;
  bytesIn: bigint;
  bytesOut: bigint;
  at: Date;
}

export class ReadingBuffer {
  private readings: Reading[] = [];
  /** Readings dropped because the buffer was full. */
  dropped = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.readings.length;
  }

  add(readings: readonly Reading[]): void {
    this.readings.push(...readings);
    if (this.readings.length <= this.capacity) return;
    const latest = new Map<string, Reading>();
    for (const reading of this.readings) latest.set(reading.connectionId, reading);
    const kept = [...latest.values()].sort((a, b) => a.at.getTime() - b.at.getTime());
    const overflow = Math.max(0, kept.length - this.capacity);
    this.dropped += this.readings.length - kept.length + overflow;
    this.readings = kept.slice(overflow);
  }

  /** Removes and returns up to `count` of the oldest readings. */
  take(count: number): Reading[] {
    return this.readings.splice(0, count);
  }

  /** Returns readings that could not be sent to the front, within capacity. */
  putBack(readings: readonly Reading[]): void {
    this.readings.unshift(...readings);
    this.add([]);
  }
}
