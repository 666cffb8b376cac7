import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Refuses webhook targets on loopback, private, link-local, carrier-grade NAT, multicast, reserved
 * and cloud-metadata addresses. Checked when a webhook is saved and again before every connection,
 * against the address the name resolves to at that moment, and the connection then goes to exactly
 * that vetted address, so a DNS answer that changes in between (rebinding) cannot slip through.
 */

export class WebhookTargetError extends Error {
  readonly code = 'webhook_target_refused';
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT; also Alibaba's metadata 100.100.100.200
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local; AWS/GCP/Azure metadata 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved and broadcast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::', 96], // deprecated IPv4-compatible
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local; AWS metadata fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

const BLOCKED_NAMES = [/^localhost$/i, /\.localhost$/i];
/** Cloud instance-metadata endpoints stay refused even when private targets are allowed. */
const METADATA_NAMES = [/^metadata\.google\.internal$/i, /^metadata$/i, /^instance-data(\.ec2\.internal)?$/i];
const METADATA_ADDRESSES = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', 'fd00:ec2::254', '168.63.129.16']);

function isMetadataAddress(address: string): boolean {
  const v4 = isIP(address) === 6 ? embeddedIPv4(address) : null;
  return METADATA_ADDRESSES.has((v4 ?? address).toLowerCase());
}

/** IPv4 embedded in an IPv6 address by mapping, NAT64 or 6to4, where the v4 rules must apply. */
function embeddedIPv4(address: string): string | null {
  const groups = expandIPv6(address);
  if (!groups) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  if (zeros(0, 5) && groups[5] === 0xffff) return v4(groups[6]!, groups[7]!); // ::ffff:a.b.c.d
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return v4(groups[6]!, groups[7]!); // 64:ff9b::/96
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!); // 6to4
  return null;
}

function expandIPv6(address: string): number[] | null {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const parts = tail.split('.').map(Number);
    if (parts.length !== 4) return null;
    const [a = 0, b = 0, c = 0, d = 0] = parts;
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const h = head ? head.split(':') : [];
  const r = rest ? rest.split(':') : [];
  const fill = rest === undefined ? 0 : 8 - h.length - r.length;
  const groups = [...h, ...Array<string>(Math.max(fill, 0)).fill('0'), ...r].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** Why an address is refused, or null when it is a public unicast address. */
export function refusedAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4') ? `${address} is a loopback, private, link-local or reserved address` : null;
  if (family === 6) {
    const v4 = embeddedIPv4(address);
    if (v4 !== null) return refusedAddressReason(v4) === null ? null : `${address} embeds the non-public ${v4}`;
    const plain = address.split('%')[0] ?? address;
    return blocked.check(plain, 'ipv6') ? `${address} is a loopback, private, link-local or reserved address` : null;
  }
  return `${address} is not an IP address`;
}

export interface VettedTarget {
  url: URL;
  /** The checked address the connection must use. */
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;
const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Parses with the WHATWG parser first, which is what turns `http://2130706433/`, `http://0x7f.1/` and
 * `http://[::ffff:127.0.0.1]/` into their canonical forms, then vets every address the name has.
 */
export async function vetWebhookTarget(
  rawUrl: string,
  options: { allowPrivate: boolean; resolve?: Resolver },
): Promise<VettedTarget> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch (error) {
    throw new WebhookTargetError(`not a valid URL: ${rawUrl}`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookTargetError('only http and https targets are allowed');
  if (url.username || url.password) throw new WebhookTargetError('credentials in the webhook URL are not allowed');
  // A trailing dot names the same host (`localhost.`) and must not dodge the name check.
  const host = (url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname).replace(/\.$/, '');
  if (METADATA_NAMES.some((re) => re.test(host))) throw new WebhookTargetError(`${host} is a cloud metadata host name`);
  if (!options.allowPrivate && BLOCKED_NAMES.some((re) => re.test(host))) {
    throw new WebhookTargetError(`${host} is a local host name`);
  }
  let addresses: { address: string; family: number }[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await (options.resolve ?? systemResolver)(host);
    } catch (error) {
      throw new WebhookTargetError(`cannot resolve ${host}`, { cause: error });
    }
    if (addresses.length === 0) throw new WebhookTargetError(`${host} has no address`);
  }
  for (const a of addresses) {
    if (isMetadataAddress(a.address)) throw new WebhookTargetError(`refused ${host}: ${a.address} is a cloud metadata address`);
  }
  if (!options.allowPrivate) {
    for (const a of addresses) {
      const reason = refusedAddressReason(a.address);
      if (reason !== null) throw new WebhookTargetError(`refused ${host}: ${reason}`);
    }
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
