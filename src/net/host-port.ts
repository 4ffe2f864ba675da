/** The host of a URL as a socket takes it: an IPv6 literal without its brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '')
}

/** The port of a URL, its scheme's default when it names none. */
export function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'wss:' || url.protocol === 'https:' ? 443 : 80))
}
