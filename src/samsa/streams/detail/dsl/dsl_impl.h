#pragma once
// The bodies of the DSL handles' member templates. The handles refer to each
// other (a kstream becomes a ktable becomes a kstream), so every public
// header declares its class and then includes this file, which includes all
// declarations before any body.

#include "samsa/streams/branched_kstream.h"
#include "samsa/streams/cogrouped_kstream.h"
#include "samsa/streams/kgrouped_stream.h"
#include "samsa/streams/kstream.h"
#include "samsa/streams/ktable.h"
#include "samsa/streams/time_windowed_kstream.h"

#include "samsa/streams/detail/dsl/kstream_impl.h"
#include "samsa/streams/detail/dsl/kstream_join_impl.h"
#include "samsa/streams/detail/dsl/kstream_stream_join_impl.h"
#include "samsa/streams/detail/dsl/ktable_impl.h"
#include "samsa/streams/detail/dsl/ktable_fk_join_impl.h"
#include "samsa/streams/detail/dsl/kgrouped_impl.h"
#include "samsa/streams/detail/dsl/windowed_impl.h"
#include "samsa/streams/detail/dsl/cogrouped_impl.h"
