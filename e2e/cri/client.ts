// A small CRI v1 RuntimeService client over containerd's gRPC unix socket, every call with a
// deadline. The service and messages come from runtime-v1-subset.proto, loaded at run time;
// ListPodSandbox goes through the shipped gc's own client (bin/admin/gc/cri.ts).
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { join } from 'node:path';
import { listPodSandboxes } from '../../bin/admin/gc/cri.ts';
import type { PodSandbox } from '../../bin/admin/gc/cri-codec.ts';
import type { PodSandboxStatusResponse, RunPodSandboxRequest } from './messages.ts';

export const PROTO = join(import.meta.dirname, 'runtime-v1-subset.proto');

/** keepCase: the objects use the proto's own field names; enums by name; int64 as strings. */
export const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, enums: String, longs: String, defaults: true, arrays: true, objects: true };

export function loadDefinition(): protoLoader.PackageDefinition {
  return protoLoader.loadSync(PROTO, LOADER_OPTIONS);
}

export interface VersionResponse {
  version: string;
  runtime_name: string;
  runtime_version: string;
  runtime_api_version: string;
}

type Unary = (req: unknown, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;

export class CriClient {
  private readonly stub: grpc.Client & Record<string, Unary>;
  private readonly socket: string;

  constructor(socket: string) {
    this.socket = socket;
    const pkg = grpc.loadPackageDefinition(loadDefinition()) as unknown as {
      runtime: { v1: { RuntimeService: grpc.ServiceClientConstructor } };
    };
    this.stub = new pkg.runtime.v1.RuntimeService(`unix://${socket}`, grpc.credentials.createInsecure()) as grpc.Client & Record<string, Unary>;
  }

  private call<T>(method: string, req: unknown, timeout: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const fn = this.stub[method]!.bind(this.stub);
      fn(req, new grpc.Metadata(), { deadline: Date.now() + timeout }, (err, res) => {
        if (err) reject(new Error(`CRI ${method}: ${err.details || err.message} (gRPC code ${err.code})`, { cause: err }));
        else resolve(res as T);
      });
    });
  }

  version(timeout = 5_000): Promise<VersionResponse> {
    return this.call('Version', { version: 'v1' }, timeout);
  }

  async runPodSandbox(req: RunPodSandboxRequest, timeout = 90_000): Promise<string> {
    return (await this.call<{ pod_sandbox_id: string }>('RunPodSandbox', req, timeout)).pod_sandbox_id;
  }

  podSandboxStatus(id: string, timeout = 10_000): Promise<PodSandboxStatusResponse> {
    return this.call('PodSandboxStatus', { pod_sandbox_id: id, verbose: false }, timeout);
  }

  /** The shipped gc's own client (no .proto), so the e2e exercises it too. */
  listPodSandbox(timeout = 10_000): Promise<PodSandbox[]> {
    return listPodSandboxes(`unix://${this.socket}`, timeout);
  }

  async stopPodSandbox(id: string, timeout = 60_000): Promise<void> {
    await this.call('StopPodSandbox', { pod_sandbox_id: id }, timeout);
  }

  async removePodSandbox(id: string, timeout = 60_000): Promise<void> {
    await this.call('RemovePodSandbox', { pod_sandbox_id: id }, timeout);
  }

  close(): void {
    this.stub.close();
  }
}
