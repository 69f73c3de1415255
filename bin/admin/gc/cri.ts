// The CRI client of the gc: one call, RuntimeService/ListPodSandbox, over the runtime's gRPC unix
// socket with a deadline. @grpc/grpc-js is loaded only when the call is made; the messages are
// encoded by cri-codec.ts, so no .proto is read at run time.
import { decodeListPodSandboxResponse, encodeListPodSandboxRequest, LIST_POD_SANDBOX, type PodSandbox } from './cri-codec.ts';

/** A CRI endpoint as kubelet takes it: `unix:///path`, or a bare absolute path. */
export function criTarget(endpoint: string): string {
  if (endpoint.startsWith('unix:///')) return endpoint;
  if (endpoint.startsWith('/')) return `unix://${endpoint}`;
  throw new Error(`--cri-endpoint: want unix:///path/to/socket, got ${JSON.stringify(endpoint)}`);
}

/** Every pod sandbox the runtime has, in any state; rejects on any failure or after `timeoutMs`. */
export async function listPodSandboxes(endpoint: string, timeoutMs: number): Promise<PodSandbox[]> {
  const target = criTarget(endpoint);
  const grpc = await import('@grpc/grpc-js');
  const client = new grpc.Client(target, grpc.credentials.createInsecure());
  try {
    return await new Promise<PodSandbox[]>((resolve, reject) => {
      client.makeUnaryRequest(
        LIST_POD_SANDBOX,
        (b: Buffer) => b,
        decodeListPodSandboxResponse,
        encodeListPodSandboxRequest(),
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err, res) => {
          if (!err) return resolve(res ?? []);
          // grpc-js ends a connection failure with an empty "Resolution note:"
          const why = (err.details || err.message).replace(/\.?\s*Resolution note:\s*$/, '');
          reject(new Error(`CRI ListPodSandbox on ${endpoint}: ${why} (gRPC code ${err.code})`, { cause: err }));
        },
      );
    });
  } finally {
    client.close();
  }
}
