// Preloaded into a spawned cfws (NODE_OPTIONS=--import=…) by the doctor's tests: host names the
// tests cannot add to DNS resolve from CFWS_TEST_DNS, a JSON object of name → address, and any
// other name under .test fails as an unknown name would, at once. Plain JavaScript: the child
// runs without tsx.
import dns from 'node:dns'

const names = JSON.parse(process.env.CFWS_TEST_DNS ?? '{}')
const realLookup = dns.lookup

dns.lookup = function lookup(host, options, callback) {
  const done = typeof options === 'function' ? options : callback
  const all = typeof options === 'object' && options !== null && options.all
  const address = names[String(host).toLowerCase()]
  if (address !== undefined) {
    process.nextTick(() => (all ? done(null, [{address, family: 4}]) : done(null, address, 4)))
    return
  }

  if (String(host).endsWith('.test')) {
    process.nextTick(() =>
      done(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {code: 'ENOTFOUND', hostname: host})),
    )
    return
  }

  return realLookup.call(this, host, options, callback)
}
