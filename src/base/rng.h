/* rng.h - a small deterministic generator (splitmix64) for data that must
 * come out the same for the same seed: the demo dataset, the benchmark data.
 * Not for secrets: those come from libsodium. */
#ifndef OPORA_RNG_H
#define OPORA_RNG_H

#include <stddef.h>
#include <stdint.h>

struct rng {
    uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A number in [0, n); 0 when n is 0. */
static inline unsigned rng_below(struct rng *r, size_t n)
{
    return n ? (unsigned)(rng_next(r) % n) : 0;
}

#endif
