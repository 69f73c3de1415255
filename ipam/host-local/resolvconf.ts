// resolv.conf to a CNI DNS block, as the reference's parseResolvConf reads it: first field of
// each nameserver line, the last domain, every search and options field; comments skipped.
import { readFileSync } from 'node:fs';
import type { DNS } from '../../lib/cni/result.ts';
import { ioError } from './store/fsio.ts';

export function parseResolvConfText(text: string): DNS {
  const dns: DNS = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line[0] === '#' || line[0] === ';') continue;
    const fields = line.split(/\s+/u);
    if (fields.length < 2) continue;
    const [key, first, ...rest] = fields as [string, string, ...string[]];
    if (key === 'nameserver') (dns.nameservers ??= []).push(first);
    else if (key === 'domain') dns.domain = first;
    else if (key === 'search') (dns.search ??= []).push(first, ...rest);
    else if (key === 'options') (dns.options ??= []).push(first, ...rest);
  }
  return dns;
}

export function parseResolvConf(path: string): DNS {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw ioError(err);
  }
  return parseResolvConfText(text);
}
