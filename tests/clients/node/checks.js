// Shared helpers for the kafkajs scripts run by tests/e2e: each script takes
// the bootstrap address first, prints every check, exits non-zero on any
// failure, and is killed by its own watchdog before the C++ test's timeout.
'use strict'

const { Kafka, logLevel } = require('kafkajs')

function makeChecker(name, watchdogMs = 90000) {
  let failures = 0
  let checks = 0
  const watchdog = setTimeout(() => {
    console.log(`[${name}] FAIL watchdog: still running after ${watchdogMs} ms`)
    process.exit(3)
  }, watchdogMs)
  return {
    check(ok, what, detail = '') {
      checks += 1
      if (!ok) failures += 1
      console.log(`[${name}] ${ok ? 'ok  ' : 'FAIL'} ${what}${!ok && detail ? ': ' + detail : ''}`)
      return ok
    },
    equal(got, expected, what) {
      const ok = JSON.stringify(got) === JSON.stringify(expected)
      return this.check(ok, what, `got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`)
    },
    finish() {
      clearTimeout(watchdog)
      console.log(`[${name}] ${checks - failures}/${checks} checks passed`)
      process.exit(failures ? 1 : 0)
    },
    abort(err) {
      clearTimeout(watchdog)
      console.log(`[${name}] FAIL ${err && err.stack ? err.stack : err}`)
      process.exit(2)
    },
  }
}

function makeKafka(bootstrap, clientId) {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.WARN,
    connectionTimeout: 5000,
    requestTimeout: 15000,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
  })
}

async function waitUntil(predicate, timeoutMs, intervalMs = 50) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await predicate()
    if (value || Date.now() >= deadline) return value
    await new Promise(resolve => setTimeout(resolve, intervalMs))
  }
}

// The records kafkajs_produce.js sends, so the C++ test can check them.
function expectedRecord(i, keys) {
  return {
    key: `order-${i % keys}`,
    value: `kafkajs-value-${i}`,
    headers: { index: String(i), source: 'kafkajs' },
  }
}

module.exports = { makeChecker, makeKafka, waitUntil, expectedRecord }
