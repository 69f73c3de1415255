// Which boot this is, and when it began by the wall clock: what tells a reservation left by a
// previous boot (no container survives a reboot) from one of the running boot.
import { readFileSync } from 'node:fs';
import { ioError } from './fsio.ts';

export interface BootClock {
  /** The kernel's random ID of the running boot. */
  id(): string;
  /** The start of this boot in wall-clock milliseconds, as the clock stands now (it moves when the clock is stepped). */
  startedMs(): number;
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw ioError(err);
  }
}

export const kernelBoot: BootClock = {
  id: () => read('/proc/sys/kernel/random/boot_id').trim(),
  // /proc/uptime counts suspended time too (CLOCK_BOOTTIME), as file times do.
  startedMs: () => Date.now() - Number(read('/proc/uptime').split(' ')[0]) * 1000,
};
