// kafkajs 2.2.4 admin deleteTopics against samsa-broker, then listTopics until
// the topic is gone (bounded).
//
// usage: node kafkajs_delete_topic.js <bootstrap> <topic>
'use strict'

const { makeChecker, makeKafka, waitUntil } = require('./checks')

async function main() {
  const [bootstrap, topic] = process.argv.slice(2)
  const c = makeChecker('kafkajs delete')
  const admin = makeKafka(bootstrap, 'samsa-e2e-kafkajs').admin()
  await admin.connect()
  await admin.deleteTopics({ topics: [topic], timeout: 10000 })
  c.check(true, `deleteTopics ${topic}`)
  const gone = await waitUntil(async () => !(await admin.listTopics()).includes(topic), 10000)
  c.check(gone, 'listTopics no longer includes it')
  await admin.disconnect()
  c.finish()
}

main().catch(err => makeChecker('kafkajs delete', 1000).abort(err))
