/** The commands `cfws demo` runs against its foundation, with all their flags. */
export const DEMO_COMMANDS: readonly string[] = ['logs', 'firehose']
