// `cni-ts status`: the networks of the conf dir, their plugins' STATUS, address pool use, cached
// attachments and firewall backend, for a person (-o human) or a program (-o json).
import { colourWanted, painter } from './table.ts';
import { renderStatus, statusJson } from './status/human.ts';
import { statusReport } from './status/report.ts';

export interface StatusCliOptions {
  confDir: string;
  cacheDir: string;
  binDir: string;
  output: 'human' | 'json';
}

export async function status(o: StatusCliOptions): Promise<number> {
  const report = await statusReport(o);
  process.stdout.write(o.output === 'json' ? statusJson(report) : renderStatus(report, painter(colourWanted(process.stdout, process.env))));
  return 0;
}
