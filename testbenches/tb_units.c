/* Unit testbenches of ftsa_top, driven from C through command streams:
 *   array   PE/array: exact int32 dot products in the accumulator, several
 *           input tiles back to back (weight double buffering), short passes
 *   requant post-processing vs ftsa_requantize over >= 100k random inputs
 *           (saturation, extreme multipliers and shifts included)
 *   clip    every activation mode with every threshold source
 *   pool    max pool (random windows/strides) and global average vs the C model
 *   faults  SRAM fault ports on every memory (stuck-at, flip, timed upset) and a
 *           stored activation fault reaching exactly the outputs that read it
 *   dma     load/store round trips on every memory, odd lengths and offsets
 *   ctrl    CSRs, unknown opcode -> ERROR, CLEAR, STAMP ordering, queue address
 *
 * usage: tb_units TEST ARRAY_N */
#include <stdlib.h>
#include <string.h>

#include "ftsa/hw_regs.h"
#include "ftsa/netgen.h"
#include "ftsa/quant.h"
#include "ftsa/rng.h"
#include "tb_common.h"

#define HOST_BYTES (8u << 20)
#define CMD_BASE 0x0u        /* command streams */
#define DATA_BASE (1u << 20) /* data regions above */

typedef struct {
    ftsa_sim_t *sim;
    uint8_t *host;
    uint32_t n;
    ftsa_hw_cfg_t hw;
    ftsa_cmdbuf_t cb;
    uint32_t brk; /* next free data byte */
    ftsa_rng_t rng;
} hw_t;

static void hw_open(hw_t *h, uint32_t n, uint64_t seed)
{
    ftsa_err_t err;
    memset(h, 0, sizeof *h);
    TB_CHECK(!ftsa_sim_create(n, HOST_BYTES, NULL, &h->sim, &err), "%s", err.msg);
    h->host = ftsa_sim_host(h->sim, NULL);
    h->n = n;
    tb_hw_cfg(h->sim, &h->hw);
    ftsa_cmd_init(&h->cb);
    h->brk = DATA_BASE;
    ftsa_rng_seed(&h->rng, seed);
}

static void hw_close(hw_t *h)
{
    ftsa_cmd_free(&h->cb);
    ftsa_sim_destroy(h->sim);
}

static uint32_t hw_alloc(hw_t *h, uint32_t bytes)
{
    uint32_t at = h->brk;
    h->brk = (h->brk + bytes + 15u) & ~15u;
    TB_CHECK(h->brk <= HOST_BYTES, "host memory exhausted");
    return at;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Append END, copy the stream to CMD_BASE, run it; returns the status. */
static ftsa_status_t hw_try(hw_t *h, ftsa_err_t *err)
{
    ftsa_cmd_emit(&h->cb, FTSA_HW_OP_END, 0, 0);
    TB_CHECK(!h->cb.oom && h->cb.n * 4 < DATA_BASE, "command stream too long");
    for (size_t i = 0; i < h->cb.n; i++)
        put32(h->host + CMD_BASE + 4 * i, h->cb.words[i]);
    h->cb.n = 0;
    return ftsa_sim_run(h->sim, CMD_BASE, 1ull << 32, err);
}

static void hw_run(hw_t *h)
{
    ftsa_err_t err;
    TB_CHECK(!hw_try(h, &err), "%s", err.msg);
}

static void fill_random(hw_t *h, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)ftsa_rng_u64(&h->rng);
}

/* ------------------------------------------------------------------ array */

