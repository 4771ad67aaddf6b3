/**
 * Which IP addresses the gateway may fetch media from. A client-supplied image URL must never make the
 * gateway reach its own host, the VPC, or the cloud metadata service (SSRF), so every address a name
 * resolves to is checked here before any connection is made.
 */
import { BlockList, isIP } from 'node:net';

const FORBIDDEN_V4: ReadonlyArray<[string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, incl. 169.254.169.254 (instance metadata)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. broadcast
];

const FORBIDDEN_V6: ReadonlyArray<[string, number]> = [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible range
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some stacks)
  ['fc00::', 7], // unique local, incl. fd00:ec2::254 (instance metadata over IPv6)
  ['ff00::', 8], // multicast
  ['2001:db8::', 32], // documentation
  // Tunnelled and translated forms that can carry any IPv4 address, loopback and metadata included. None
  // serves public images in practice, so each range is refused whole rather than decoded.
  ['2002::', 16], // 6to4 (deprecated): 2002:AABB:CCDD::/48 embeds a.b.c.d
  ['2001::', 32], // Teredo: the client's IPv4 address, bit-inverted, in the last 32 bits
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT): ::ffff:0:a.b.c.d
  ['64:ff9b:1::', 48], // local-use NAT64 prefix (RFC 8215)
];

const blocked = new BlockList();
for (const [net, prefix] of FORBIDDEN_V4) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of FORBIDDEN_V6) blocked.addSubnet(net, prefix, 'ipv6');

/** The IPv4 address an IPv6 address reaches: IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d). */
export function embeddedIPv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const hi = parseInt(hex[1], 16);
  const lo = parseInt(hex[2], 16);
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

/** True for addresses the gateway must not connect to on a client's behalf (and for non-addresses). */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  // The WHATWG URL parser writes IPv6 in its canonical compressed form (zone ids are not addresses).
  if (address.includes('%')) return true;
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const v4 = embeddedIPv4(canonical);
  if (v4 !== undefined) return isForbiddenAddress(v4);
  return blocked.check(canonical, 'ipv6');
}
