/* Reference model: a hand-computed network, and random networks against an
 * independent direct implementation (no bias folding, 64-bit accumulation). */
#include <check.h>

#include "check_main.h"
#include <stdlib.h>
#include <string.h>

#include "ftsa/netgen.h"
#include "ftsa/ref.h"
#include "tiny_net.h"

static void run_tiny(ftsa_act_mode_t act, int8_t thr, const int8_t expect_fc[2])
{
    ftsa_net_t net;
    ftsa_ref_t ref;
    ftsa_err_t err;
    tiny_net_build(&net, act, thr);
    ck_assert_int_eq(ftsa_ref_init(&ref, &net, &err), FTSA_OK);
    ftsa_ref_run(&ref, tiny_input);
    ck_assert_mem_eq(ftsa_ref_output(&ref, 0), tiny_conv_out, 8);
    ck_assert_mem_eq(ftsa_ref_output(&ref, 1), tiny_pool_out, 2);
    ck_assert_mem_eq(ftsa_ref_output(&ref, 2), tiny_pool_out, 2);
    ck_assert_mem_eq(ftsa_ref_output(&ref, 3), expect_fc, 2);
    ftsa_ref_free(&ref);
    ftsa_net_free(&net);
}

START_TEST(tiny_by_hand)
{
    /* fc: (x - zp) = [8, 2]; acc = [22, -22]; x 0.25 -> [6, -6] (ties away); + 3 -> [9, -3]. */
    run_tiny(FTSA_ACT_NONE, 0, (const int8_t[]){9, -3});
    run_tiny(FTSA_ACT_RELU, 0, (const int8_t[]){9, 3});
    run_tiny(FTSA_ACT_SAT, 8, (const int8_t[]){8, 3});
    run_tiny(FTSA_ACT_CLIP, 8, (const int8_t[]){3, 3});
    run_tiny(FTSA_ACT_CLIP, 9, (const int8_t[]){9, 3});
}
END_TEST

/* ---- independent direct implementation ---------------------------------- */

static int8_t direct_post(const ftsa_layer_t *l, int64_t acc, uint32_t idx, uint32_t oc)
{
    int8_t q = ftsa_requantize((int32_t)acc, l->multiplier[oc], l->shift[oc], l->out_zp);
    return ftsa_activate(q, l->act, (int8_t)l->out_zp, ftsa_layer_thr_at(l, idx, oc));
}

static void direct_layer(const ftsa_layer_t *l, const int8_t *in, int8_t *out)
{
    if (l->kind == FTSA_LAYER_CONV2D) {
        for (uint32_t oy = 0; oy < l->out.h; oy++)
            for (uint32_t ox = 0; ox < l->out.w; ox++)
                for (uint32_t oc = 0; oc < l->out.c; oc++) {
                    int64_t acc = l->bias[oc];
                    for (uint32_t ky = 0; ky < l->kh; ky++)
                        for (uint32_t kx = 0; kx < l->kw; kx++)
                            for (uint32_t ic = 0; ic < l->in.c; ic++) {
                                int64_t y = (int64_t)(oy * l->stride + ky) - l->pad;
                                int64_t x = (int64_t)(ox * l->stride + kx) - l->pad;
                                int64_t v = 0; /* padding is the zero point: contributes 0 */
                                if (y >= 0 && x >= 0 && y < l->in.h && x < l->in.w)
                                    v = in[(y * l->in.w + x) * l->in.c + ic] - l->in_zp;
                                acc += v * l->weights[((oc * l->kh + ky) * l->kw + kx) * l->in.c + ic];
                            }
                    uint32_t idx = (oy * l->out.w + ox) * l->out.c + oc;
                    out[idx] = direct_post(l, acc, idx, oc);
                }
    } else if (l->kind == FTSA_LAYER_FC) {
        uint32_t n = ftsa_shape_elems(l->in);
        for (uint32_t oc = 0; oc < l->out.c; oc++) {
            int64_t acc = l->bias[oc];
            for (uint32_t i = 0; i < n; i++)
                acc += (int64_t)(in[i] - l->in_zp) * l->weights[oc * n + i];
            out[oc] = direct_post(l, acc, oc, oc);
        }
    } else if (l->kind == FTSA_LAYER_MAXPOOL) {
        for (uint32_t oy = 0; oy < l->out.h; oy++)
            for (uint32_t ox = 0; ox < l->out.w; ox++)
                for (uint32_t c = 0; c < l->out.c; c++) {
                    int m = -1000;
                    for (uint32_t ky = 0; ky < l->kh; ky++)
                        for (uint32_t kx = 0; kx < l->kw; kx++) {
                            int v = in[((oy * l->stride + ky) * l->in.w + ox * l->stride + kx) * l->in.c + c];
                            m = v > m ? v : m;
                        }
                    out[(oy * l->out.w + ox) * l->out.c + c] = (int8_t)m;
                }
    } else if (l->kind == FTSA_LAYER_AVGPOOL_GLOBAL) {
        uint32_t n = l->in.h * l->in.w;
        for (uint32_t c = 0; c < l->in.c; c++) {
            double sum = 0;
            for (uint32_t p = 0; p < n; p++)
                sum += in[p * l->in.c + c];
            double mean = sum / n;
            /* half away from zero */
            long r = mean >= 0 ? (long)(mean + 0.5) : -(long)(-mean + 0.5);
            out[c] = (int8_t)(r < -128 ? -128 : r > 127 ? 127 : r);
        }
    } else {
        memcpy(out, in, ftsa_shape_elems(l->in));
    }
}

