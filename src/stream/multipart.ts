/**
 * The parts of a `multipart/x-protobuf` body as the Traffic Controller's `recentlogs` wrote it: no
 * part headers, one envelope per part. Tolerates LF instead of CRLF, a preamble, empty parts and a
 * missing final boundary (a body cut short still gives the parts it holds).
 */
export function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const delimiter = Buffer.from(`--${boundary}`)
  const parts: Buffer[] = []
  let at = findDelimiter(body, delimiter, 0)
  while (at !== -1) {
    let start = at + delimiter.length
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break // the closing `--boundary--`
    start = skipLineBreak(body, start)
    const next = findDelimiter(body, delimiter, start)
    const end = next === -1 ? body.length : next
    parts.push(partBody(body.subarray(start, end)))
    at = next
  }

  return parts
}

/** A delimiter counts only at the start of the body or of a line. */
function findDelimiter(body: Buffer, delimiter: Buffer, from: number): number {
  for (let at = body.indexOf(delimiter, from); at !== -1; at = body.indexOf(delimiter, at + 1)) {
    if (at === 0 || body[at - 1] === 0x0a) return at
  }

  return -1
}

function skipLineBreak(body: Buffer, at: number): number {
  if (body[at] === 0x0d && body[at + 1] === 0x0a) return at + 2
  return body[at] === 0x0a ? at + 1 : at
}

/** Drops the (empty) header block in front and the line break that belongs to the next delimiter. */
function partBody(part: Buffer): Buffer {
  let end = part.length
  if (part[end - 1] === 0x0a) end -= part[end - 2] === 0x0d ? 2 : 1
  const headerEnd = part.indexOf('\r\n\r\n')
  const start =
    part[0] === 0x0d || part[0] === 0x0a
      ? skipLineBreak(part, 0)
      : looksLikeHeaders(part, headerEnd)
        ? headerEnd + 4
        : 0
  return part.subarray(start, Math.max(start, end))
}

function looksLikeHeaders(part: Buffer, headerEnd: number): boolean {
  return (
    headerEnd > 0 &&
    /^[\x21-\x7e]+:[^\r\n]*(\r\n[\x21-\x7e]+:[^\r\n]*)*$/.test(part.subarray(0, headerEnd).toString('latin1'))
  )
}

/** The boundary parameter of a Content-Type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '')
  return match ? (match[1] ?? match[2]) : undefined
}
