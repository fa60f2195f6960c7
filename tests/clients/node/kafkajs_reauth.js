// kafkajs across SASL re-authentication (KIP-368): one producer sends a
// record every <interval> ms for longer than the broker's session lifetime
// (connections.max.reauth.ms); kafkajs re-authenticates its connection
// before the session ends (reauthenticationThreshold), so every send must
// succeed; then the topic's end offset must count them all.
//
// usage: node kafkajs_reauth.js <bootstrap> <mechanism> <user> <password> <topic> <count> <interval-ms>
'use strict'

const { Kafka, logLevel } = require('kafkajs')
const { makeChecker } = require('./checks')

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function main() {
  const [bootstrap, mechanism, username, password, topic, countText, intervalText] = process.argv.slice(2)
  const count = Number(countText)
  const interval = Number(intervalText)
  const c = makeChecker('kafkajs reauth')
  const kafka = new Kafka({
    clientId: 'samsa-e2e-kafkajs-reauth',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5000,
    requestTimeout: 15000,
    // Re-authenticate when less than this is left of the session.
    reauthenticationThreshold: 1000,
    retry: { retries: 0 },
    sasl: { mechanism, username, password },
  })
  const admin = kafka.admin()
  await admin.connect()
  c.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }), true, 'createTopics')

  const producer = kafka.producer()
  await producer.connect()
  let sent = 0
  for (let i = 0; i < count; i++) {
    await producer.send({ topic, acks: -1, messages: [{ key: `k${i}`, value: `v${i}` }] })
    sent += 1
    await sleep(interval)
  }
  c.equal(sent, count, 'every send succeeded across re-authentications')
  await producer.disconnect()
  const offsets = await admin.fetchTopicOffsets(topic)
  c.equal(offsets.map((o) => o.high), [String(count)], 'end offset')
  await admin.disconnect()
  return c.finish()
}

main().catch((e) => {
  console.log(`[kafkajs reauth] FAIL ${e.stack || e}`)
  process.exit(1)
})