/* P positions (H x W, 1x1 kernel), K input tiles accumulated in ACC. */
static void array_case(hw_t *h, uint32_t H, uint32_t W, uint32_t K)
{
    uint32_t n = h->n, P = H * W;
    uint32_t act = hw_alloc(h, P * K * n), wgt = hw_alloc(h, K * n * n), acc = hw_alloc(h, P * n * 4);
    fill_random(h, h->host + act, P * K * n);
    fill_random(h, h->host + wgt, K * n * n);
    h->host[act] = 0x80, h->host[wgt] = 0x80; /* -128 * -128 */
    ftsa_cmd_dma(&h->cb, 0, FTSA_HW_MEM_ACT0, 0, P * K, act);
    ftsa_cmd_dma(&h->cb, 0, FTSA_HW_MEM_WGT, 0, K * n, wgt);
    uint32_t regs[][2] = {{FTSA_HW_REG_SRC, 0},    {FTSA_HW_REG_IN_H, H},   {FTSA_HW_REG_IN_W, W},
                          {FTSA_HW_REG_IN_CT, K},  {FTSA_HW_REG_OUT_W, W},  {FTSA_HW_REG_OUT_CT, 1},
                          {FTSA_HW_REG_STRIDE, 1}, {FTSA_HW_REG_PAD, 0},    {FTSA_HW_REG_ROW0, 0},
                          {FTSA_HW_REG_ROWS, H}};
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
        ftsa_cmd_set(&h->cb, regs[i][0], regs[i][1]);
    for (uint32_t k = 0; k < K; k++) /* back to back: no drain between passes */
        ftsa_cmd_pass(&h->cb, 0, 0, k, k == 0, 0, k * n, 0);
    ftsa_cmd_dma(&h->cb, 1, FTSA_HW_MEM_ACC, 0, P, acc);
    hw_run(h);
    for (uint32_t p = 0; p < P; p++)
        for (uint32_t c = 0; c < n; c++) {
            int32_t want = 0;
            for (uint32_t k = 0; k < K; k++)
                for (uint32_t r = 0; r < n; r++)
                    want += (int8_t)h->host[act + (p * K + k) * n + r] *
                            (int8_t)h->host[wgt + (k * n + r) * n + c];
            int32_t got = (int32_t)get32(h->host + acc + (p * n + c) * 4);
            TB_CHECK(got == want, "%ux%u K=%u position %u column %u: want %d got %d", H, W, K, p,
                     c, want, got);
        }
}

static void test_array(hw_t *h)
{
    array_case(h, 1, 1, 1);
    array_case(h, 1, 1, 7);  /* short passes: weight buffers reused every other pass */
    array_case(h, 5, 7, 1);
    array_case(h, 5, 7, 6);
    array_case(h, 2, 3, 9);
    array_case(h, 16, 16, 3);
}

/* ------------------------------------------------------------------ post */

typedef struct {
    uint32_t H, W, ot;
    ftsa_act_mode_t act;
    ftsa_thr_source_t src;
    int8_t zp, thr_layer;
    int32_t *bias, *mult;
    int8_t *shift, *thr; /* thr: per channel (ot*n) or per neuron (H*W*ot*n) */
} post_case_t;

/* 1x1 convolution of a zero input with zero weights: the accumulator holds
 * exactly the PAR bias, so the post pipeline sees chosen int32 values. */
