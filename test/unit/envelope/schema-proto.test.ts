import {strict as assert} from 'node:assert'

import protobuf from 'protobufjs'

import {ENVELOPE_FIELDS, type Field, Kind, LOG_MESSAGE_FIELDS, UUID_FIELDS} from '../../../src/envelope/schema.js'
import {EVENT_TYPES, MESSAGE_TYPES} from '../../../src/envelope/types.js'
import {loadDropsonde} from '../../helpers/dropsonde-proto.js'

/** A field as both sides can say it: name, number, kind, enum values by number, nested fields. */
interface Shape {
  name: string
  number: number
  kind: string
  enumValues?: Array<[number, string]>
  fields?: Shape[]
}

const KIND_NAMES = Object.fromEntries(Object.entries(Kind).map(([name, value]) => [value, name])) as Record<
  Kind,
  string
>

function fromSchema(fields: readonly Field[]): Shape[] {
  return fields.map((field) => ({
    name: field.name,
    number: field.number,
    kind: KIND_NAMES[field.kind],
    ...(field.enumNames && {enumValues: [...field.enumNames].sort(([a], [b]) => a - b)}),
    ...(field.fields && {fields: fromSchema(field.fields)}),
  }))
}

const SCALARS: Record<string, string> = {
  string: 'String',
  bytes: 'Bytes',
  int32: 'Int32',
  int64: 'Int64',
  uint64: 'Uint64',
  double: 'Double',
}

/** What cfws's schema must say for each field of `type`; a type cfws has no kind for shows as `unsupported …`. */
function fromProto(type: protobuf.Type): Shape[] {
  return type.fieldsArray.map((field) => {
    const shape = {name: field.name, number: field.id}
    const resolved = field.resolvedType
    if (field instanceof protobuf.MapField)
      return {
        ...shape,
        kind:
          field.keyType === 'string' && field.type === 'string'
            ? 'Tags'
            : `unsupported map<${field.keyType}, ${field.type}>`,
      }
    if (field.repeated)
      return {...shape, kind: field.type === 'string' ? 'Strings' : `unsupported repeated ${field.type}`}
    if (resolved instanceof protobuf.Enum)
      return {
        ...shape,
        kind: 'Int32',
        enumValues: Object.entries(resolved.values)
          .map(([name, value]): [number, string] => [value, name])
          .sort(([a], [b]) => a - b),
      }
    if (resolved instanceof protobuf.Type)
      return resolved.name === 'UUID'
        ? {...shape, kind: 'Uuid'}
        : {...shape, kind: 'Message', fields: fromProto(resolved)}
    return {...shape, kind: SCALARS[field.type] ?? `unsupported ${field.type}`}
  })
}

describe('the dropsonde schema against the real .proto files (test/fixtures/dropsonde-protocol)', () => {
  const root = loadDropsonde()

  it('has every field of the Envelope and of each event, with its name, number, type and enum values, in declaration order', () => {
    assert.deepEqual(fromSchema(ENVELOPE_FIELDS), fromProto(root.lookupType('events.Envelope')))
  })

  it('reads a UUID as its two halves', () => {
    assert.deepEqual(fromSchema(UUID_FIELDS), fromProto(root.lookupType('events.UUID')))
  })

  it('gives the LogMessage fields `cfws logs` decodes, and the enums of types.ts, as the .proto does', () => {
    assert.deepEqual(fromSchema(LOG_MESSAGE_FIELDS), fromProto(root.lookupType('events.LogMessage')))
    assert.deepEqual({...MESSAGE_TYPES}, {...root.lookupEnum('events.LogMessage.MessageType').values})
    assert.deepEqual({...EVENT_TYPES}, {...root.lookupEnum('events.Envelope.EventType').values})
  })

  it('sees a field that differs: the comparison is not blind', () => {
    const renumbered = ENVELOPE_FIELDS.map((field) => (field.name === 'job' ? {...field, number: 99} : field))
    assert.notDeepEqual(fromSchema(renumbered), fromProto(root.lookupType('events.Envelope')))
  })
})
