import { describe, expect, it } from 'vitest';
import {
  checkAddress,
  compileAddressPolicy,
  ForbiddenAddressError,
  isForbiddenAddress,
} from '../../src/adapters/http/address-guard.js';
import { InvalidOutboundUrlError, parseOutboundUrl } from '../../src/adapters/http/outbound-url.js';

const strict = compileAddressPolicy({ allowPrivate: false, allowCidrs: [] });
const privateAllowed = compileAddressPolicy({ allowPrivate: true, allowCidrs: [] });

describe('isForbiddenAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '169.254.1.1',
    '100.64.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '192.0.2.1',
    '240.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd00:ec2::254',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::127.0.0.1',
    '::7f00:1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::1',
    '2001::1',
    '2001:db8::1',
  ])('forbids %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each(['8.8.8.8', '93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows %s',
    (ip) => {
      expect(isForbiddenAddress(ip)).toBe(false);
    },
  );

  it('treats anything that is not a canonical IP literal as forbidden', () => {
    // ipaddr.js alone would read these as 127.0.0.1 / 1.2.0.3.
    for (const text of ['0x7f000001', '017700000001', '1.2.3', 'localhost', '']) {
      expect(isForbiddenAddress(text)).toBe(true);
    }
  });
});

describe('checkAddress with a policy', () => {
  it('allowPrivate unlocks private ranges but not metadata, multicast or unspecified', () => {
    for (const ip of [
      '127.0.0.1',
      '::1',
      '10.1.2.3',
      '192.168.0.10',
      '100.64.1.1',
      'fd12::1',
      '::ffff:127.0.0.1',
    ]) {
      expect(checkAddress(ip, privateAllowed)).toEqual({ allowed: true });
    }
    expect(checkAddress('169.254.169.254', privateAllowed)).toEqual({
      allowed: false,
      category: 'cloudMetadata',
    });
    expect(checkAddress('fd00:ec2::254', privateAllowed)).toEqual({
      allowed: false,
      category: 'cloudMetadata',
    });
    expect(checkAddress('224.0.0.1', privateAllowed)).toEqual({ allowed: false, category: 'multicast' });
    expect(checkAddress('0.0.0.0', privateAllowed)).toEqual({ allowed: false, category: 'unspecified' });
  });

  it('allowCidrs allows exactly the listed ranges, IPv4-mapped addresses included', () => {
    const policy = compileAddressPolicy({ allowPrivate: false, allowCidrs: ['10.1.0.0/16', ' fd00::/8 '] });
    expect(checkAddress('10.1.200.3', policy).allowed).toBe(true);
    expect(checkAddress('::ffff:10.1.0.9', policy).allowed).toBe(true);
    expect(checkAddress('fd00::5', policy).allowed).toBe(true);
    expect(checkAddress('10.2.0.1', policy)).toEqual({ allowed: false, category: 'private' });
    expect(checkAddress('127.0.0.1', policy)).toEqual({ allowed: false, category: 'loopback' });
  });

  it('rejects malformed CIDRs with the offending entry', () => {
    for (const bad of ['10.0.0.0', '10.0.0.0/33', 'not-a-cidr', '::1/129', '']) {
      expect(() => compileAddressPolicy({ allowPrivate: false, allowCidrs: [bad] })).toThrow(
        `Invalid CIDR ${JSON.stringify(bad)}`,
      );
    }
  });
});

describe('ForbiddenAddressError', () => {
  it('says what was refused and which setting allows it', () => {
    expect(new ForbiddenAddressError('127.0.0.1', 'loopback').message).toBe(
      'Refusing to connect to 127.0.0.1 (loopback address); set DOCSORT_ALLOW_PRIVATE_NETWORK=true to allow',
    );
    expect(new ForbiddenAddressError('10.0.0.7', 'private', 'files.internal').message).toBe(
      'Refusing to connect to 10.0.0.7 (resolved from files.internal) (private network address); ' +
        'set DOCSORT_ALLOW_PRIVATE_NETWORK=true to allow',
    );
    expect(new ForbiddenAddressError('169.254.169.254', 'cloudMetadata').message).toBe(
      'Refusing to connect to 169.254.169.254 (cloud metadata address); add its range to DOCSORT_ALLOW_CIDRS to allow',
    );
  });
});

describe('parseOutboundUrl', () => {
  it('relies on WHATWG URL to canonicalise numeric IPv4 hosts', () => {
    for (const raw of ['http://127.1/', 'http://2130706433/', 'http://0x7f.1/', 'http://017700000001/']) {
      expect(new URL(raw).hostname).toBe('127.0.0.1');
    }
    expect(new URL('http://[::ffff:127.0.0.1]/').hostname).toBe('[::ffff:7f00:1]');
    expect(new URL('http://0/').hostname).toBe('0.0.0.0');
  });

  it.each([
    ['http://127.0.0.1/', '127.0.0.1', 'loopback'],
    ['http://127.1/', '127.0.0.1', 'loopback'],
    ['http://2130706433/', '127.0.0.1', 'loopback'],
    ['https://0x7f.0.0.1:8443/x', '127.0.0.1', 'loopback'],
    ['http://[::1]/', '::1', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1', 'loopback'],
    ['http://[::127.0.0.1]/', '::7f00:1', 'ipv4Compatible'],
    ['http://0.0.0.0/', '0.0.0.0', 'unspecified'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254', 'cloudMetadata'],
    ['http://10.0.0.1/', '10.0.0.1', 'private'],
  ])('refuses the literal host of %s', (raw, address, category) => {
    const error = captureError(() => parseOutboundUrl(raw, strict));
    expect(error).toBeInstanceOf(ForbiddenAddressError);
    expect(error).toMatchObject({ address, category });
  });

  it('accepts public literals and leaves names to the agent', () => {
    expect(parseOutboundUrl('https://93.184.216.34/a.pdf', strict).href).toBe('https://93.184.216.34/a.pdf');
    expect(parseOutboundUrl('http://localhost:8080/a.pdf', strict).hostname).toBe('localhost');
  });

  it.each([
    ['file:///etc/passwd', /Only http and https URLs can be fetched, not file:/],
    ['ftp://example.com/file.pdf', /not ftp:/],
    ['javascript:alert(1)', /not javascript:/],
    ['not a url', /is not a valid URL/],
    ['https://user:secret@example.com/a.pdf', /embedded credentials/],
  ])('refuses %s', (raw, message) => {
    const error = captureError(() => parseOutboundUrl(raw, strict));
    expect(error).toBeInstanceOf(InvalidOutboundUrlError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('secret');
  });

  it('resolves relative redirect targets against the current URL', () => {
    const base = new URL('https://example.com/a/b.pdf?token=1');
    expect(parseOutboundUrl('../c.pdf', strict, base).href).toBe('https://example.com/c.pdf');
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