static void post_run(hw_t *h, const post_case_t *pc)
{
    uint32_t n = h->n, P = pc->H * pc->W, C = pc->ot * n;
    uint32_t act = hw_alloc(h, P * n), wgt = hw_alloc(h, n * n), par = hw_alloc(h, C * 12);
    uint32_t thr_words = pc->src == FTSA_THR_CHANNEL ? pc->ot : pc->src == FTSA_THR_NEURON ? P * pc->ot : 0;
    uint32_t thr = hw_alloc(h, thr_words * n + 16), out = hw_alloc(h, P * pc->ot * n);
    memset(h->host + act, 0, P * n);
    memset(h->host + wgt, 0, n * n);
    for (uint32_t c = 0; c < C; c++) {
        put32(h->host + par + 12 * c, (uint32_t)pc->bias[c]);
        put32(h->host + par + 12 * c + 4, (uint32_t)pc->mult[c]);
        put32(h->host + par + 12 * c + 8, (uint8_t)pc->shift[c]);
    }
    if (thr_words)
        memcpy(h->host + thr, pc->thr, thr_words * n);
    ftsa_cmd_dma(&h->cb, 0, FTSA_HW_MEM_ACT0, 0, P, act);
    ftsa_cmd_dma(&h->cb, 0, FTSA_HW_MEM_WGT, 0, n, wgt);
    ftsa_cmd_dma(&h->cb, 0, FTSA_HW_MEM_PAR, 0, C, par);
    if (thr_words)
        ftsa_cmd_dma(&h->cb, 0, FTSA_HW_MEM_THR, 0, thr_words, thr);
    uint32_t regs[][2] = {
        {FTSA_HW_REG_SRC, 0},         {FTSA_HW_REG_IN_H, pc->H},          {FTSA_HW_REG_IN_W, pc->W},
        {FTSA_HW_REG_IN_CT, 1},       {FTSA_HW_REG_OUT_W, pc->W},         {FTSA_HW_REG_OUT_CT, pc->ot},
        {FTSA_HW_REG_STRIDE, 1},      {FTSA_HW_REG_PAD, 0},               {FTSA_HW_REG_ROW0, 0},
        {FTSA_HW_REG_ROWS, pc->H},    {FTSA_HW_REG_OUT_ZP, (uint8_t)pc->zp},
        {FTSA_HW_REG_ACT, pc->act},   {FTSA_HW_REG_THR_SRC, pc->src},
        {FTSA_HW_REG_THR_LAYER, (uint8_t)pc->thr_layer},
        {FTSA_HW_REG_PAR_BASE, 0},    {FTSA_HW_REG_THR_BASE, 0}};
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
        ftsa_cmd_set(&h->cb, regs[i][0], regs[i][1]);
    for (uint32_t ot = 0; ot < pc->ot; ot++) {
        ftsa_cmd_emit(&h->cb, FTSA_HW_OP_POSTCFG, ot, 0);
        ftsa_cmd_pass(&h->cb, 0, 0, 0, 1, 1, 0, ot);
    }
    ftsa_cmd_dma(&h->cb, 1, FTSA_HW_MEM_ACT1, 0, P * pc->ot, out);
    hw_run(h);
    for (uint32_t p = 0; p < P; p++)
        for (uint32_t c = 0; c < C; c++) {
            int8_t t = pc->src == FTSA_THR_CHANNEL ? pc->thr[c]
                       : pc->src == FTSA_THR_NEURON ? pc->thr[p * C + c]
                                                    : pc->thr_layer;
            int8_t q = ftsa_requantize(pc->bias[c], pc->mult[c], pc->shift[c], pc->zp);
            int8_t want = ftsa_activate(q, pc->act, pc->zp, t);
            int8_t got = (int8_t)h->host[out + p * C + c];
            TB_CHECK(got == want,
                     "act %d src %d pixel %u ch %u: acc %d mult %d shift %d zp %d thr %d: want %d got %d",
                     pc->act, pc->src, p, c, pc->bias[c], pc->mult[c], pc->shift[c], pc->zp, t, want,
                     got);
        }
    h->brk = DATA_BASE;
}

static int32_t random_acc(ftsa_rng_t *rng)
{
    static const int32_t special[] = {INT32_MIN, INT32_MIN + 1, -1, 0, 1, INT32_MAX, INT32_MAX - 1,
                                      1 << 30, -(1 << 30), 65535, -65536};
    switch (ftsa_rng_below(rng, 4)) {
    case 0: return special[ftsa_rng_below(rng, sizeof special / sizeof special[0])];
    case 1: return (int32_t)ftsa_rng_range(rng, -300000, 300000);
    case 2: return (int32_t)ftsa_rng_range(rng, -3000, 3000);
    default: return (int32_t)(uint32_t)ftsa_rng_u64(rng);
    }
}

static int32_t random_mult(ftsa_rng_t *rng)
{
    switch (ftsa_rng_below(rng, 8)) {
    case 0: return INT32_MIN;
    case 1: return (int32_t)(uint32_t)ftsa_rng_u64(rng); /* any int32, negative too */
    case 2: return INT32_MAX;
    default: return (int32_t)ftsa_rng_range(rng, 1 << 30, INT32_MAX);
    }
}

static void post_alloc(post_case_t *pc, uint32_t n)
{
    uint32_t C = pc->ot * n;
    pc->bias = calloc(C, 4), pc->mult = calloc(C, 4), pc->shift = calloc(C, 1);
    pc->thr = calloc((size_t)pc->H * pc->W * C, 1);
    TB_CHECK(pc->bias && pc->mult && pc->shift && pc->thr, "out of memory");
}

static void post_free(post_case_t *pc)
{
    free(pc->bias), free(pc->mult), free(pc->shift), free(pc->thr);
}

