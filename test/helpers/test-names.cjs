/**
 * Preloaded into a `cluster` child process (NODE_OPTIONS=--require …) by tests, or imported by an
 * in-process test: every name ending in `.test` (a TLD reserved for testing, RFC 2606) resolves to
 * 127.0.0.1, so a test can use a host NAME that is not a loopback name without touching /etc/hosts
 * — and no traffic leaves the machine; a name ending in `.invalid` fails as a name that does not
 * exist, without asking a DNS server. Other names resolve as usual.
 */
const dns = require('node:dns');
const lookup = dns.lookup;
dns.lookup = function testLookup(host, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  const opts = typeof options === 'function' || typeof options === 'number' ? {} : options || {};
  if (typeof host === 'string' && /\.test$/i.test(host)) {
    process.nextTick(() => (opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)));
    return {};
  }
  if (typeof host === 'string' && /\.invalid$/i.test(host)) {
    const e = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {
      code: 'ENOTFOUND',
      errno: -3008,
      syscall: 'getaddrinfo',
      hostname: host,
    });
    process.nextTick(() => cb(e));
    return {};
  }
  return lookup.call(this, host, options, callback);
};
