/**
 * Who lives on the demo foundation: one org and space, the apps `cfws demo logs APP` can follow,
 * and the VMs that send the platform's metrics. Fixed ids, so a demo run reads the same every time.
 */
export const DEMO_ORG = {guid: '3c7e8a7c-0d2f-4a55-9b1e-6f4d2c1b0a01', name: 'demo-org'}
export const DEMO_SPACE = {guid: '5a1d9e62-7b4c-4f83-8e2a-1c9b7d6e5f02', name: 'demo-space'}

export interface DemoApp {
  name: string
  guid: string
  /** The process type, as in APP/PROC/WEB. */
  process: string
  instances: number
  route?: string
}

export const WEB_APP: DemoApp = {
  name: 'web',
  guid: '9f3c2b1a-4d5e-4f60-8a7b-2c3d4e5f6a71',
  process: 'WEB',
  instances: 2,
  route: 'web.apps.demo.example',
}
export const WORKER_APP: DemoApp = {
  name: 'worker',
  guid: '1b2c3d4e-5f60-4a7b-9c8d-e0f1a2b3c4d5',
  process: 'WORKER',
  instances: 1,
}
export const DEMO_APPS: readonly DemoApp[] = [WEB_APP, WORKER_APP]

/** The Diego cell every app instance runs on, and the VM fields a v1 envelope carries (PROTOCOL.md §6). */
export const DIEGO_CELL = {
  deployment: 'cf',
  job: 'diego-cell',
  index: '0',
  ip: '10.0.16.5',
  cellId: 'a8f0c2d4-6b1e-4e3f-9a2c-7d5b3e1f0c9a',
}
export const ROUTER = {deployment: 'cf', job: 'router', index: '0', ip: '10.0.1.17'}
export const CLOUD_CONTROLLER_VM = {deployment: 'cf', job: 'api', index: '0', ip: '10.0.1.20'}
export const DOPPLER_VM = {deployment: 'cf', job: 'doppler', index: '0', ip: '10.0.2.11'}

export const DEMO_APP_NAMES = DEMO_APPS.map((app) => app.name)
