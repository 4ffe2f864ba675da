import type {ByteSink} from './byte-sink.js'
import {Literal} from './literal.js'
import {SourceWords} from './source-words.js'

const SLOTS = 64
const MAX_BLOCK_BYTES = 1024
// Looked at every REVIEW_EVERY lookups: with fewer than one hit in MIN_HIT_SHARE, finding and
// remembering blocks costs more than it saves, and the cache rests for REST_BLOCKS blocks.
const REVIEW_EVERY = 4096
const MIN_HIT_SHARE = 4
const REST_BLOCKS = 65_536

/**
 * The output of frame bytes that recur, written again instead of rendered again: a firehose's tags
 * are the same for every envelope of one source instance, and rendering them is a fifth of a text
 * line's cost. A block is found by a hash of its bytes and checked byte for byte; a stream whose
 * blocks do not recur sends the cache to rest.
 */
/** What a block was read into, with where its bytes lie in the frame (as the scanner's Tags records). */
export interface Block {
  blockStart: number
  blockEnd: number
}

export class BlockCache<T extends Block> {
  private readonly hashes = new Int32Array(SLOTS)
  private readonly blocks: Array<Literal | undefined> = []
  private readonly outputs: Buffer[] = []
  private lookups = 0
  private hits = 0
  private resting = 0
  private readonly sourceWords = new SourceWords()

  /** `render` writes the output of a block from what was read from `source[blockStart, blockEnd)`. */
  constructor(private readonly render: (out: ByteSink, source: Buffer, read: T) => void) {}

  write(out: ByteSink, source: Buffer, read: T): void {
    const {blockStart: start, blockEnd: end} = read
    const length = end - start
    if (this.resting > 0 || length > MAX_BLOCK_BYTES) {
      if (this.resting > 0) this.resting--
      this.render(out, source, read)
      return
    }

    if (++this.lookups === REVIEW_EVERY) this.review()
    const hash = this.sourceWords.hashOf(source, start, end)
    const slot = hash & (SLOTS - 1)
    const block = this.blocks[slot]
    if (block !== undefined && this.hashes[slot] === hash && this.sourceWords.matches(block, source, start, end)) {
      this.hits++
      out.bytes(this.outputs[slot])
      return
    }

    const from = out.pos
    this.render(out, source, read)
    this.hashes[slot] = hash
    this.blocks[slot] = new Literal(source.subarray(start, end))
    this.outputs[slot] = Buffer.from(out.buf.subarray(from, out.pos))
  }

  private review(): void {
    if (this.hits * MIN_HIT_SHARE < this.lookups) this.resting = REST_BLOCKS
    this.lookups = 0
    this.hits = 0
  }
}
