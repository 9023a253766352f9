/* Shared by the libFuzzer harnesses and the seed generator: the fixed
 * objects a loader needs besides its bytes (a campaign plan for the journal,
 * a trainer for the checkpoint), and wrappers that build a valid container
 * (header, zlib, CRC) around fuzzed payload bytes so the fuzzer reaches the
 * payload decoders instead of stopping at the checksum. */
#ifndef FTSA_FUZZ_COMMON_H
#define FTSA_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ftsa/campaign.h"
#include "ftsa/train.h"

/* Stop the fuzzer on a broken invariant (a crash it records). */
#define FUZZ_ASSERT(c)                                                                             \
    do {                                                                                           \
        if (!(c))                                                                                  \
            __builtin_trap();                                                                      \
    } while (0)

static inline void fuzz_le(uint8_t *b, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
}

/* A campaign of one curve and two points of three trials (the journal's plan). */
static ftsa_camp_curve_t fuzz_curve = {.name = "flip weights all"};
static ftsa_camp_point_t fuzz_points[2] = {{0, 1e-3, 3, 0}, {0, 1e-2, 3, 3}};

static inline void fuzz_camp(ftsa_camp_t *camp)
{
    memset(camp, 0, sizeof *camp);
    ftsa_camp_config_defaults(&camp->cfg);
    camp->cfg.images = 10;
    camp->hash = 0x0123456789abcdefull;
    camp->plan = (ftsa_camp_plan_t){1, 2, &fuzz_curve, fuzz_points, 6};
}

/* A trainer over a 4x4 input -> flatten -> fc 10 network and 20 blank
 * images: its checkpoints are 2 KB. */
typedef struct {
    ftsa_tnet_t net;
    ftsa_dataset_t ds;
    ftsa_trainer_t t;
} fuzz_trainer_t;

static inline void fuzz_trainer(fuzz_trainer_t *f)
{
    ftsa_err_t err;
    ftsa_tnet_init(&f->net, (ftsa_shape_t){4, 4, 1});
    FUZZ_ASSERT(!ftsa_tnet_add_flatten(&f->net, &err));
    FUZZ_ASSERT(!ftsa_tnet_add_fc(&f->net, 10, &err));
    FUZZ_ASSERT(!ftsa_tnet_finalize(&f->net, 4, &err));
    f->ds = (ftsa_dataset_t){.count = 20, .rows = 4, .cols = 4};
    f->ds.images = calloc(20 * 16, 1);
    f->ds.labels = calloc(20, 1);
    ftsa_train_cfg_t cfg;
    ftsa_train_defaults(&cfg);
    cfg.epochs = 1;
    cfg.batch = 4;
    cfg.val_count = 4;
    FUZZ_ASSERT(!ftsa_trainer_init(&f->t, &cfg, &f->net, &f->ds, &err));
}

static inline void fuzz_trainer_free(fuzz_trainer_t *f)
{
    ftsa_trainer_free(&f->t);
    ftsa_tnet_free(&f->net);
    ftsa_dataset_free(&f->ds);
}

/* An .ftsa container (version 2) around payload p[0..n); *len its size. */
static inline uint8_t *fuzz_wrap_model(const uint8_t *p, size_t n, size_t *len)
{
    uLongf clen = compressBound((uLong)n);
    uint8_t *b = malloc(20 + clen);
    FUZZ_ASSERT(b && compress2(b + 20, &clen, p, (uLong)n, 1) == Z_OK);
    memcpy(b, "FTSA", 4);
    fuzz_le(b + 4, 2, 2);
    fuzz_le(b + 6, 0, 2);
    fuzz_le(b + 8, n, 4);
    fuzz_le(b + 12, clen, 4);
    fuzz_le(b + 16, crc32(0L, p, (uInt)n), 4);
    *len = 20 + clen;
    return b;
}

/* A .trc container (version 1, N = 8) with the given counts around payload
 * p[0..n), its CRC over header and payload; *len its size. */
static inline uint8_t *fuzz_wrap_trace(uint64_t accesses, uint64_t marks, const uint8_t *p,
                                       size_t n, size_t *len)
{
    uLongf clen = compressBound((uLong)n);
    uint8_t *b = malloc(48 + clen);
    FUZZ_ASSERT(b && compress2(b + 48, &clen, p, (uLong)n, 1) == Z_OK);
    memcpy(b, "FTRC", 4);
    fuzz_le(b + 4, 1, 2);
    fuzz_le(b + 6, 0, 2);
    fuzz_le(b + 8, 8, 4);
    fuzz_le(b + 12, accesses, 8);
    fuzz_le(b + 20, marks, 8);
    fuzz_le(b + 28, n, 8);
    fuzz_le(b + 36, clen, 8);
    uLong crc = crc32(0L, b, 44);
    if (n)
        crc = crc32(crc, p, (uInt)n);
    fuzz_le(b + 44, crc, 4);
    *len = 48 + clen;
    return b;
}

#endif
