import {ProgressLine} from './notice.js'

/** What one read from Log Cache reports: after each page, and once at its end. */
export interface ReadProgress {
  onPage: (pages: number, kept: number) => void
  end: () => void
}

/**
 * The progress of the run's reads from Log Cache (history, backfills) on one terminal line. Reads
 * of several apps run at once, and each on a line of its own would overwrite the others': the line
 * sums them instead, from the first read that starts while none runs to the last one's end, which
 * clears it. One app alone reads as before (`3 pages, 2500 messages`); two or more say how many
 * (`3 apps, 12 pages, 4000 messages`). Shown once a read takes more than one page.
 */
export class LogCacheProgress {
  private running = 0
  private readonly apps = new Set<string>()
  private pages = 0
  private kept = 0
  private long = false

  constructor(private readonly line = new ProgressLine()) {}

  /** A read of `app`'s logs starts; what it reports is summed with the others' until the last ends. */
  begin(app: string): ReadProgress {
    this.running++
    this.apps.add(app)
    let pages = 0
    let kept = 0
    let ended = false
    return {
      onPage: (pagesNow, keptNow) => {
        if (ended) return
        this.pages += pagesNow - pages
        this.kept += keptNow - kept
        pages = pagesNow
        kept = keptNow
        if (pagesNow > 1) this.long = true
        this.show()
      },
      end: () => {
        if (ended) return
        ended = true
        if (--this.running > 0) return
        this.apps.clear()
        this.pages = 0
        this.kept = 0
        this.long = false
        this.line.end()
      },
    }
  }

  private show(): void {
    if (!this.long) return
    const apps = this.apps.size > 1 ? `${this.apps.size} apps, ` : ''
    this.line.update(`reading from Log Cache: ${apps}${this.pages} pages, ${this.kept} messages`)
  }
}
