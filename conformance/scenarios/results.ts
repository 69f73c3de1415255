// Reading results of any spec version the same way: 0.1.0/0.2.0 `ip4`/`ip6`, later `ips`.
export interface Addr {
  readonly address: string;
  readonly gateway?: string;
}

type Obj = Record<string, unknown>;

export function addressesOf(result: Obj | undefined): Addr[] {
  if (!result) return [];
  if (Array.isArray(result.ips)) return (result.ips as Obj[]).map((ip) => ({ address: String(ip.address), gateway: ip.gateway as string | undefined }));
  return (['ip4', 'ip6'] as const).flatMap((k) => {
    const ip = result[k] as Obj | undefined;
    return ip ? [{ address: String(ip.ip), gateway: ip.gateway as string | undefined }] : [];
  });
}

export const firstAddress = (result: Obj | undefined): string => {
  const a = addressesOf(result)[0];
  if (!a) throw new Error(`no address in result ${JSON.stringify(result)}`);
  return a.address;
};

export const ipOnly = (cidr: string): string => cidr.split('/')[0]!;
