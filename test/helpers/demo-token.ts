import type {DemoUaa} from '../../src/demo/uaa.js'

/** A live token of the demo's UAA, as cfws gets it: its login refreshed. */
export function liveToken(uaa: DemoUaa): string {
  const grant = uaa.refresh(
    new URLSearchParams({grant_type: 'refresh_token', refresh_token: uaa.login().refreshToken}),
    `Basic ${Buffer.from('cf:').toString('base64')}`,
  )
  return `bearer ${grant!.access_token}`
}
