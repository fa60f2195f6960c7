#pragma once
// global_ktable<K, V> is declared next to ktable<K, V>.
#include "samsa/streams/ktable.h"
