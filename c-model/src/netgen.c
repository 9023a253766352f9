#include "ftsa/netgen.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ftsa/rng.h"

void ftsa_netgen_defaults(ftsa_netgen_opts_t *opts)
{
    opts->max_side = 16;
    opts->max_channels = 24;
    opts->max_fc = 96;
}

/* Weights, bias, a requantization scale that keeps outputs in range, thresholds. */
static void fill_params(ftsa_layer_t *l, ftsa_rng_t *rng)
{
    uint32_t fan_in = ftsa_layer_fan_in(l);
    uint32_t nw = ftsa_layer_weight_count(l);
    for (uint32_t i = 0; i < nw; i++)
        l->weights[i] = (int8_t)ftsa_rng_range(rng, -127, 127);
    /* Accumulator spread is about 73 * 73 * sqrt(fan_in); aim for outputs of ~40. */
    double spread = 5300.0 * sqrt((double)fan_in);
    for (uint32_t c = 0; c < l->out.c; c++) {
        l->bias[c] = (int32_t)ftsa_rng_range(rng, -(int64_t)spread, (int64_t)spread);
        double real = 40.0 / spread * (0.25 + 1.75 * ftsa_rng_uniform(rng));
        int shift;
        ftsa_quantize_multiplier(real, &l->multiplier[c], &shift);
        l->shift[c] = (int8_t)shift;
        l->w_scale[c] = (float)(real * l->out_scale / l->in_scale);
    }
    uint32_t n = ftsa_layer_thr_count(l);
    for (uint32_t i = 0; i < n; i++)
        l->thr[i] = (int8_t)ftsa_rng_range(rng, l->out_zp, 127);
}

/* Append a layer of l's kind/geometry, chained to the current end of net. */
static ftsa_status_t add(ftsa_net_t *net, ftsa_layer_t *l, ftsa_rng_t *rng, ftsa_err_t *err)
{
    const ftsa_layer_t *prev = net->n_layers ? &net->layers[net->n_layers - 1] : NULL;
    l->in = ftsa_net_output_shape(net);
    l->in_scale = prev ? prev->out_scale : net->in_scale;
    l->in_zp = prev ? prev->out_zp : net->in_zp;
    l->out_scale = l->in_scale;
    l->out_zp = l->in_zp;
    if (ftsa_layer_has_weights(l)) {
        l->out_scale = (float)(0.01 + 0.2 * ftsa_rng_uniform(rng));
        l->out_zp = (int32_t)ftsa_rng_range(rng, -128, 60);
        l->act = (ftsa_act_mode_t)ftsa_rng_below(rng, FTSA_ACT_COUNT);
        l->thr_src = (ftsa_thr_source_t)ftsa_rng_below(rng, FTSA_THR_SOURCE_COUNT);
    }
    ftsa_status_t st = ftsa_layer_out_shape(l, l->in, &l->out, err);
    if (!st)
        st = ftsa_layer_alloc(l, err);
    if (!st && ftsa_layer_has_weights(l))
        fill_params(l, rng);
    if (!st)
        st = ftsa_net_append(net, l, err);
    if (st)
        ftsa_layer_free(l);
    return st;
}

