// kafkajs 2.2.4 admin and producer against samsa-broker: createTopics (with a
// config), listTopics, fetchTopicMetadata, describeConfigs, then keyed records
// with headers sent gzip-compressed (and a second, uncompressed batch) with
// acks=-1, then fetchTopicOffsets. The C++ test reads the records back.
//
// usage: node kafkajs_produce.js <bootstrap> <topic> <partitions> <count> <keys>
'use strict'

const { CompressionTypes, Partitioners, ConfigResourceTypes } = require('kafkajs')
const { makeChecker, makeKafka, expectedRecord } = require('./checks')

async function main() {
  const [bootstrap, topic, partitionsArg, countArg, keysArg] = process.argv.slice(2)
  const partitions = Number(partitionsArg || 3)
  const count = Number(countArg || 100)
  const keys = Number(keysArg || 10)
  const c = makeChecker('kafkajs produce')
  const kafka = makeKafka(bootstrap, 'samsa-e2e-kafkajs')

  const admin = kafka.admin()
  await admin.connect()
  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: partitions, replicationFactor: 1,
               configEntries: [{ name: 'retention.ms', value: '86400000' }] }],
    waitForLeaders: true,
    timeout: 10000,
  })
  c.equal(created, true, `createTopics ${topic}`)
  const names = await admin.listTopics()
  c.check(names.includes(topic), 'listTopics includes it', JSON.stringify(names))
  const md = await admin.fetchTopicMetadata({ topics: [topic] })
  const t = md.topics.find(x => x.name === topic)
  c.check(t !== undefined, 'fetchTopicMetadata answers for the topic')
  if (t) {
    c.equal(t.partitions.length, partitions, 'partition count')
    c.check(t.partitions.every(p => p.partitionErrorCode === 0 && p.leader >= 0), 'every partition has a leader',
            JSON.stringify(t.partitions))
  }
  const configs = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
    includeSynonyms: false,
  })
  const entry = configs.resources[0].configEntries.find(e => e.configName === 'retention.ms')
  c.equal(entry && entry.configValue, '86400000', 'describeConfigs retention.ms')

  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  const half = Math.floor(count / 2)
  const batch = (from, to) => Array.from({ length: to - from }, (_, k) => expectedRecord(from + k, keys))
  const gz = await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages: batch(0, half) })
  c.check(gz.every(r => r.errorCode === 0), `send ${half} records gzip, acks=-1`, JSON.stringify(gz))
  const plain = await producer.send({ topic, acks: -1, messages: batch(half, count) })
  c.check(plain.every(r => r.errorCode === 0), `send ${count - half} records uncompressed, acks=-1`, JSON.stringify(plain))
  await producer.disconnect()

  const offsets = await admin.fetchTopicOffsets(topic)
  const total = offsets.reduce((sum, p) => sum + Number(p.high), 0)
  c.equal(total, count, 'fetchTopicOffsets: high watermarks sum to the records sent')
  c.check(offsets.every(p => Number(p.low) === 0), 'fetchTopicOffsets: low watermarks are 0', JSON.stringify(offsets))
  console.log(`[kafkajs produce] offsets ${JSON.stringify(offsets)}`)
  await admin.disconnect()
  c.finish()
}

main().catch(err => makeChecker('kafkajs produce', 1000).abort(err))