static void test_requant(hw_t *h)
{
    uint32_t per = h->hw.par_depth; /* channels per batch: the whole PAR SRAM */
    uint32_t total = 0;
    for (uint32_t b = 0; total < 100000; b++) {
        post_case_t pc = {.H = 1, .W = 1, .ot = per / h->n, .act = FTSA_ACT_NONE};
        post_alloc(&pc, h->n);
        pc.zp = (int8_t)ftsa_rng_range(&h->rng, -128, 127);
        for (uint32_t c = 0; c < pc.ot * h->n; c++) {
            pc.bias[c] = random_acc(&h->rng);
            pc.mult[c] = random_mult(&h->rng);
            pc.shift[c] = (int8_t)ftsa_rng_range(&h->rng, FTSA_SHIFT_MIN, FTSA_SHIFT_MAX);
            if (c % 97 == 0) /* the one product that saturates */
                pc.bias[c] = INT32_MIN, pc.mult[c] = INT32_MIN, pc.shift[c] = (int8_t)-(c % 5);
        }
        post_run(h, &pc);
        total += pc.ot * h->n;
        post_free(&pc);
    }
    printf("requant: %u values bit-exact with ftsa_requantize\n", total);
}

static void test_clip(hw_t *h)
{
    for (int act = 0; act < FTSA_ACT_COUNT; act++)
        for (int src = 0; src < FTSA_THR_SOURCE_COUNT; src++)
            for (int rep = 0; rep < 3; rep++) {
                post_case_t pc = {.H = 3, .W = 5, .ot = 3, .act = (ftsa_act_mode_t)act,
                                  .src = (ftsa_thr_source_t)src};
                post_alloc(&pc, h->n);
                pc.zp = (int8_t)ftsa_rng_range(&h->rng, -128, 60);
                pc.thr_layer = (int8_t)ftsa_rng_range(&h->rng, -128, 127);
                uint32_t C = pc.ot * h->n;
                for (uint32_t c = 0; c < C; c++) {
                    pc.bias[c] = (int32_t)ftsa_rng_range(&h->rng, -200, 200);
                    pc.mult[c] = 1 << 30; /* q = acc + zp (shift 1: x2 then /2) */
                    pc.shift[c] = 1;
                }
                for (uint32_t i = 0; i < pc.H * pc.W * C; i++)
                    pc.thr[i] = (int8_t)ftsa_rng_range(&h->rng, -128, 127);
                post_run(h, &pc);
                post_free(&pc);
            }
    printf("clip: 4 modes x 3 threshold sources bit-exact with ftsa_activate\n");
}

/* ------------------------------------------------------------------ pool */

/* The C model's output of one weightless layer l on input in. */
static void ref_single_layer(const ftsa_layer_t *l, const int8_t *in, int8_t *out)
{
    ftsa_err_t err;
    ftsa_net_t net;
    ftsa_net_init(&net);
    net.input = l->in;
    net.in_scale = 1.0f;
    ftsa_layer_t copy = *l;
    copy.in_scale = copy.out_scale = 1.0f;
    TB_CHECK(!ftsa_net_append(&net, &copy, &err), "%s", err.msg);
    ftsa_ref_t ref;
    TB_CHECK(!ftsa_ref_init(&ref, &net, &err), "%s", err.msg);
    ftsa_ref_run(&ref, in);
    memcpy(out, ftsa_ref_output(&ref, 0), ftsa_shape_elems(l->out));
    ftsa_ref_free(&ref);
    ftsa_net_free(&net);
}

