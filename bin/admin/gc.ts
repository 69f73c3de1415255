// Placeholder until gc lands (issue 13): the command line is declared in cli.ts.
export interface GcOptions {
  criEndpoint: string;
  confDir: string;
  cacheDir: string;
  binDir: string;
  interval?: string;
}

export async function gc(_o: GcOptions): Promise<number> {
  process.stderr.write('cni-ts gc: not implemented yet\n');
  return 2;
}
