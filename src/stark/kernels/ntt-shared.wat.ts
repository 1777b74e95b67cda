/** The NTT kernel on an imported *shared* memory, for the worker threads of ntt-workers.ts (same code as ntt.wat.ts). */
import { wat as nttWat } from './ntt.wat.ts';

export function wat(): string {
  return nttWat(true);
}