static void pool_case(hw_t *h, int avg, uint32_t H, uint32_t W, uint32_t ct, uint32_t k,
                      uint32_t kw, uint32_t s, uint32_t src)
{
    uint32_t n = h->n;
    ftsa_layer_t l = {.kind = avg ? FTSA_LAYER_AVGPOOL_GLOBAL : FTSA_LAYER_MAXPOOL,
                      .in = {H, W, ct * n}, .kh = k, .kw = kw, .stride = s};
    ftsa_err_t err;
    TB_CHECK(!ftsa_layer_out_shape(&l, l.in, &l.out, &err), "%s", err.msg);
    uint32_t in_words = H * W * ct, out_words = l.out.h * l.out.w * ct;
    uint32_t in = hw_alloc(h, in_words * n), out = hw_alloc(h, out_words * n);
    fill_random(h, h->host + in, in_words * n);
    ftsa_cmd_dma(&h->cb, 0, src ? FTSA_HW_MEM_ACT1 : FTSA_HW_MEM_ACT0, 0, in_words, in);
    ftsa_cmd_set(&h->cb, FTSA_HW_REG_SRC, src);
    ftsa_cmd_set(&h->cb, FTSA_HW_REG_IN_W, W);
    ftsa_cmd_set(&h->cb, FTSA_HW_REG_IN_CT, ct);
    ftsa_cmd_set(&h->cb, FTSA_HW_REG_OUT_H, l.out.h);
    ftsa_cmd_set(&h->cb, FTSA_HW_REG_OUT_W, l.out.w);
    ftsa_cmd_set(&h->cb, FTSA_HW_REG_STRIDE, s);
    ftsa_cmd_set(&h->cb, FTSA_HW_REG_POOL_KH, k);
    ftsa_cmd_set(&h->cb, FTSA_HW_REG_POOL_KW, kw);
    ftsa_cmd_set(&h->cb, FTSA_HW_REG_AVG_N, H * W);
    ftsa_cmd_emit(&h->cb, avg ? FTSA_HW_OP_AVGPOOL : FTSA_HW_OP_MAXPOOL, 0, 0);
    ftsa_cmd_dma(&h->cb, 1, src ? FTSA_HW_MEM_ACT0 : FTSA_HW_MEM_ACT1, 0, out_words, out);
    hw_run(h);
    int8_t *want = malloc(out_words * n);
    TB_CHECK(want != NULL, "out of memory");
    ref_single_layer(&l, (const int8_t *)(h->host + in), want);
    char what[96];
    snprintf(what, sizeof what, "%s %ux%ux%u window %ux%u stride %u", avg ? "avgpool" : "maxpool",
             H, W, ct * n, k, kw, s);
    TB_CHECK(tb_same(what, 0, want, (const int8_t *)(h->host + out), out_words * n), "%s", what);
    free(want);
    h->brk = DATA_BASE;
}

static void test_pool(hw_t *h)
{
    pool_case(h, 0, 28, 28, 1, 2, 2, 2, 0);
    pool_case(h, 0, 9, 7, 3, 2, 2, 2, 1);
    pool_case(h, 0, 10, 11, 2, 3, 3, 1, 0);
    pool_case(h, 0, 12, 9, 1, 3, 2, 3, 1);
    pool_case(h, 0, 1, 1, 5, 1, 1, 1, 0);
    for (int i = 0; i < 10; i++) {
        uint32_t H = (uint32_t)ftsa_rng_range(&h->rng, 1, 20), W = (uint32_t)ftsa_rng_range(&h->rng, 1, 20);
        uint32_t k = (uint32_t)ftsa_rng_range(&h->rng, 1, H < 4 ? H : 4);
        uint32_t kw = (uint32_t)ftsa_rng_range(&h->rng, 1, W < 4 ? W : 4);
        pool_case(h, 0, H, W, (uint32_t)ftsa_rng_range(&h->rng, 1, 3), k, kw,
                  (uint32_t)ftsa_rng_range(&h->rng, 1, 3), (uint32_t)ftsa_rng_below(&h->rng, 2));
    }
    pool_case(h, 1, 1, 1, 2, 1, 1, 1, 0);
    pool_case(h, 1, 5, 5, 2, 1, 1, 1, 1);
    pool_case(h, 1, 7, 3, 3, 1, 1, 1, 0);
    pool_case(h, 1, 64, 32, 2, 1, 1, 1, 0); /* 2048 pixels */
    for (int i = 0; i < 6; i++)
        pool_case(h, 1, (uint32_t)ftsa_rng_range(&h->rng, 1, 16),
                  (uint32_t)ftsa_rng_range(&h->rng, 1, 16), (uint32_t)ftsa_rng_range(&h->rng, 1, 3),
                  1, 1, 1, (uint32_t)ftsa_rng_below(&h->rng, 2));
    printf("pool: max and global average bit-exact with the C model\n");
}

/* ------------------------------------------------------------------ dma */

static uint32_t word_bytes(hw_t *h, uint32_t mem)
{
    return ftsa_sim_mem_width(h->sim, mem) / 8;
}

