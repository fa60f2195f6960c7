// kafkajs 2.2.4 consumer (a consumer group: kafkajs has no other kind) reading
// a topic from the beginning, checking every record kafkajs_produce.js sent.
// Needs the group coordinator (JoinGroup, SyncGroup, Heartbeat, OffsetCommit).
//
// usage: node kafkajs_consume.js <bootstrap> <topic> <count> <keys>
'use strict'

const { makeChecker, makeKafka, expectedRecord } = require('./checks')

async function main() {
  const [bootstrap, topic, countArg, keysArg] = process.argv.slice(2)
  const count = Number(countArg || 100)
  const keys = Number(keysArg || 10)
  const c = makeChecker('kafkajs consume', 60000)
  const consumer = makeKafka(bootstrap, 'samsa-e2e-kafkajs').consumer({ groupId: `samsa-e2e-${topic}` })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  const seen = new Map()
  const nextOffset = new Map()
  const problems = []
  let resolveDone
  const done = new Promise(resolve => { resolveDone = resolve })
  // A crash (e.g. no group coordinator) ends the wait at once, with its reason.
  consumer.on(consumer.events.CRASH, event => {
    problems.push(`consumer crashed: ${event.payload.error.name}: ${event.payload.error.message}`)
    resolveDone()
  })
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const i = Number(message.headers.index.toString())
      const want = expectedRecord(i, keys)
      if (message.key.toString() !== want.key || message.value.toString() !== want.value) {
        problems.push(`record ${i} differs at p${partition}@${message.offset}`)
      }
      const offset = Number(message.offset)
      if (offset !== (nextOffset.get(partition) || 0)) problems.push(`p${partition}: offset ${offset} out of order`)
      nextOffset.set(partition, offset + 1)
      seen.set(i, partition)
      if (seen.size >= count) resolveDone()
    },
  })
  await Promise.race([done, new Promise(resolve => setTimeout(resolve, 30000))])
  c.equal(seen.size, count, 'every record read by the consumer group')
  c.check(problems.length === 0, 'keys, values, offsets in order', problems.slice(0, 5).join('; '))
  await consumer.disconnect()
  c.finish()
}

main().catch(err => makeChecker('kafkajs consume', 1000).abort(err))
