import {randomBytes} from 'node:crypto'

import {BaseCommand} from '../cli/base-command.js'
import {readStreamSettings, readSubscriptionId, streamFlags} from '../cli/flags.js'
import {info, silenceInfo, startWork} from '../cli/notice.js'
import {runStream} from '../cli/run-stream.js'
import {usageLine} from '../cli/usage.js'
import {openSession, resolveLoggerEndpoint, requireFirehoseScope} from '../cli/session.js'
import {firehoseUrl} from '../endpoint/resolve.js'
import {parseEventTypeFilter, serverFilterFor} from '../envelope/filter.js'
import {Flags} from '../oclif.js'
import {createFirehoseRenderer} from '../render/firehose.js'

export default class Firehose extends BaseCommand {
  static override summary = 'Stream every envelope of the foundation (needs the doppler.firehose scope)'
  static override examples = [
    '<%= config.bin %> firehose --filter ValueMetric,CounterEvent',
    '<%= config.bin %> firehose --filter logmessage --json | jq -c .logMessage',
    '<%= config.bin %> firehose --subscription-id my-nozzle   # run it on several machines to share the stream',
  ]

  static override flags = {
    ...streamFlags,
    // Taken by every streaming command (../shared/CLI.md), so one script's flags fit both.
    color: Flags.boolean({
      description:
        'accepted as by logs, and changes nothing: the firehose is written as cf nozzle writes it, without colour',
      allowNo: true,
    }),
    filter: Flags.string({
      description:
        'only these event types: LogMessage, ValueMetric, CounterEvent, ContainerMetric, HttpStartStop, Error (comma-separated, case-insensitive)',
      helpValue: 'TYPE',
      multiple: true,
      multipleNonGreedy: true,
    }),
    'int64-as-string': Flags.boolean({
      description:
        'with --json: 64-bit integers as strings of their digits ("total":"18446744073709551615"), for parsers that round numbers past 2^53 (jq 1.6, JSON.parse)',
      dependsOn: ['json'],
    }),
    'subscription-id': Flags.string({
      helpValue: 'ID',
      description: 'processes with the same id share the stream between them (default: cfws- and random characters)',
    }),
    'client-id': Flags.string({
      description: 'UAA client with the doppler.firehose scope, instead of your cf login',
      helpValue: 'ID',
      env: 'CFWS_CLIENT_ID',
      dependsOn: ['client-secret'],
    }),
    'client-secret': Flags.string({
      description: 'secret of --client-id',
      helpValue: 'SECRET',
      env: 'CFWS_CLIENT_SECRET',
      dependsOn: ['client-id'],
    }),
  }

  static override usage = usageLine({}, this.flags)

  async run(): Promise<void> {
    const {flags} = await this.parse(Firehose)
    const settings = readStreamSettings(flags)
    const givenSubscriptionId = readSubscriptionId(flags['subscription-id'])
    const types = parseEventTypeFilter(flags.filter)
    if (flags.quiet) silenceInfo()
    startWork()
    const client = flags['client-id']
      ? {clientId: flags['client-id'], clientSecret: flags['client-secret'] ?? ''}
      : undefined
    const stop = new AbortController()
    const session = await openSession(flags['skip-ssl-validation'], client, stop.signal)
    await requireFirehoseScope(session, Boolean(client))
    const endpoint = await resolveLoggerEndpoint(session, flags.endpoint)
    const subscriptionId = givenSubscriptionId ?? `cfws-${randomBytes(5).toString('hex')}`
    if (!givenSubscriptionId)
      info(
        `subscription id ${subscriptionId}: add processes with --subscription-id ${subscriptionId} to share this stream`,
      )

    process.exitCode = await runStream({
      session,
      kind: 'firehose',
      settings,
      stop,
      streams: async (tail) =>
        tail({
          url: firehoseUrl(endpoint, subscriptionId, serverFilterFor(types)),
          renderFrame: createFirehoseRenderer(flags.json ? 'json' : 'text', types, {
            int64AsString: flags['int64-as-string'],
          }),
        }),
    })
  }
}