static void test_dma(hw_t *h)
{
    for (uint32_t mem = 0; mem <= FTSA_HW_MEM_THR; mem++)
        for (int rep = 0; rep < 4; rep++) {
            uint32_t depth = ftsa_sim_mem_depth(h->sim, mem), wb = word_bytes(h, mem);
            uint32_t words = rep == 0 ? 1 : (uint32_t)ftsa_rng_range(&h->rng, 1, 300);
            uint32_t at = rep == 1 ? depth - words : (uint32_t)ftsa_rng_below(&h->rng, depth - words);
            uint32_t src = hw_alloc(h, words * wb), dst = hw_alloc(h, words * wb + 16);
            fill_random(h, h->host + src, words * wb);
            memset(h->host + dst, 0xa5, words * wb + 16);
            ftsa_cmd_dma(&h->cb, 0, mem, at, words, src);
            ftsa_cmd_dma(&h->cb, 1, mem, at, 0, dst); /* zero words: no-op */
            ftsa_cmd_dma(&h->cb, 1, mem, at, words, dst);
            hw_run(h);
            TB_CHECK(!memcmp(h->host + src, h->host + dst, words * wb),
                     "memory %u: %u words at %u differ after a round trip", mem, words, at);
            for (uint32_t i = 0; i < 16; i++)
                TB_CHECK(h->host[dst + words * wb + i] == 0xa5, "memory %u: store overran", mem);
            h->brk = DATA_BASE;
        }
    printf("dma: round trips on all six memories\n");
}

/* ------------------------------------------------------------------ faults */

static void read_words(hw_t *h, uint32_t mem, uint32_t at, uint32_t words, uint32_t dst)
{
    ftsa_cmd_dma(&h->cb, 1, mem, at, words, dst);
    hw_run(h);
}

static void test_faults(hw_t *h)
{
    ftsa_err_t err;
    uint32_t mask[16 * 32 / 32 * 2];
    for (uint32_t mem = 0; mem <= FTSA_HW_MEM_THR; mem++) {
        uint32_t wb = word_bytes(h, mem), depth = ftsa_sim_mem_depth(h->sim, mem);
        uint32_t at = (uint32_t)ftsa_rng_below(&h->rng, depth - 4);
        uint32_t src = hw_alloc(h, 4 * wb), dst = hw_alloc(h, 4 * wb);
        fill_random(h, h->host + src, 4 * wb);
        for (uint32_t i = 0; i < wb / 4; i++)
            mask[i] = (uint32_t)ftsa_rng_u64(&h->rng);
        ftsa_cmd_dma(&h->cb, 0, mem, at, 4, src);
        hw_run(h);
        TB_CHECK(!ftsa_sim_fault_set(h->sim, mem, FTSA_SIM_FAULT_SA0, at, mask, &err), "%s", err.msg);
        TB_CHECK(!ftsa_sim_fault_set(h->sim, mem, FTSA_SIM_FAULT_SA1, at + 1, mask, &err), "%s", err.msg);
        TB_CHECK(!ftsa_sim_fault_set(h->sim, mem, FTSA_SIM_FAULT_FLIP, at + 2, mask, &err), "%s", err.msg);
        /* Upset of word at+3 two cycles from now, before the store reads it. */
        TB_CHECK(!ftsa_sim_fault_upset_at(h->sim, mem, ftsa_sim_cycle(h->sim) + 2, at + 3, mask, &err),
                 "%s", err.msg);
        read_words(h, mem, at, 4, dst);
        for (uint32_t i = 0; i < wb / 4; i++) {
            uint32_t m = mask[i];
            const uint8_t *s = h->host + src, *d = h->host + dst;
            TB_CHECK(get32(d + 4 * i) == (get32(s + 4 * i) & ~m), "mem %u stuck-at-0", mem);
            TB_CHECK(get32(d + wb + 4 * i) == (get32(s + wb + 4 * i) | m), "mem %u stuck-at-1", mem);
            TB_CHECK(get32(d + 2 * wb + 4 * i) == (get32(s + 2 * wb + 4 * i) ^ m), "mem %u flip", mem);
            TB_CHECK(get32(d + 3 * wb + 4 * i) == (get32(s + 3 * wb + 4 * i) ^ m), "mem %u upset", mem);
        }
        /* Clear the masks; a rewrite clears the upset. */
        uint32_t zero[32] = {0};
        for (int k = 0; k < 3; k++)
            TB_CHECK(!ftsa_sim_fault_set(h->sim, mem, (ftsa_sim_fault_kind_t)k, at + (uint32_t)k, zero, &err),
                     "%s", err.msg);
        ftsa_cmd_dma(&h->cb, 0, mem, at + 3, 1, src + 3 * wb);
        read_words(h, mem, at, 4, dst);
        TB_CHECK(!memcmp(h->host + src, h->host + dst, 4 * wb), "mem %u: faults not cleared", mem);
        /* An upset after the last read changes nothing that was read. */
        h->brk = DATA_BASE;
    }
    TB_CHECK(ftsa_sim_fault_set(h->sim, 9, FTSA_SIM_FAULT_SA0, 0, mask, &err) == FTSA_E_INVALID,
             "unknown memory accepted");
    TB_CHECK(ftsa_sim_fault_set(h->sim, FTSA_HW_MEM_THR, FTSA_SIM_FAULT_SA0, 1u << 20, mask, &err) ==
                 FTSA_E_INVALID, "address out of range accepted");
    printf("faults: stuck-at-0/1, flip and timed upset on all six memories\n");
}