START_TEST(random_nets_match_direct)
{
    uint32_t kinds_seen[FTSA_LAYER_KIND_COUNT] = {0}, acts_seen[FTSA_ACT_COUNT] = {0};
    for (uint64_t seed = 1; seed <= 200; seed++) {
        ftsa_net_t net;
        ftsa_ref_t ref;
        ftsa_err_t err;
        ck_assert_msg(ftsa_netgen_random(&net, seed, NULL, &err) == FTSA_OK, "%s", err.msg);
        ck_assert_int_eq(ftsa_ref_init(&ref, &net, &err), FTSA_OK);
        int8_t *input = malloc(ftsa_shape_elems(net.input));
        int8_t *a = malloc(ftsa_net_max_act_elems(&net)), *b = malloc(ftsa_net_max_act_elems(&net));
        for (uint64_t k = 0; k < 3; k++) {
            ftsa_netgen_input(&net, seed * 10 + k, input);
            ftsa_ref_run(&ref, input);
            memcpy(a, input, ftsa_shape_elems(net.input));
            for (uint32_t i = 0; i < net.n_layers; i++) {
                const ftsa_layer_t *l = &net.layers[i];
                direct_layer(l, a, b);
                ck_assert_msg(!memcmp(b, ftsa_ref_output(&ref, i), ftsa_shape_elems(l->out)),
                              "seed %llu layer %u (%s) differs", (unsigned long long)seed, i,
                              ftsa_layer_kind_name(l->kind));
                memcpy(a, b, ftsa_shape_elems(l->out));
                kinds_seen[l->kind]++;
                acts_seen[l->act]++;
            }
        }
        free(input);
        free(a);
        free(b);
        ftsa_ref_free(&ref);
        ftsa_net_free(&net);
    }
    for (int k = 0; k < FTSA_LAYER_KIND_COUNT; k++)
        ck_assert_msg(kinds_seen[k] > 0, "layer kind %d never generated", k);
    for (int a = 0; a < FTSA_ACT_COUNT; a++)
        ck_assert_msg(acts_seen[a] > 0, "activation %d never generated", a);
}
END_TEST

START_TEST(outputs_not_degenerate)
{
    /* A generated net whose outputs are all one value would make the
     * equivalence tests toothless: check outputs vary across inputs. */
    ftsa_net_t net;
    ftsa_ref_t ref;
    ftsa_err_t err;
    uint32_t varied = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        ck_assert_int_eq(ftsa_netgen_random(&net, seed, NULL, &err), FTSA_OK);
        ck_assert_int_eq(ftsa_ref_init(&ref, &net, &err), FTSA_OK);
        int8_t *input = malloc(ftsa_shape_elems(net.input));
        int8_t first[10];
        ftsa_netgen_input(&net, 1, input);
        ftsa_ref_run(&ref, input);
        memcpy(first, ftsa_ref_output(&ref, net.n_layers - 1), 10);
        ftsa_netgen_input(&net, 2, input);
        ftsa_ref_run(&ref, input);
        varied += memcmp(first, ftsa_ref_output(&ref, net.n_layers - 1), 10) != 0;
        free(input);
        ftsa_ref_free(&ref);
        ftsa_net_free(&net);
    }
    ck_assert_uint_ge(varied, 15);
}
END_TEST

