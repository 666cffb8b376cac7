import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the receiver saw in one signed delivery. */
export interface ReceivedAlert {
  type: string;
  verified: boolean;
  data: { state?: string; rule?: { name?: string; metric?: string }; value?: number | null; threshold?: number; links?: { rule?: string; traces?: string } };
}

// Standard Webhooks allows five minutes of clock skew before a delivery counts as a replay.
const TOLERANCE_S = 300;

/** Verifies a Standard Webhooks signature header (`v1,<base64>` entries, space-separated). */
export function verifySignature(secret: string, headers: { id: string; timestamp: string; signature: string }, body: string, nowS = Date.now() / 1000): boolean {
  if (!secret.startsWith('whsec_')) return false;
  const ts = Number(headers.timestamp);
  if (!Number.isFinite(ts) || Math.abs(nowS - ts) > TOLERANCE_S) return false;
  const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${headers.id}.${headers.timestamp}.${body}`).digest();
  return headers.signature.split(' ').some((entry) => {
    const [version, sig] = entry.split(',', 2);
    if (version !== 'v1' || sig === undefined) return false;
    const given = Buffer.from(sig, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export interface AlertReceiver {
  url: string;
  /** Set once the webhook exists: deliveries before that cannot be verified and are refused. */
  setSecret(secret: string): void;
  close(): Promise<void>;
}

/**
 * A local webhook endpoint standing in for Slack or PagerDuty: it checks each delivery's signature
 * and reports it. Unsigned or badly signed requests get a 401, as a real receiver should answer.
 */
export async function startAlertReceiver(opts: { host: string; port: number; publicHost?: string; onAlert: (alert: ReceivedAlert) => void }): Promise<AlertReceiver> {
  let secret: string | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => String(req.headers[name] ?? '');
      const verified = secret !== undefined && verifySignature(secret, { id: header('webhook-id'), timestamp: header('webhook-timestamp'), signature: header('webhook-signature') }, body);
      if (!verified) {
        res.writeHead(401).end();
        return;
      }
      let parsed: { type?: string; data?: ReceivedAlert['data'] } = {};
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch (error) {
        res.writeHead(400).end();
        opts.onAlert({ type: `unparseable delivery: ${(error as Error).message}`, verified, data: {} });
        return;
      }
      res.writeHead(204).end();
      opts.onAlert({ type: parsed.type ?? 'unknown', verified, data: parsed.data ?? {} });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.publicHost ?? opts.host}:${port}/sightline-alerts`,
    setSecret: (s) => {
      secret = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
