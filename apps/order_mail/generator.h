#pragma once
// Deterministic sample data for the order-mail demo and its benchmarks:
// Brazilian customers, their addresses, pharmacy items and orders.
//
//   data_generator g({.seed = 42, .customers = 1000, .items = 100});
//   g.customer(0) == data_generator({.seed = 42, ...}).customer(0)   // always
//
// Every record is a pure function of (seed, kind, index), so a benchmark can
// ask for order 999'999 without generating the ones before it, and two runs
// with the same seed produce the same bytes. Orders reference customers in
// [0, customers) and items in [0, items), so with every customer, address and
// item produced first, every order yields exactly one ORDER-MAIL.
//
// Ids: "c<n>", "i<n>", and "<order_id_prefix><n>" (n from 1), so a second run
// with another prefix adds new orders while customers and items are the same
// keys, updated in place.

#include <cstdint>
#include <string>

#include "records.h"

namespace samsa::apps::order_mail {

struct generator_options {
    uint64_t seed = 42;
    int64_t customers = 100;
    int64_t items = 20;
    std::string order_id_prefix = "o";
    // createdAt of order 0 (epoch ms); order n is about n * 30 s later.
    // The default is the seed's talk: 2021-08-12T09:00:00Z.
    int64_t first_order_time_ms = 1628758800000;
};

class data_generator {
public:
    explicit data_generator(generator_options options);

    customer customer_at(int64_t index) const;
    customer_address address_at(int64_t index) const;
    item item_at(int64_t index) const;
    order order_at(int64_t index) const;

    const generator_options& options() const { return options_; }

private:
    uint64_t draw(uint64_t kind, int64_t index, uint64_t field) const;
    template<class T, size_t N>
    const T& pick(const T (&list)[N], uint64_t kind, int64_t index, uint64_t field) const {
        return list[draw(kind, index, field) % N];
    }

    generator_options options_;
};

// "2021-08-12T09:00:00.000Z"
std::string iso8601_utc(int64_t epoch_ms);

}  // namespace samsa::apps::order_mail
