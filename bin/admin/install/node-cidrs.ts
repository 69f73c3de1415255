// The pod CIDRs the cluster assigned to a Node (spec.podCIDRs, or the older single spec.podCIDR),
// read through the Kubernetes API and waited for: kube-controller-manager sets them some time
// after the Node registers, and the DaemonSet that runs install may start before that.
//
// @kubernetes/client-node loads the credentials (the in-cluster service account, or a kubeconfig
// with its CA, client certificates, tokens and exec plugins) and is imported only on this path.
// The GET itself goes through node:https with the options it computes: its own fetch goes
// through undici's dispatcher, whose CA Bun's fetch ignores (a cluster CA fails as
// DEPTH_ZERO_SELF_SIGNED_CERT).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { RequestOptions } from 'node:https';

export interface NodeLookup {
  readonly nodeName: string;
  /** A kubeconfig file; without it, the pod's in-cluster service account. */
  readonly kubeconfig?: string;
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly log: (line: string) => void;
}

/** The CIDRs of a Node object, [] while none is assigned. */
export function podCidrsOf(node: unknown): string[] {
  const spec = (node as { spec?: { podCIDRs?: unknown; podCIDR?: unknown } } | null)?.spec;
  if (Array.isArray(spec?.podCIDRs) && spec.podCIDRs.length > 0) return spec.podCIDRs.map(String);
  return typeof spec?.podCIDR === 'string' && spec.podCIDR !== '' ? [spec.podCIDR] : [];
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

function get(url: URL, options: RequestOptions, timeoutMs: number): Promise<Answer> {
  return new Promise((done, fail) => {
    const headers = { ...options.headers, accept: 'application/json' };
    // In-cluster configs speak plain HTTP on ports 80, 8080 and 8001, where the TLS agent that
    // client-node made has no use.
    const plain = url.protocol === 'http:';
    const request = plain ? httpRequest : httpsRequest;
    const req = request(url, { ...options, ...(plain ? { agent: undefined } : {}), method: 'GET', headers, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', fail);
    req.end();
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One GET of the Node: its CIDRs, or why to ask again. A refused request (4xx: no such Node, no
 *  permission) throws; an unreachable API server, a 5xx or a Node without CIDRs is retried. */
async function askOnce(url: URL, options: RequestOptions, nodeName: string, timeoutMs: number): Promise<string[] | string> {
  let a: Answer;
  try {
    a = await get(url, options, timeoutMs);
  } catch (err) {
    return `GET ${url.href}: ${(err as Error).message}`;
  }
  if (a.status >= 400 && a.status < 500) throw new Error(`GET ${url.href}: HTTP ${a.status}: ${a.body.trim().slice(0, 300)}`);
  if (a.status !== 200) return `GET ${url.href}: HTTP ${a.status}`;
  const cidrs = podCidrsOf(JSON.parse(a.body));
  return cidrs.length > 0 ? cidrs : `Node ${nodeName} has no spec.podCIDRs yet`;
}

/** Polls the Node until it has pod CIDRs or `timeoutMs` has passed, saying once per reason
 *  that it waits. */
export async function nodePodCidrs(o: NodeLookup): Promise<string[]> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  if (o.kubeconfig !== undefined) kc.loadFromFile(o.kubeconfig);
  else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else throw new Error('not in a Kubernetes pod (KUBERNETES_SERVICE_HOST is unset): give --kubeconfig FILE to reach the API server');
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error(`${o.kubeconfig} names no cluster server`);
  const url = new URL(`${server.replace(/\/+$/, '')}/api/v1/nodes/${encodeURIComponent(o.nodeName)}`);
  const deadline = Date.now() + o.timeoutMs;
  let said = '';
  for (;;) {
    // Asked each time: a projected service account token is rotated while we wait.
    const options: RequestOptions = {};
    await kc.applyToHTTPSOptions(options);
    const answer = await askOnce(url, options, o.nodeName, Math.max(1000, Math.min(10_000, deadline - Date.now())));
    if (typeof answer !== 'string') return answer;
    if (Date.now() >= deadline) throw new Error(`gave up waiting after ${Math.round(o.timeoutMs / 1000)} s: ${answer}`);
    if (answer !== said) o.log(`waiting: ${answer} (up to ${Math.round((deadline - Date.now()) / 1000)} s more)`);
    said = answer;
    await sleep(Math.min(o.pollMs, Math.max(0, deadline - Date.now())));
  }
}
