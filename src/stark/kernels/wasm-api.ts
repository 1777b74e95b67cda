/**
 * The slice of the WebAssembly JS API the kernels use, typed locally: tsconfig's lib (ES2022, no DOM) declares
 * none, and reading it off globalThis also covers runtimes without WebAssembly (callers then use the TS paths).
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

export const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** A kernel instance on its own (unshared) memory. */
export interface PrivateKernel<T> {
  readonly x: T;
  readonly memory: WasmMemory;
}

/** Instantiates a committed module on a fresh memory; null where WebAssembly or wasm SIMD is missing (callers then run their TS path). */
export function instantiateKernel<T>(b64: string): PrivateKernel<T> | null {
  if (wasmApi === undefined) return null;
  try {
    const memory = new wasmApi.Memory({ initial: 1 });
    const instance = new wasmApi.Instance(new wasmApi.Module(base64Bytes(b64)), { env: { memory } });
    return { x: instance.exports as unknown as T, memory };
  } catch {
    return null;
  }
}

/** Decodes a committed module (`*.wasm.ts`); `atob` exists in browsers and Node ≥ 16. */
export function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
