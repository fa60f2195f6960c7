"""Shared helpers for the client scripts run by tests/e2e.

Each script takes the bootstrap address as its first argument, prints every
check it makes, and exits non-zero when any failed. Every wait is bounded.
"""
import sys
import time


class checker:
    def __init__(self, name):
        self.name = name
        self.failures = 0
        self.checks = 0

    def check(self, ok, what, detail=""):
        self.checks += 1
        mark = "ok  " if ok else "FAIL"
        print(f"[{self.name}] {mark} {what}" + (f": {detail}" if detail and not ok else ""), flush=True)
        if not ok:
            self.failures += 1
        return ok

    def equal(self, got, expected, what):
        return self.check(got == expected, what, f"got {got!r}, expected {expected!r}")

    def finish(self):
        print(f"[{self.name}] {self.checks - self.failures}/{self.checks} checks passed", flush=True)
        sys.exit(1 if self.failures else 0)


def wait_until(predicate, timeout_s, interval_s=0.05):
    """Polls predicate() until it returns a truthy value or the time runs out."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval_s)


def murmur2(data: bytes) -> int:
    """Kafka's Java client murmur2 (Utils.murmur2), as a signed 32-bit int."""
    length = len(data)
    seed = 0x9747B28C
    m = 0x5BD1E995
    r = 24
    h = (seed ^ length) & 0xFFFFFFFF
    for i in range(length // 4):
        k = int.from_bytes(data[i * 4:i * 4 + 4], "little")
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> r
        k = (k * m) & 0xFFFFFFFF
        h = (h * m) & 0xFFFFFFFF
        h ^= k
    rest = length % 4
    tail = length - rest
    if rest == 3:
        h ^= data[tail + 2] << 16
    if rest >= 2:
        h ^= data[tail + 1] << 8
    if rest >= 1:
        h ^= data[tail]
        h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def java_partition(key: bytes, partitions: int) -> int:
    """Which partition Kafka's Java client picks for a key: toPositive(murmur2) % n."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions
