/**
 * Which endpoint URLs Hearth may send code to. Code leaves the machine only
 * encrypted: plain http is allowed just for loopback, where nothing crosses a
 * network. Pure (no I/O), so settings validation and tests can call it.
 */
import * as net from 'net';

/**
 * True for hosts only this machine can reach: 127.0.0.0/8 (also as an
 * IPv4-mapped IPv6 address), ::1, localhost. The one check for both sides:
 * where the extension may send code, and where `hearth serve` may listen
 * without a key.
 */
export function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return net.isIPv4(v4) && v4.startsWith('127.');
}

/** Why `url` may not be used as an endpoint, or null when it may. */
export function checkEndpointUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return `'${url}' is not a URL`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return `only http and https endpoints are supported, not ${u.protocol.replace(/:$/, '')}`;
  // A key in the URL would sit in settings in plain text; it belongs in SecretStorage.
  if (u.username !== '' || u.password !== '') return 'the URL must not hold credentials; set the API key separately';
  if (u.protocol === 'http:' && !isLoopbackHostname(u.hostname)) return `http is allowed only for this machine (localhost, 127.x.x.x, [::1]); use https for ${u.hostname}`;
  return null;
}
