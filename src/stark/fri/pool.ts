/**
 * Reusable scratch buffers for the PCS prover. A fresh 64 MiB Uint32Array costs 220–640 ms on the shared VM
 * (every page's first touch is a host fault, and freed pages go back to the host) against 2–7 ms to refill a
 * warm one (measured), so codeword-sized buffers are kept in the process and handed out again, within a call
 * (give) and across calls (releaseAll). A buffer taken from a pool is only valid until it is given back.
 */
export class BufferPool {
  /** Free backing stores; take() picks the smallest that fits and wastes at most half of it. */
  private readonly free: ArrayBuffer[] = [];
  private readonly taken = new Set<ArrayBuffer>();

  /** A view of `words` words with arbitrary contents (zero only when freshly allocated). */
  take(words: number): Uint32Array {
    const bytes = 4 * words;
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = this.free[i].byteLength;
      if (size >= bytes && size <= 2 * bytes && (best < 0 || size < this.free[best].byteLength)) best = i;
    }
    const store = best < 0 ? new ArrayBuffer(bytes) : this.free.splice(best, 1)[0];
    this.taken.add(store);
    return new Uint32Array(store, 0, words);
  }

  /** Like take, filled with zeros. */
  takeZeroed(words: number): Uint32Array {
    return this.take(words).fill(0);
  }

  /** Returns one buffer (any view of a taken store); the caller must not use it afterwards. */
  give(view: Uint32Array): void {
    const store = view.buffer as ArrayBuffer;
    if (!this.taken.delete(store)) throw new Error('BufferPool.give: buffer was not taken from this pool');
    this.free.push(store);
  }

  /** Whether `view` lies in a buffer currently taken from this pool. */
  owns(view: Uint32Array): boolean {
    return this.taken.has(view.buffer as ArrayBuffer);
  }

  /** Every buffer taken so far becomes reusable: the caller must hold none of them afterwards. */
  releaseAll(): void {
    for (const store of this.taken) this.free.push(store);
    this.taken.clear();
  }

  /** Drops every free buffer (memory goes back to the GC). */
  clear(): void {
    this.free.length = 0;
  }
}
