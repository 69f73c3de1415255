// CRI v1 request messages the e2e test sends, as plain objects with the proto's field names
// (snake_case, enums by name). Pure: unit-tested against the .proto in test/e2e/cri/messages.test.ts.

export interface SandboxSpec {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly hostname: string;
  readonly logDirectory: string;
  readonly ports: readonly { containerPort: number; hostPort: number; protocol?: 'TCP' | 'UDP' | 'SCTP'; hostIp?: string }[];
  readonly labels?: Readonly<Record<string, string>>;
}

export interface PortMapping {
  protocol: 'TCP' | 'UDP' | 'SCTP';
  container_port: number;
  host_port: number;
  host_ip: string;
}

export interface RunPodSandboxRequest {
  config: {
    metadata: { name: string; uid: string; namespace: string; attempt: number };
    hostname: string;
    log_directory: string;
    dns_config: { servers: string[]; searches: string[]; options: string[] };
    port_mappings: PortMapping[];
    labels: Record<string, string>;
    annotations: Record<string, string>;
    linux: {
      cgroup_parent: string;
      security_context: { namespace_options: { network: 'POD'; pid: 'CONTAINER'; ipc: 'POD' }; privileged: boolean };
      sysctls: Record<string, string>;
    };
  };
  runtime_handler: string;
}

/** A pod sandbox in its own network namespace (so the CNI network is set up), with port mappings. */
export function runPodSandboxRequest(spec: SandboxSpec): RunPodSandboxRequest {
  return {
    config: {
      metadata: { name: spec.name, uid: spec.uid, namespace: spec.namespace, attempt: 0 },
      hostname: spec.hostname,
      log_directory: spec.logDirectory,
      dns_config: { servers: [], searches: [], options: [] },
      port_mappings: spec.ports.map((p) => ({
        protocol: p.protocol ?? 'TCP',
        container_port: p.containerPort,
        host_port: p.hostPort,
        host_ip: p.hostIp ?? '',
      })),
      labels: { ...(spec.labels ?? {}) },
      annotations: {},
      linux: {
        cgroup_parent: '',
        security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' }, privileged: false },
        sysctls: {},
      },
    },
    runtime_handler: '',
  };
}

export interface PodSandboxStatusResponse {
  status?: {
    id: string;
    state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
    network?: { ip: string; additional_ips: { ip: string }[] } | null;
    metadata?: { name: string; namespace: string; uid: string } | null;
  } | null;
  info?: Record<string, string>;
}

/** The pod's IPs as PodSandboxStatus reports them: the primary first, then the additional ones. */
export function sandboxIps(res: PodSandboxStatusResponse): string[] {
  const net = res.status?.network;
  if (!net) return [];
  return [net.ip, ...(net.additional_ips ?? []).map((a) => a.ip)].filter((ip) => ip !== '');
}
