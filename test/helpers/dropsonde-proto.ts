import {fileURLToPath} from 'node:url'

import protobuf from 'protobufjs'

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))

/**
 * The real dropsonde `.proto` files (test/fixtures/dropsonde-protocol), loaded by protobufjs with
 * their field names as written (`message_type`, not `messageType`), as cfws's schema names them.
 */
export function loadDropsonde(): protobuf.Root {
  const root = new protobuf.Root()
  // The files import each other as `dropsonde-protocol/events/x.proto`, from the folder above theirs.
  root.resolvePath = (_origin, target) => (target.startsWith('dropsonde-protocol/') ? `${FIXTURES}${target}` : target)
  root.loadSync('dropsonde-protocol/events/envelope.proto', {keepCase: true})
  root.resolveAll()
  return root
}
