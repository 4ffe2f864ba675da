import {strict as assert} from 'node:assert'

import {DropQueue} from '../../../src/render/drop-queue.js'
import {seeded} from '../../../src/demo/seeded-random.js'

describe('DropQueue', () => {
  it('keeps the newest whole lines within the bound, across the ring’s end, and counts every dropped line', () => {
    const next = seeded(7)
    for (let round = 0; round < 200; round++) {
      const capacity = 16 + Math.floor(next() * 200)
      const queue = new DropQueue(capacity)
      // The model: the lines that should wait, oldest first.
      let model: string[] = []
      let droppedInModel = 0
      let counter = 0
      for (let step = 0; step < 60; step++) {
        if (next() < 0.1) {
          assert.equal(Buffer.concat(queue.drain()).toString(), model.join(''))
          model = []
          continue
        }

        const lines = Array.from(
          {length: 1 + Math.floor(next() * 4)},
          () => `${counter++}${'x'.repeat(Math.floor(next() * 30))}\n`,
        )
        const bound = next() < 0.2 ? Math.floor(next() * capacity) : capacity
        queue.push(Buffer.from(lines.join('')), bound)
        if (lines.join('').length > bound) {
          droppedInModel += model.length
          model = []
          while (lines.join('').length > bound) {
            lines.shift()
            droppedInModel++
          }
        }

        model.push(...lines)
        while (model.join('').length > bound) {
          model.shift()
          droppedInModel++
        }

        assert.equal(queue.bytes, model.join('').length, `round ${round} step ${step}`)
      }

      assert.equal(Buffer.concat(queue.drain()).toString(), model.join(''))
      assert.equal(queue.takeDroppedLines(), droppedInModel)
      assert.equal(queue.takeDroppedLines(), 0)
    }
  })

  it('drops a line longer than the bound whole', () => {
    const queue = new DropQueue(8)
    queue.push(Buffer.from('ab\n'), 8)
    queue.push(Buffer.from('0123456789\n'), 8)
    assert.equal(Buffer.concat(queue.drain()).toString(), '')
    assert.equal(queue.takeDroppedLines(), 2)
  })
})
