// kafkajs over SASL_SSL: TLS trusting the test CA, SASL PLAIN or SCRAM;
// createTopics (admin), a produce, and a consumer group reading it back.
// With "expect-failure" the connection must be refused (a wrong password).
//
// usage: node kafkajs_sasl_ssl.js <bootstrap> <ca.pem> <mechanism> <user> <password> <topic> [expect-failure]
'use strict'

const fs = require('fs')
const { Kafka, logLevel } = require('kafkajs')
const { makeChecker } = require('./checks')

async function main() {
  const [bootstrap, caFile, mechanism, username, password, topic, mode] = process.argv.slice(2)
  const c = makeChecker('kafkajs sasl_ssl')
  const kafka = new Kafka({
    clientId: 'samsa-e2e-kafkajs-sasl',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5000,
    requestTimeout: 15000,
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 },
    ssl: { ca: [fs.readFileSync(caFile, 'utf8')] },
    sasl: { mechanism, username, password },
  })
  const admin = kafka.admin()
  if (mode === 'expect-failure') {
    let error = null
    try {
      await admin.connect()
    } catch (e) {
      error = e
    }
    c.check(error !== null, 'connection refused', '')
    c.check(error && /SASL|authentication/i.test(String(error.message)), 'with an authentication error',
            String(error && error.message))
    return c.finish()
  }
  await admin.connect()
  c.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }), true, 'createTopics')
  await admin.disconnect()

  const producer = kafka.producer()
  await producer.connect()
  await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) })
  await producer.disconnect()

  const consumer = kafka.consumer({ groupId: `group-${topic}` })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const seen = []
  await new Promise((resolve) => {
    consumer.run({ eachMessage: async ({ message }) => {
      seen.push(message.value.toString())
      if (seen.length === 10) resolve()
    } })
  })
  await consumer.disconnect()
  c.equal(seen.sort().join(','), Array.from({ length: 10 }, (_, i) => `v${i}`).sort().join(','), 'all records read by the group')
  return c.finish()
}

main().catch((e) => {
  console.log(`[kafkajs sasl_ssl] FAIL ${e.stack || e}`)
  process.exit(1)
})