/* A flipped bit in one stored input activation reaches exactly the conv1
 * outputs whose windows read that pixel (each activation is stored once). */
static void test_fault_reach(uint32_t n)
{
    ftsa_err_t err;
    ftsa_net_t net;
    TB_CHECK(!ftsa_netgen_lenet(&net, 9, &err), "%s", err.msg);
    ftsa_ref_t ref;
    TB_CHECK(!ftsa_ref_init(&ref, &net, &err), "%s", err.msg);
    tb_rtl_t rtl;
    TB_CHECK(!tb_rtl_open(&rtl, &net, n, NULL, &err), "%s", err.msg);
    int8_t in[28 * 28], out[28 * 28 * 6];
    for (int i = 0; i < 28 * 28; i++)
        in[i] = (int8_t)(i * 37 % 256 - 128);
    const uint32_t y = 10, x = 12, word = y * 28 + x; /* input: one word per pixel */
    uint32_t mask[4] = {0x40}; /* lane 0 (the only channel), bit 6 */
    TB_CHECK(!ftsa_sim_fault_set(rtl.sim, FTSA_HW_MEM_ACT0, FTSA_SIM_FAULT_FLIP, word, mask, &err),
             "%s", err.msg);
    ftsa_ref_run(&ref, in);
    TB_CHECK(!tb_rtl_infer(&rtl, in, &err), "%s", err.msg);
    tb_rtl_layer(&rtl, 0, out);
    const int8_t *want = ftsa_ref_output(&ref, 0);
    uint32_t changed = 0;
    for (uint32_t oy = 0; oy < 28; oy++)
        for (uint32_t ox = 0; ox < 28; ox++)
            for (uint32_t c = 0; c < 6; c++) {
                uint32_t i = (oy * 28 + ox) * 6 + c;
                int inside = oy + 2 >= y && oy <= y + 2 && ox + 2 >= x && ox <= x + 2;
                TB_CHECK(inside || out[i] == want[i], "output (%u,%u,%u) outside the window changed",
                         oy, ox, c);
                changed += out[i] != want[i];
            }
    TB_CHECK(changed > 0, "the flipped activation changed no output");
    printf("fault reach: one flipped stored activation changed %u conv1 outputs, all in its 5x5 "
           "neighbourhood\n", changed);
    tb_rtl_close(&rtl);
    ftsa_ref_free(&ref);
    ftsa_net_free(&net);
}

/* ------------------------------------------------------------------ ctrl */

