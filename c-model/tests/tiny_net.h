/* A hand-written network whose outputs are worked out by hand in
 * docs/formats.md ("Worked example"); shared by the unit tests. */
#ifndef FTSA_TEST_TINY_NET_H
#define FTSA_TEST_TINY_NET_H

#include <check.h>
#include <string.h>

#include "ftsa/net.h"

/* Input 3x3x1 (zero point 1) -> conv 2x2 1->2 ReLU -> maxpool 2x2 -> flatten
 * -> fc 2->2 with activation `act` and layer threshold `thr`. */
static inline void tiny_net_build(ftsa_net_t *net, ftsa_act_mode_t act, int8_t thr)
{
    ftsa_err_t err;
    ftsa_net_init(net);
    strcpy(net->name, "tiny");
    net->input = (ftsa_shape_t){3, 3, 1};
    net->in_scale = 1.0f;
    net->in_zp = 1;

    ftsa_layer_t conv = {.kind = FTSA_LAYER_CONV2D, .in = {3, 3, 1}, .out = {2, 2, 2},
                         .kh = 2, .kw = 2, .stride = 1, .pad = 0,
                         .in_scale = 1.0f, .out_scale = 0.5f, .in_zp = 1, .out_zp = -2,
                         .act = FTSA_ACT_RELU};
    ck_assert_int_eq(ftsa_layer_alloc(&conv, &err), FTSA_OK);
    const int8_t w0[] = {1, 0, 0, 1, -1, 1, 2, 0};
    memcpy(conv.weights, w0, sizeof w0);
    conv.bias[0] = 3;
    conv.bias[1] = -12;
    for (int c = 0; c < 2; c++) {
        conv.multiplier[c] = 1 << 30; /* x 0.5 */
        conv.shift[c] = 0;
        conv.w_scale[c] = 0.25f;
    }
    ck_assert_int_eq(ftsa_net_append(net, &conv, &err), FTSA_OK);

    ftsa_layer_t pool = {.kind = FTSA_LAYER_MAXPOOL, .in = {2, 2, 2}, .out = {1, 1, 2},
                         .kh = 2, .kw = 2, .stride = 2,
                         .in_scale = 0.5f, .out_scale = 0.5f, .in_zp = -2, .out_zp = -2};
    ck_assert_int_eq(ftsa_net_append(net, &pool, &err), FTSA_OK);
    ftsa_layer_t flat = pool;
    flat.kind = FTSA_LAYER_FLATTEN;
    flat.in = (ftsa_shape_t){1, 1, 2};
    flat.kh = flat.kw = flat.stride = 0;
    ck_assert_int_eq(ftsa_net_append(net, &flat, &err), FTSA_OK);

    ftsa_layer_t fc = {.kind = FTSA_LAYER_FC, .in = {1, 1, 2}, .out = {1, 1, 2},
                       .in_scale = 0.5f, .out_scale = 1.0f, .in_zp = -2, .out_zp = 3,
                       .act = act, .thr_src = FTSA_THR_LAYER};
    ck_assert_int_eq(ftsa_layer_alloc(&fc, &err), FTSA_OK);
    const int8_t w1[] = {1, 2, -3, 1};
    memcpy(fc.weights, w1, sizeof w1);
    fc.bias[0] = 10;
    fc.bias[1] = 0;
    for (int c = 0; c < 2; c++) {
        fc.multiplier[c] = 1 << 30; /* x 0.5 x 2^-1 = x 0.25 */
        fc.shift[c] = -1;
        fc.w_scale[c] = 0.5f;
    }
    if (fc.thr)
        fc.thr[0] = thr;
    ck_assert_int_eq(ftsa_net_append(net, &fc, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_net_validate(net, &err), FTSA_OK);
}

static const int8_t tiny_input[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
/* Worked out by hand (docs/formats.md). */
static const int8_t tiny_conv_out[8] = {2, -2, 3, -2, 5, -1, 6, 0};
static const int8_t tiny_pool_out[2] = {6, 0};

#endif