START_TEST(netgen_deterministic)
{
    ftsa_net_t a, b;
    ftsa_err_t err;
    ck_assert_int_eq(ftsa_netgen_random(&a, 42, NULL, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_netgen_random(&b, 42, NULL, &err), FTSA_OK);
    ck_assert_uint_eq(a.n_layers, b.n_layers);
    for (uint32_t i = 0; i < a.n_layers; i++)
        ck_assert_mem_eq(a.layers[i].weights ? a.layers[i].weights : (int8_t *)"",
                         b.layers[i].weights ? b.layers[i].weights : (int8_t *)"",
                         a.layers[i].weights ? ftsa_layer_weight_count(&a.layers[i]) : 0);
    ftsa_net_free(&a);
    ftsa_net_free(&b);
}
END_TEST

/* Recomputing only the channels whose weights changed, over the fault-free
 * output, gives the output of the whole faulty layer (conv and FC, with the
 * stored-output masks of the layer on top). */
START_TEST(channels_match_whole_layer)
{
    uint32_t checked = 0;
    for (uint64_t seed = 1; seed <= 60; seed++) {
        ftsa_net_t net, bad;
        ftsa_ref_t ref, fref;
        ftsa_err_t err;
        ck_assert_int_eq(ftsa_netgen_random(&net, seed, NULL, &err), FTSA_OK);
        ck_assert_int_eq(ftsa_net_clone(&net, &bad, &err), FTSA_OK);
        int8_t *input = malloc(ftsa_shape_elems(net.input));
        ftsa_netgen_input(&net, seed, input);
        ck_assert_int_eq(ftsa_ref_init(&ref, &net, &err), FTSA_OK);
        ftsa_ref_run(&ref, input);
        for (uint32_t i = 0; i < net.n_layers; i++) {
            ftsa_layer_t *l = &bad.layers[i];
            if (!ftsa_layer_has_weights(l))
                continue;
            uint32_t ch[2] = {(uint32_t)(seed % l->out.c), l->out.c - 1}, n = l->out.c > 1 ? 2 : 1;
            uint32_t fan_in = ftsa_layer_fan_in(l);
            for (uint32_t c = 0; c < n; c++) {
                l->weights[(size_t)ch[c] * fan_in + seed % fan_in] ^= 0x40;
                l->bias[ch[c]] += 1000;
            }
            ck_assert_int_eq(ftsa_ref_init(&fref, &bad, &err), FTSA_OK);
            ftsa_act_mask_t m = {.index = 0, .and_mask = 0xff, .or_mask = 0, .xor_mask = 0x81};
            ck_assert_int_eq(ftsa_ref_set_act_masks(&fref, i, &m, 1, &err), FTSA_OK);
            const int8_t *in = i ? ftsa_ref_output(&ref, i - 1) : input;
            ftsa_ref_run_from(&fref, i, in);
            size_t e = ftsa_shape_elems(l->out);
            int8_t *whole = malloc(e);
            memcpy(whole, ftsa_ref_output(&fref, i), e);
            memcpy(fref.out[i], ftsa_ref_output(&ref, i), e);
            ftsa_ref_run_channels(&fref, i, in, ch, n);
            ck_assert_msg(!memcmp(whole, ftsa_ref_output(&fref, i), e), "seed %llu layer %u (%s)",
                          (unsigned long long)seed, i, ftsa_layer_kind_name(l->kind));
            checked++;
            free(whole);
            ftsa_ref_free(&fref);
            memcpy(l->weights, net.layers[i].weights, ftsa_layer_weight_count(l));
            memcpy(l->bias, net.layers[i].bias, l->out.c * sizeof *l->bias);
        }
        free(input);
        ftsa_ref_free(&ref);
        ftsa_net_free(&bad);
        ftsa_net_free(&net);
    }
    ck_assert_uint_gt(checked, 60);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ref");
    TCase *tc = tcase_create("ref");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, tiny_by_hand);
    tcase_add_test(tc, random_nets_match_direct);
    tcase_add_test(tc, outputs_not_degenerate);
    tcase_add_test(tc, netgen_deterministic);
    tcase_add_test(tc, channels_match_whole_layer);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ftsa_check_run(suite());
}
