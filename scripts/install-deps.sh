#!/usr/bin/env bash
# Installs everything Samsa needs to build, test and run its demo, from Debian's
# packages (apt-get) and, for kafkajs and puppeteer-core (the console's browser tests drive
# Debian's chromium with it) only, the npm registry into tests/clients/node.
# Safe to run again: apt-get and npm skip what is already there.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

packages=(
  build-essential cmake ninja-build pkg-config git ccache
  librdkafka-dev librocksdb-dev libasio-dev libssl-dev
  zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev libjemalloc-dev
  libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev libsimdjson-dev libmurmurhash-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  kcat python3 python3-kafka python3-confluent-kafka
  clang libclang-rt-14-dev
  libcpp-httplib-dev chromium
  doxygen
)

# Node.js: the machine image may bring its own (newer) build, which conflicts
# with Debian's npm package; only ask apt for it when there is none.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: Debian packages already installed"
fi

# kafkajs lives in the project's own folder, pinned by its package.json.
node_dir="$here/tests/clients/node"
if [ -f "$node_dir/package.json" ] && { [ ! -d "$node_dir/node_modules/kafkajs" ] ||
                                         [ ! -d "$node_dir/node_modules/puppeteer-core" ]; }; then
  echo "install-deps: installing kafkajs and puppeteer-core into tests/clients/node"
  (cd "$node_dir" && npm install --no-audit --no-fund --silent)
fi
echo "install-deps: done"