ftsa_status_t ftsa_netgen_random(ftsa_net_t *net, uint64_t seed, const ftsa_netgen_opts_t *opts,
                                 ftsa_err_t *err)
{
    ftsa_netgen_opts_t def;
    if (!opts) {
        ftsa_netgen_defaults(&def);
        opts = &def;
    }
    ftsa_rng_t rng;
    ftsa_rng_seed_stream(&rng, seed, 0x6e657467656eull);
    ftsa_net_init(net);
    snprintf(net->name, sizeof net->name, "random-%llu", (unsigned long long)seed);
    uint32_t side = (uint32_t)ftsa_rng_range(&rng, 4, opts->max_side);
    net->input = (ftsa_shape_t){side, (uint32_t)ftsa_rng_range(&rng, 4, opts->max_side),
                                (uint32_t)ftsa_rng_range(&rng, 1, 4)};
    net->in_scale = 1.0f / 255.0f;
    net->in_zp = (int32_t)ftsa_rng_range(&rng, -128, 0);
    ftsa_status_t st = FTSA_OK;
    uint32_t n_conv = (uint32_t)ftsa_rng_range(&rng, 0, 3);
    for (uint32_t i = 0; !st && i < n_conv; i++) {
        ftsa_shape_t in = ftsa_net_output_shape(net);
        uint32_t small = in.h < in.w ? in.h : in.w;
        if (small < 2)
            break;
        ftsa_layer_t l = {.kind = FTSA_LAYER_CONV2D};
        l.kh = l.kw = (uint32_t)ftsa_rng_range(&rng, 1, small < 5 ? small : 5);
        l.kw = ftsa_rng_below(&rng, 4) ? l.kh : (uint32_t)ftsa_rng_range(&rng, 1, l.kh);
        l.stride = (uint32_t)ftsa_rng_range(&rng, 1, 2);
        l.pad = (uint32_t)ftsa_rng_range(&rng, 0, (l.kw < l.kh ? l.kw : l.kh) - 1);
        l.out.c = (uint32_t)ftsa_rng_range(&rng, 1, opts->max_channels);
        st = add(net, &l, &rng, err);
        ftsa_shape_t o = ftsa_net_output_shape(net);
        if (!st && o.h >= 2 && o.w >= 2 && ftsa_rng_below(&rng, 2)) {
            ftsa_layer_t p = {.kind = FTSA_LAYER_MAXPOOL, .kh = 2, .kw = 2, .stride = 2};
            st = add(net, &p, &rng, err);
        }
    }
    if (!st) {
        ftsa_layer_t f = {.kind = n_conv && ftsa_rng_below(&rng, 3) == 0 ? FTSA_LAYER_AVGPOOL_GLOBAL
                                                                           : FTSA_LAYER_FLATTEN};
        st = add(net, &f, &rng, err);
    }
    uint32_t n_fc = (uint32_t)ftsa_rng_range(&rng, 1, 3);
    for (uint32_t i = 0; !st && i < n_fc; i++) {
        ftsa_layer_t l = {.kind = FTSA_LAYER_FC};
        l.out.c = i + 1 == n_fc ? 10 : (uint32_t)ftsa_rng_range(&rng, 1, opts->max_fc);
        st = add(net, &l, &rng, err);
    }
    if (!st)
        st = ftsa_net_validate(net, err);
    if (st)
        ftsa_net_free(net);
    return st;
}

ftsa_status_t ftsa_netgen_lenet(ftsa_net_t *net, uint64_t seed, ftsa_err_t *err)
{
    ftsa_rng_t rng;
    ftsa_rng_seed_stream(&rng, seed, 0x6c656e6574ull);
    ftsa_net_init(net);
    snprintf(net->name, sizeof net->name, "lenet5-random-%llu", (unsigned long long)seed);
    net->input = (ftsa_shape_t){28, 28, 1};
    net->in_scale = 1.0f / 255.0f;
    net->in_zp = -128;
    const ftsa_layer_t shapes[] = {
        {.kind = FTSA_LAYER_CONV2D, .kh = 5, .kw = 5, .stride = 1, .pad = 2, .out.c = 6},
        {.kind = FTSA_LAYER_MAXPOOL, .kh = 2, .kw = 2, .stride = 2},
        {.kind = FTSA_LAYER_CONV2D, .kh = 5, .kw = 5, .stride = 1, .pad = 0, .out.c = 16},
        {.kind = FTSA_LAYER_MAXPOOL, .kh = 2, .kw = 2, .stride = 2},
        {.kind = FTSA_LAYER_FLATTEN},
        {.kind = FTSA_LAYER_FC, .out.c = 120},
        {.kind = FTSA_LAYER_FC, .out.c = 84},
        {.kind = FTSA_LAYER_FC, .out.c = 10},
    };
    ftsa_status_t st = FTSA_OK;
    for (size_t i = 0; !st && i < sizeof shapes / sizeof *shapes; i++) {
        ftsa_layer_t l = shapes[i];
        st = add(net, &l, &rng, err);
        if (!st && ftsa_layer_has_weights(&l) && i + 1 < sizeof shapes / sizeof *shapes) {
            /* LeNet's hidden layers use ReLU; keep the drawn threshold mode otherwise. */
            ftsa_layer_t *last = &net->layers[net->n_layers - 1];
            if (last->act == FTSA_ACT_NONE)
                last->act = FTSA_ACT_RELU;
        }
    }
    if (!st)
        st = ftsa_net_validate(net, err);
    if (st)
        ftsa_net_free(net);
    return st;
}

void ftsa_netgen_input(const ftsa_net_t *net, uint64_t seed, int8_t *input)
{
    ftsa_rng_t rng;
    ftsa_rng_seed_stream(&rng, seed, 0x696e707574ull);
    uint32_t n = ftsa_shape_elems(net->input);
    for (uint32_t i = 0; i < n; i++)
        input[i] = (int8_t)ftsa_rng_range(&rng, -128, 127);
}
