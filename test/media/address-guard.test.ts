import { embeddedIPv4, isForbiddenAddress } from '../../lambda/src/media/address-guard';

describe('isForbiddenAddress', () => {
  it.each([
    ['loopback', '127.0.0.1'],
    ['loopback, anywhere in 127/8', '127.8.9.10'],
    ['private 10/8', '10.1.2.3'],
    ['private 172.16/12 (low end)', '172.16.0.1'],
    ['private 172.16/12 (high end)', '172.31.255.254'],
    ['private 192.168/16', '192.168.1.1'],
    ['link-local', '169.254.10.20'],
    ['cloud metadata', '169.254.169.254'],
    ['carrier-grade NAT', '100.64.0.1'],
    ['carrier-grade NAT (high end)', '100.127.255.254'],
    ['this network', '0.0.0.0'],
    ['multicast', '224.0.0.251'],
    ['broadcast', '255.255.255.255'],
    ['IPv6 loopback', '::1'],
    ['IPv6 unspecified', '::'],
    ['IPv6 link-local', 'fe80::1'],
    ['IPv6 unique local', 'fd12:3456::1'],
    ['IPv6 unique local fc00::/7 low half', 'fc00::1'],
    ['AWS metadata over IPv6', 'fd00:ec2::254'],
    ['IPv6 multicast', 'ff02::1'],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
    ['IPv4-mapped metadata, hex form', '::ffff:a9fe:a9fe'],
    ['IPv4-mapped private, long form', '0:0:0:0:0:ffff:0a00:0001'],
    ['NAT64 of a private address', '64:ff9b::10.0.0.1'],
    ['IPv4-compatible (deprecated) loopback', '::127.0.0.1'],
    ['6to4 embedding loopback', '2002:7f00:1::1'],
    ['6to4 embedding link-local (metadata)', '2002:a9fe:a9fe::1'],
    ['6to4 embedding a public address (refused whole)', '2002:5db8:d822::1'],
    ['Teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
    ['Teredo whose client is loopback', '2001::ffff:ffff:80ff:fffe'],
    ['IPv4-translated loopback', '::ffff:0:127.0.0.1'],
    ['IPv4-translated metadata, hex form', '::ffff:0:a9fe:a9fe'],
    ['local-use NAT64 of loopback', '64:ff9b:1::7f00:1'],
    ['not an address', 'example.com'],
    ['zone id', 'fe80::1%eth0'],
  ])('refuses %s (%s)', (_name, address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each([
    ['public IPv4', '93.184.216.34'],
    ['just outside 172.16/12', '172.32.0.1'],
    ['just outside CGNAT', '100.128.0.1'],
    ['just outside link-local', '169.255.0.1'],
    ['public IPv6', '2606:2800:220:1:248:1893:25c8:1946'],
    ['IPv4-mapped public address', '::ffff:93.184.216.34'],
  ])('allows %s (%s)', (_name, address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });
});

describe('embeddedIPv4', () => {
  it.each([
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::ffff:a9fe:a9fe', '169.254.169.254'],
    ['64:ff9b::c0a8:101', '192.168.1.1'],
    ['2001:db8::1', undefined],
  ])('%s → %s', (v6, v4) => {
    expect(embeddedIPv4(v6)).toBe(v4);
  });
});
