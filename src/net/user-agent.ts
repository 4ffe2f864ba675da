import packageJson from '../../package.json' with {type: 'json'}

/**
 * The `User-Agent` of every HTTP request and WebSocket upgrade: tells a platform team reading the
 * Gorouter's access log or the Traffic Controller's which client, and which version of it, called.
 */
export const USER_AGENT = `cfws/${packageJson.version}`
