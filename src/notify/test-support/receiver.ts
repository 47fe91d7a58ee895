/**
 * A webhook receiver for tests, on 127.0.0.1 and an OS-chosen port. Each request is recorded
 * with its raw body; `respond` decides what to do with the n-th request (1-based).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedRequest {
  n: number;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** `hang`: never answer; `drop`: destroy the connection without a response. */
export type Respond = (req: ReceivedRequest) => number | 'hang' | 'drop' | { status: number; headers: Record<string, string> };

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Requests answered with a 2xx. */
  accepted: () => ReceivedRequest[];
  close(): Promise<void>;
}

export async function startReceiver(respond: Respond = () => 200): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const answers = new Map<number, number>();
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: ReceivedRequest = {
        n: requests.length + 1,
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(r);
      const answer = respond(r);
      if (answer === 'hang') return;
      if (answer === 'drop') {
        req.socket.destroy();
        return;
      }
      const { status, headers } = typeof answer === 'number' ? { status: answer, headers: {} } : answer;
      answers.set(r.n, status);
      res.writeHead(status, headers).end();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    accepted: () => requests.filter((r) => {
      const s = answers.get(r.n);
      return s !== undefined && s >= 200 && s < 300;
    }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
