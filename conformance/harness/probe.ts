// Small traffic endpoints run inside a namespace (`ip netns exec <ns> cni-conformance probe ...`):
// a TCP server answering one line, a TCP client, a UDP receiver and sender. Each one is bounded
// in time, so nothing outlives a scenario.
import { createServer, connect } from 'node:net';
import { createSocket } from 'node:dgram';

const fail = (msg: string): never => {
  process.stderr.write(`probe: ${msg}\n`);
  process.exit(2);
};

/** `tcp-serve <port> <reply> <seconds>` (`{peer}` in the reply: the client's address), `tcp-get <host> <port> <seconds>`, `udp-recv <port> <seconds>`, `udp-send <host> <port> <text> [srcPort]`. */
export function probeMain(args: readonly string[]): void {
  const [mode, a, b, c] = args;
  const seconds = (s: string | undefined): number => Number(s ?? '10') * 1000;
  switch (mode) {
    case 'tcp-serve': {
      // `{peer}` in the reply becomes the client's address as the server sees it (after any NAT).
      const server = createServer((sock) => {
        sock.on('error', () => {});
        sock.end(`${b!.replaceAll('{peer}', (sock.remoteAddress ?? '').replace(/^::ffff:/, ''))}\n`);
      });
      server.on('error', (e) => fail(e.message));
      server.listen(Number(a), () => process.stdout.write('ready\n'));
      setTimeout(() => process.exit(0), seconds(c)).unref();
      return;
    }
    case 'tcp-get': {
      const sock = connect({ host: a!, port: Number(b) });
      let data = '';
      sock.setTimeout(seconds(c), () => fail('timeout'));
      sock.on('data', (d) => (data += String(d)));
      sock.on('end', () => {
        process.stdout.write(data);
        process.exit(0);
      });
      sock.on('error', (e) => fail(e.message));
      return;
    }
    case 'udp-recv': {
      const s = createSocket('udp4');
      s.on('message', (m) => {
        process.stdout.write(`${String(m)}\n`);
        process.exit(0);
      });
      s.on('error', (e) => fail(e.message));
      s.bind(Number(a), () => process.stdout.write('ready\n'));
      setTimeout(() => fail('timeout'), seconds(b)).unref();
      return;
    }
    case 'udp-send': {
      // An optional fixed source port (5th word) makes repeated sends one conntrack flow.
      const s = createSocket(a!.includes(':') ? 'udp6' : 'udp4');
      const send = (): void => s.send(c ?? 'ping', Number(b), a!, (e) => (e ? fail(e.message) : process.exit(0)));
      if (args[4]) s.bind(Number(args[4]), send);
      else send();
      return;
    }
    default:
      fail(`unknown probe ${mode}`);
  }
}
