// Placeholder until install lands (issue 13): the command line is declared in cli.ts.
export interface InstallOptions {
  binDir: string;
  confDir: string;
  podCidr: string[];
  nodeName?: string;
  network: string;
  bridge: string;
  mtu?: string;
  portmap: boolean;
  dataDir?: string;
  force?: boolean;
}

export interface UninstallOptions {
  binDir: string;
  confDir: string;
}

export async function install(_o: InstallOptions): Promise<number> {
  process.stderr.write('cni-ts install: not implemented yet\n');
  return 2;
}

export async function uninstall(_o: UninstallOptions): Promise<number> {
  process.stderr.write('cni-ts uninstall: not implemented yet\n');
  return 2;
}
