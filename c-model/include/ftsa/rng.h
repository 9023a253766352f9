/* Deterministic pseudo-random numbers.  Every random choice in ftsa flows from
 * a user-visible 64-bit seed through this generator (xoshiro256** seeded with
 * splitmix64), so runs repeat exactly on every back end and rank count. */
#ifndef FTSA_RNG_H
#define FTSA_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} ftsa_rng_t;

void ftsa_rng_seed(ftsa_rng_t *rng, uint64_t seed);
/* Derive an independent stream: same (seed, stream) always gives the same sequence. */
void ftsa_rng_seed_stream(ftsa_rng_t *rng, uint64_t seed, uint64_t stream);
uint64_t ftsa_rng_u64(ftsa_rng_t *rng);
/* Uniform integer in [0, n) without modulo bias; n > 0. */
uint64_t ftsa_rng_below(ftsa_rng_t *rng, uint64_t n);
/* Uniform integer in [lo, hi]. */
int64_t ftsa_rng_range(ftsa_rng_t *rng, int64_t lo, int64_t hi);
/* Uniform double in [0, 1) with 53 random bits. */
double ftsa_rng_uniform(ftsa_rng_t *rng);
/* Standard normal (Box-Muller, no cached state). */
double ftsa_rng_normal(ftsa_rng_t *rng);

#endif
