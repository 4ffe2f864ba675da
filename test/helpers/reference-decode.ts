import protobuf from 'protobufjs'

import {loadDropsonde} from './dropsonde-proto.js'

const root = loadDropsonde()
// cfws reads what real servers send, "required" fields missing included (PROTOCOL.md §6):
// protobufjs is told the same (its resolved feature, before its decoder is generated), so the
// two can disagree only on how they read the bytes.
for (const name of [
  'Envelope',
  'HttpStartStop',
  'LogMessage',
  'ValueMetric',
  'CounterEvent',
  'Error',
  'ContainerMetric',
  'UUID',
]) {
  for (const field of root.lookupType(`events.${name}`).fieldsArray) {
    const features = (field as unknown as {_features: {field_presence?: string}})._features
    if (features.field_presence === 'LEGACY_REQUIRED') features.field_presence = 'EXPLICIT'
  }
}

const ENVELOPE = root.lookupType('events.Envelope')

type Json = string | number | Json[] | {[key: string]: Json}

/**
 * A frame as cfws's `--json --int64-as-string` should write it, from protobufjs's own decode of
 * the real `.proto` files: `undefined` when protobufjs refuses the frame. A proto2 enum value the
 * `.proto` does not name is dropped by protobufjs (closed enums) where cfws prints the number.
 */
export function referenceJson(frame: Uint8Array): Json | undefined {
  let message: protobuf.Message
  try {
    message = ENVELOPE.decode(Buffer.from(frame.buffer, frame.byteOffset, frame.length))
  } catch {
    return undefined
  }

  return objectOf(ENVELOPE, message as unknown as Record<string, unknown>)
}

function objectOf(type: protobuf.Type, message: Record<string, unknown>): {[key: string]: Json} {
  const object: {[key: string]: Json} = {}
  for (const field of type.fieldsArray) {
    if (!Object.hasOwn(message, field.name)) continue
    const value = valueOf(field, message[field.name])
    if (value !== undefined) object[field.name] = value
  }

  return object
}

function valueOf(field: protobuf.Field, value: unknown): Json | undefined {
  const resolved = field.resolvedType
  if (field instanceof protobuf.MapField) {
    const map = value as Record<string, string>
    return Object.keys(map).length > 0 ? {...map} : undefined
  }

  if (field.repeated) return (value as string[]).length > 0 ? [...(value as string[])] : undefined
  if (resolved instanceof protobuf.Enum) return resolved.valuesById[value as number]
  if (resolved instanceof protobuf.Type)
    return resolved.name === 'UUID'
      ? uuidOf(value as {low?: protobuf.Long; high?: protobuf.Long})
      : objectOf(resolved, value as Record<string, unknown>)
  switch (field.type) {
    case 'bytes': {
      return Buffer.from(value as Uint8Array).toString('utf8')
    }

    case 'int64':
    case 'uint64': {
      const {low, high} = value as protobuf.Long
      const bits = (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0)
      return (field.type === 'int64' ? BigInt.asIntN(64, bits) : bits).toString()
    }

    case 'double': {
      const number = value as number
      // JSON has neither NaN nor Infinity (cfws writes them as strings), nor -0 once parsed.
      return Number.isFinite(number) ? number + 0 : String(number)
    }

    default: {
      return value as string | number
    }
  }
}

/** The 16 bytes in string order, each half little-endian (PROTOCOL.md §6); a missing half is zeros. */
function uuidOf(uuid: {low?: protobuf.Long; high?: protobuf.Long}): string {
  const bytes = Buffer.alloc(16)
  for (const [i, word] of [uuid.low?.low, uuid.low?.high, uuid.high?.low, uuid.high?.high].entries())
    bytes.writeInt32LE(word ?? 0, i * 4)
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
