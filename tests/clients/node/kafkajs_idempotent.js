// kafkajs 2.2.4 idempotent producer against samsa-broker: InitProducerId
// (v0-1 from kafkajs), then sends with acks=-1 whose sequences the broker
// checks; every send must succeed and the offsets must be dense. The C++
// test reads the records back and checks each is there exactly once.
//
// usage: node kafkajs_idempotent.js <bootstrap> <topic> <sends> <per-send>
'use strict'

const { makeChecker, makeKafka } = require('./checks')

async function main() {
  const [bootstrap, topic, sendsArg, perSendArg] = process.argv.slice(2)
  const sends = Number(sendsArg || 5)
  const perSend = Number(perSendArg || 20)
  const c = makeChecker('kafkajs idempotent')
  const kafka = makeKafka(bootstrap, 'samsa-e2e-kafkajs-idempotent')

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true })
  await producer.connect()
  let next = 0
  for (let s = 0; s < sends; s++) {
    const messages = Array.from({ length: perSend }, (_, k) => ({ key: 'k', value: `idem-${s * perSend + k}` }))
    const result = await producer.send({ topic, acks: -1, messages })
    c.check(result.every(r => r.errorCode === 0), `send ${s}: no error`, JSON.stringify(result))
    c.equal(Number(result[0].baseOffset), next, `send ${s}: base offset follows the previous send`)
    next += perSend
  }
  await producer.disconnect()
  c.finish()
}

main().catch(err => makeChecker('kafkajs idempotent', 1000).abort(err))
