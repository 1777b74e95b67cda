/**
 * Reusable scratch buffers for the PCS prover. A fresh 64 MiB Uint32Array costs 220–640 ms on the shared VM
 * (every page's first touch is a host fault, and freed pages go back to the host) against 2–7 ms to refill a
 * warm one (measured), so codeword-sized buffers are kept in the process and handed out again, within a call
 * (give) and across calls (releaseAll). A buffer taken from a pool is only valid until it is given back.
 */
export class BufferPool {
  /** Free backing stores; take() picks the smallest that fits and wastes at most half of it. */
  private readonly free: ArrayBuffer[] = [];
  /** Buffers out on loan, weakly: one never given back is simply garbage-collected. */
  private readonly lent = new WeakSet<ArrayBuffer>();
  /** The same, strongly, for releaseAll; null for a pool whose buffers are only given back one by one. */
  private readonly taken: Set<ArrayBuffer> | null;

  /** `releasable`: keep strong references so that releaseAll can return everything (scratch of one call). */
  constructor(releasable = true) {
    this.taken = releasable ? new Set() : null;
  }

  /** A view of `words` words with arbitrary contents (zero only when freshly allocated). */
  take(words: number): Uint32Array {
    const bytes = 4 * words;
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = this.free[i].byteLength;
      if (size >= bytes && size <= 2 * bytes && (best < 0 || size < this.free[best].byteLength)) best = i;
    }
    const store = best < 0 ? new ArrayBuffer(bytes) : this.free.splice(best, 1)[0];
    this.lent.add(store);
    this.taken?.add(store);
    return new Uint32Array(store, 0, words);
  }

  /** Like take, filled with zeros. */
  takeZeroed(words: number): Uint32Array {
    return this.take(words).fill(0);
  }

  /** Whether `view` lies in a buffer currently lent by this pool. */
  owns(view: Uint32Array): boolean {
    return this.lent.has(view.buffer as ArrayBuffer);
  }

  /** Returns one buffer (any view of a lent store); the caller must not use it afterwards. */
  give(view: Uint32Array): void {
    const store = view.buffer as ArrayBuffer;
    if (!this.lent.delete(store)) throw new Error('BufferPool.give: buffer was not taken from this pool');
    this.taken?.delete(store);
    this.free.push(store);
  }

  /** Every buffer taken so far becomes reusable: the caller must hold none of them afterwards. */
  releaseAll(): void {
    if (this.taken === null) throw new Error('BufferPool.releaseAll: this pool only takes buffers back one by one');
    for (const store of this.taken) {
      this.lent.delete(store);
      this.free.push(store);
    }
    this.taken.clear();
  }

  /** Drops every free buffer (memory goes back to the GC). */
  clear(): void {
    this.free.length = 0;
  }
}
