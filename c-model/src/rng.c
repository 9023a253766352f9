#include "ftsa/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void ftsa_rng_seed(ftsa_rng_t *rng, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&x);
}

void ftsa_rng_seed_stream(ftsa_rng_t *rng, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ 0x6a09e667f3bcc909ull;
    uint64_t mixed = splitmix64(&x) ^ stream;
    x = mixed;
    ftsa_rng_seed(rng, splitmix64(&x));
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t ftsa_rng_u64(ftsa_rng_t *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t ftsa_rng_below(ftsa_rng_t *rng, uint64_t n)
{
    /* Rejection keeps the draw exactly uniform. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do
        r = ftsa_rng_u64(rng);
    while (r >= limit);
    return r % n;
}

int64_t ftsa_rng_range(ftsa_rng_t *rng, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1u;
    if (span == 0)
        return (int64_t)ftsa_rng_u64(rng);
    return (int64_t)((uint64_t)lo + ftsa_rng_below(rng, span));
}

double ftsa_rng_uniform(ftsa_rng_t *rng)
{
    return (double)(ftsa_rng_u64(rng) >> 11) * 0x1.0p-53;
}

double ftsa_rng_normal(ftsa_rng_t *rng)
{
    double u1 = 1.0 - ftsa_rng_uniform(rng); /* (0, 1] */
    double u2 = ftsa_rng_uniform(rng);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