static void test_ctrl(hw_t *h)
{
    ftsa_err_t err;
    TB_CHECK(ftsa_sim_csr_read(h->sim, FTSA_HW_CSR_HW_ARRAY_N) == h->n, "HW_ARRAY_N");
    TB_CHECK(h->hw.wgt_depth && h->hw.act_depth && h->hw.acc_depth && h->hw.par_depth &&
                 h->hw.thr_depth, "SRAM depths");
    uint64_t c0 = ((uint64_t)ftsa_sim_csr_read(h->sim, FTSA_HW_CSR_CYCLES_HI) << 32) |
                  ftsa_sim_csr_read(h->sim, FTSA_HW_CSR_CYCLES_LO);
    ftsa_sim_step(h->sim, 10);
    uint64_t c1 = ((uint64_t)ftsa_sim_csr_read(h->sim, FTSA_HW_CSR_CYCLES_HI) << 32) |
                  ftsa_sim_csr_read(h->sim, FTSA_HW_CSR_CYCLES_LO);
    TB_CHECK(c1 - c0 == 10, "cycle counter advanced %llu in 10 cycles", (unsigned long long)(c1 - c0));

    /* STAMP ordering, SYNC, and RUN_CYCLES. */
    uint32_t st = hw_alloc(h, 16);
    ftsa_cmd_emit(&h->cb, FTSA_HW_OP_STAMP, 0, st);
    ftsa_cmd_emit(&h->cb, FTSA_HW_OP_SYNC, 0, 0);
    ftsa_cmd_emit(&h->cb, FTSA_HW_OP_STAMP, 0, st + 4);
    hw_run(h);
    uint32_t s0 = get32(h->host + st), s1 = get32(h->host + st + 4);
    TB_CHECK(s1 > s0 && s1 - s0 < 20, "stamps %u then %u", s0, s1);
    uint32_t run = ftsa_sim_csr_read(h->sim, FTSA_HW_CSR_RUN_CYCLES);
    TB_CHECK(run > s1 - s0 && run < 100, "RUN_CYCLES %u", run);

    /* Unknown opcode: ERROR with the opcode; the next START clears it. */
    ftsa_cmd_emit(&h->cb, 0x7e, 0, 0);
    TB_CHECK(hw_try(h, &err) == FTSA_E_BACKEND, "unknown opcode accepted");
    uint32_t status = ftsa_sim_csr_read(h->sim, FTSA_HW_CSR_STATUS);
    TB_CHECK(status & (1u << FTSA_HW_STATUS_ERROR), "STATUS.ERROR not set (0x%x)", status);
    TB_CHECK(ftsa_sim_csr_read(h->sim, FTSA_HW_CSR_ERR_INFO) == 0x7e, "ERR_INFO");
    ftsa_sim_csr_write(h->sim, FTSA_HW_CSR_CTRL, 1u << FTSA_HW_CTRL_CLEAR);
    TB_CHECK(ftsa_sim_csr_read(h->sim, FTSA_HW_CSR_STATUS) == 0, "CLEAR");
    hw_run(h); /* just END */
    TB_CHECK(ftsa_sim_csr_read(h->sim, FTSA_HW_CSR_STATUS) == (1u << FTSA_HW_STATUS_DONE), "DONE");

    /* A queue at another address; SET reaches the layer registers (checked
     * through a one-word DMA whose SRAM address comes from DMA_SRAM). */
    uint32_t q = hw_alloc(h, 64), data = hw_alloc(h, 16), back = hw_alloc(h, 16);
    fill_random(h, h->host + data, 16);
    uint32_t cmds[] = {FTSA_HW_OP_SET | FTSA_HW_REG_DMA_SRAM << 8, 77,
                       FTSA_HW_OP_DMA_LOAD | (FTSA_HW_MEM_THR | 1u << FTSA_HW_FLD_COUNT) << 8, data,
                       FTSA_HW_OP_DMA_STORE | (FTSA_HW_MEM_THR | 1u << FTSA_HW_FLD_COUNT) << 8, back,
                       FTSA_HW_OP_END, 0};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        put32(h->host + q + 4 * i, cmds[i]);
    TB_CHECK(!ftsa_sim_run(h->sim, q, 100000, &err), "%s", err.msg);
    TB_CHECK(!memcmp(h->host + data, h->host + back, word_bytes(h, FTSA_HW_MEM_THR)), "queue at 0x%x", q);
    printf("ctrl: CSRs, STAMP/SYNC, error and CLEAR, queue address\n");
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: tb_units array|requant|clip|pool|faults|dma|ctrl ARRAY_N\n");
        return 2;
    }
    const char *test = argv[1];
    uint32_t n = (uint32_t)atoi(argv[2]);
    hw_t h;
    hw_open(&h, n, 42 + n);
    if (!strcmp(test, "array"))
        test_array(&h);
    else if (!strcmp(test, "requant"))
        test_requant(&h);
    else if (!strcmp(test, "clip"))
        test_clip(&h);
    else if (!strcmp(test, "pool"))
        test_pool(&h);
    else if (!strcmp(test, "faults")) {
        test_faults(&h);
        test_fault_reach(n);
    } else if (!strcmp(test, "dma"))
        test_dma(&h);
    else if (!strcmp(test, "ctrl"))
        test_ctrl(&h);
    else {
        fprintf(stderr, "tb_units: unknown test '%s'\n", test);
        return 2;
    }
    hw_close(&h);
    return 0;
}
