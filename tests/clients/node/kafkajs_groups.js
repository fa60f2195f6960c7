// kafkajs 2.2.4 consumer group `run` against samsa-broker: one consumer in a
// group reads every record through eachMessage and commits; the admin client
// then lists the group, describes it and fetches its committed offsets.
//
// usage: node kafkajs_groups.js <bootstrap>
'use strict'

const { makeChecker, makeKafka, waitUntil } = require('./checks')

const TOPIC = 'kjs-groups'
const GROUP = 'kjs-group'
const PARTITIONS = 3
const COUNT = 30

async function main() {
  const c = makeChecker('kafkajs-groups')
  const kafka = makeKafka(process.argv[2], 'kjs-groups')
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true })
  const producer = kafka.producer()
  await producer.connect()
  const messages = []
  for (let i = 0; i < COUNT; i++) messages.push({ key: `k${i}`, value: `v${i}`, partition: i % PARTITIONS })
  await producer.send({ topic: TOPIC, messages })
  await producer.disconnect()

  const consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 10000 })
  await consumer.connect()
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true })
  const seen = new Set()
  await consumer.run({ eachMessage: async ({ message }) => { seen.add(message.value.toString()) } })
  await waitUntil(() => seen.size >= COUNT, 45000, 100)
  c.equal(seen.size, COUNT, 'the group consumer read every record')

  // Offsets are committed by run() (autoCommit); wait until all are there.
  const committed = await waitUntil(async () => {
    const offsets = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] })
    const parts = offsets[0].partitions
    const total = parts.reduce((sum, p) => sum + Math.max(Number(p.offset), 0), 0)
    return total === COUNT ? parts : null
  }, 20000, 200)
  c.check(committed !== null, 'admin.fetchOffsets shows the committed offsets')

  const listed = await admin.listGroups()
  const mine = listed.groups.find(g => g.groupId === GROUP)
  c.check(mine !== undefined, 'admin.listGroups lists the group')
  if (mine) c.equal(mine.protocolType, 'consumer', 'its protocol type')
  const described = await admin.describeGroups([GROUP])
  const d = described.groups[0]
  c.equal(d.state, 'Stable', 'admin.describeGroups: Stable')
  c.equal(d.members.length, 1, 'one member')
  c.check(d.members.length === 1 && d.members[0].memberAssignment.length > 0, 'with its assignment')

  await consumer.disconnect()
  const after = await waitUntil(async () => {
    const x = await admin.describeGroups([GROUP])
    return x.groups[0].state === 'Empty' ? x : null
  }, 20000, 200)
  c.check(after !== null, 'after disconnect the group is Empty')
  const deleted = await admin.deleteGroups([GROUP])
  c.equal(deleted[0].errorCode, 0, 'admin.deleteGroups removes the empty group')
  await admin.disconnect()
  c.finish()
}

main().catch(err => { console.log(err); process.exit(2) })
