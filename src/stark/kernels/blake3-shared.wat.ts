/** The BLAKE3 kernel of blake3.wat.ts on a shared memory, for the optional Node helper thread (blake3-workers.ts). */
import { wat as blake3Wat } from './blake3.wat.ts';

export function wat(): string {
  return blake3Wat(true);
}
