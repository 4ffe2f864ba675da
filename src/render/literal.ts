/** Constant bytes (names, punctuation) kept as little-endian 32-bit words, copied four at a time. */
export class Literal {
  readonly length: number
  readonly words: Int32Array

  constructor(text: string | Uint8Array) {
    const bytes = typeof text === 'string' ? Buffer.from(text) : text
    this.length = bytes.length
    this.words = new Int32Array(Math.ceil(bytes.length / 4))
    Buffer.from(this.words.buffer).set(bytes)
  }
}
