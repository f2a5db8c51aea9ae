import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Which non-public addresses outbound requests may reach; mirrors `config.network`. */
export interface AddressPolicy {
  /** DOCSORT_ALLOW_PRIVATE_NETWORK: loopback, RFC 1918, link-local, CGNAT and unique-local ranges. */
  allowPrivate: boolean;
  /** DOCSORT_ALLOW_CIDRS: ranges allowed whatever their kind, e.g. `10.1.0.0/16` for an internal file server. */
  allowCidrs: string[];
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A policy whose CIDRs have been parsed once; build it with `compileAddressPolicy`. */
export interface CompiledAddressPolicy {
  readonly allowPrivate: boolean;
  readonly allowCidrs: readonly Cidr[];
}

export type AddressVerdict = { allowed: true } | { allowed: false; category: AddressCategory };

/**
 * An ipaddr.js range name (`loopback`, `private`, `6to4`, ...; its typings list only some of them) or one of
 * ours: `cloudMetadata`, `ipv4Compatible`, `invalid`. `unicast` is the only category allowed by default.
 */
export type AddressCategory = string;

/** Ranges that DOCSORT_ALLOW_PRIVATE_NETWORK unlocks; multicast, reserved, tunnels etc. stay refused. */
const PRIVATE_CATEGORIES: ReadonlySet<string> = new Set([
  'loopback',
  'private',
  'linkLocal',
  'carrierGradeNat',
  'uniqueLocal',
]);

// Instance-metadata endpoints hand out cloud credentials: refused even when private networks are allowed.
// AWS/GCP/Azure/Oracle/OpenStack share 169.254.169.254; AWS's IPv6 one; Alibaba's sits in CGNAT space.
const CLOUD_METADATA = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200']);

const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');

const LABELS: Record<string, string> = {
  loopback: 'loopback address',
  private: 'private network address',
  linkLocal: 'link-local address',
  carrierGradeNat: 'carrier-grade NAT address',
  uniqueLocal: 'unique local address',
  unspecified: 'unspecified address',
  broadcast: 'broadcast address',
  multicast: 'multicast address',
  reserved: 'reserved address',
  cloudMetadata: 'cloud metadata address',
  ipv4Compatible: 'IPv4-compatible IPv6 address',
  invalid: 'invalid address',
};

/** Human label for a category, as used in error messages: `loopback address`, `6to4 address`. */
export function describeCategory(category: AddressCategory): string {
  return LABELS[category] ?? `${category} address`;
}

/** An address plus the category it falls into; IPv4-mapped IPv6 is unwrapped to the IPv4 it carries. */
function categorise(ip: string): { address: ipaddr.IPv4 | ipaddr.IPv6 | null; category: AddressCategory } {
  // ipaddr.parse also takes "1.2.3" and "0x7f000001"; only canonical literals (what sockets and DNS report) count.
  if (isIP(ip) === 0) return { address: null, category: 'invalid' };
  let address = ipaddr.parse(ip);
  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress()) address = address.toIPv4Address();
  const canonical = address.toString();
  if (CLOUD_METADATA.has(canonical)) return { address, category: 'cloudMetadata' };
  const category: AddressCategory = address.range();
  // ::/96 (deprecated IPv4-compatible, e.g. [::127.0.0.1] in a URL) is "unicast" to ipaddr.js.
  if (category === 'unicast' && address instanceof ipaddr.IPv6 && address.match(IPV4_COMPATIBLE)) {
    return { address, category: 'ipv4Compatible' };
  }
  return { address, category };
}

/** True for anything that is not a plain public unicast address, including cloud metadata endpoints. */
export function isForbiddenAddress(ip: string): boolean {
  return categorise(ip).category !== 'unicast';
}

/** Validate the CIDRs once; throws with the offending entry so a bad DOCSORT_ALLOW_CIDRS fails at start-up. */
export function compileAddressPolicy(policy: AddressPolicy): CompiledAddressPolicy {
  const allowCidrs = policy.allowCidrs.map((raw): Cidr => {
    const text = raw.trim();
    try {
      return ipaddr.parseCIDR(text);
    } catch {
      throw new Error(
        `Invalid CIDR ${JSON.stringify(raw)} in the allowed ranges; expected e.g. 10.0.0.0/8 or fd00::/8`,
      );
    }
  });
  return { allowPrivate: policy.allowPrivate, allowCidrs };
}

/** Decide whether a connection to `ip` is allowed under `policy`. */
export function checkAddress(ip: string, policy: CompiledAddressPolicy): AddressVerdict {
  const { address, category } = categorise(ip);
  if (category === 'unicast') return { allowed: true };
  if (address === null) return { allowed: false, category };
  // An operator's explicit range wins over every category, metadata included.
  if (
    policy.allowCidrs.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits))
  ) {
    return { allowed: true };
  }
  if (policy.allowPrivate && PRIVATE_CATEGORIES.has(category)) return { allowed: true };
  return { allowed: false, category };
}

/** Raised before (or right after) connecting to an address the policy refuses. */
export class ForbiddenAddressError extends Error {
  readonly code = 'FORBIDDEN_ADDRESS';
  constructor(
    readonly address: string,
    readonly category: AddressCategory,
    readonly hostname?: string,
  ) {
    const via = hostname && hostname !== address ? ` (resolved from ${hostname})` : '';
    const hint = PRIVATE_CATEGORIES.has(category)
      ? 'set DOCSORT_ALLOW_PRIVATE_NETWORK=true to allow'
      : 'add its range to DOCSORT_ALLOW_CIDRS to allow';
    super(`Refusing to connect to ${address}${via} (${describeCategory(category)}); ${hint}`);
    this.name = 'ForbiddenAddressError';
  }
}

/** Throw ForbiddenAddressError unless `ip` is allowed. */
export function assertAddressAllowed(ip: string, policy: CompiledAddressPolicy, hostname?: string): void {
  const verdict = checkAddress(ip, policy);
  if (!verdict.allowed) throw new ForbiddenAddressError(ip, verdict.category, hostname);
}
