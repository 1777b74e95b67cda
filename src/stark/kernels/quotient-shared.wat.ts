/** The quotient kernel of quotient.wat.ts on a shared memory, for the optional Node helper thread (quotient-workers.ts). */
import { wat as quotientWat } from './quotient.wat.ts';

export function wat(): string {
  return quotientWat(true);
}
