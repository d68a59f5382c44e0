import type { BlockRef } from "./blockRef.ts";

/**
 * Accounts for live blocks. In the embedded runtime a block's memory is a SharedArrayBuffer that the
 * garbage collector frees once no array references its future; this store observes that release through a
 * FinalizationRegistry (the safety net behind `DsArray.dispose`, which drops an array's references at once).
 * It is also the hook where a cluster executor will free the remote copy of a block.
 */
export class BlockStore {
  private liveBlocks = 0;
  private liveBytes = 0;
  private readonly registry = new FinalizationRegistry<number>((bytes) => {
    this.liveBlocks--;
    this.liveBytes -= bytes;
  });

  /** Starts accounting for a block future whose task has been submitted. */
  track(ref: BlockRef): void {
    this.liveBlocks++;
    this.liveBytes += ref.bytes;
    this.registry.register(ref, ref.bytes);
  }

  stats(): { liveBlocks: number; liveBytes: number } {
    return { liveBlocks: this.liveBlocks, liveBytes: this.liveBytes };
  }
}
