/** The extension-field kernel of ext4.wat.ts on a shared memory, for the optional Node helper thread (ext4-workers.ts). */
import { wat as ext4Wat } from './ext4.wat.ts';

export function wat(): string {
  return ext4Wat(true);
}
