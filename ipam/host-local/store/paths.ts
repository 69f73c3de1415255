// Where a network's reservations live, and the guard that keeps a network name from pointing
// anywhere but one directory directly inside the data directory.
import { join } from 'node:path';
import { invalidConfig } from '../../../lib/cni/errors.ts';

/** Our own directory inside dataDir: its leading dot keeps it apart from every valid network name. */
export const INDEX_ROOT = '.cni-ts-index';

export function checkNetworkName(network: string): void {
  // The CNI name rules already exclude all of these; the store does not rely on its callers.
  if (network === '' || network.startsWith('.') || network.includes('/') || network.includes('\0')) {
    throw invalidConfig(`invalid network name ${JSON.stringify(network)}: it must name a directory inside the data directory`);
  }
}

export function networkDir(dataDir: string, network: string): string {
  checkNetworkName(network);
  return join(dataDir, network);
}

export function indexDir(dataDir: string, network: string): string {
  checkNetworkName(network);
  return join(dataDir, INDEX_ROOT, network);
}
