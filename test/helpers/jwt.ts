/** An unsigned JWT with the claims cfws reads: tokens are never verified client-side. */
export function makeJwt(claims: {exp?: number; scope?: string[]; user_name?: string} = {}): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const payload = {user_name: 'admin', client_id: 'cf', scope: ['cloud_controller.read'], ...claims}
  return `${encode({alg: 'RS256', typ: 'JWT'})}.${encode(payload)}.c2lnbmF0dXJl`
}

export function freshJwt(scope?: string[]): string {
  return makeJwt({exp: Math.floor(Date.now() / 1000) + 3600, scope})
}

export function expiredJwt(scope?: string[]): string {
  return makeJwt({exp: Math.floor(Date.now() / 1000) - 60, scope})
}
