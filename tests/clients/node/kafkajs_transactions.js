// kafkajs 2.2.4 transactions against samsa-broker: a transactional producer
// commits one transaction (with sendOffsets for a consumer group) and aborts
// another; a kafkajs consumer (read_committed by default: readUncommitted
// false) sees exactly the committed records, and the group's offsets are the
// committed transaction's.
//
// usage: node kafkajs_transactions.js <bootstrap> <topic prefix>
'use strict'

const { makeChecker, makeKafka, waitUntil } = require('./checks')

async function main() {
  const [bootstrap, prefix] = process.argv.slice(2)
  const topic = `${prefix}-out`
  const c = makeChecker('kafkajs transactions')
  const kafka = makeKafka(bootstrap, 'samsa-e2e-kafkajs-transactions')
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }, { topic: `${prefix}-in`, numPartitions: 1 }] })

  const producer = kafka.producer({ transactionalId: `${prefix}-tx`, maxInFlightRequests: 1, idempotent: true })
  await producer.connect()

  const committed = await producer.transaction()
  await committed.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `committed-${i}` })) })
  await committed.sendOffsets({ consumerGroupId: `${prefix}-group`, topics: [{ topic: `${prefix}-in`, partitions: [{ partition: 0, offset: '7' }] }] })
  await committed.commit()
  c.check(true, 'committed a transaction with offsets')

  const aborted = await producer.transaction()
  await aborted.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `aborted-${i}` })) })
  await aborted.abort()
  c.check(true, 'aborted a transaction')
  await producer.disconnect()

  const offsets = await admin.fetchOffsets({ groupId: `${prefix}-group`, topics: [`${prefix}-in`] })
  c.equal(offsets[0].partitions[0].offset, '7', 'the group offset came with the commit')

  const consumer = kafka.consumer({ groupId: `${prefix}-reader`, readUncommitted: false })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const values = []
  await consumer.run({ eachMessage: async ({ message }) => { values.push(message.value.toString()) } })
  await waitUntil(() => values.length >= 10, 20000)
  await new Promise(resolve => setTimeout(resolve, 500))  // anything aborted would have arrived by now
  await consumer.disconnect()
  c.equal(values.sort(), Array.from({ length: 10 }, (_, i) => `committed-${i}`).sort(), 'read_committed: exactly the committed records')
  await admin.disconnect()
  c.finish()
}

main().catch(err => makeChecker('kafkajs transactions', 1000).abort(err))
