#pragma once
// kgrouped_table<K, V> is declared next to kgrouped_stream<K, V>.
#include "samsa/streams/kgrouped_stream.h"
