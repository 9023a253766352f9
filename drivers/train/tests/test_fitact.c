/* FitAct post-training: the bounded ReLU's gradients against finite
 * differences, the float import of an int8 model, determinism for a seed,
 * and the effect of lambda on the bounds. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "ftsa/fitact.h"
#include "ftsa/model_file.h"
#include "ftsa/profile.h"
#include "ftsa/rng.h"
#include "ftsa/train.h"

#define H 1e-3f

/* fc(6) -> bounded ReLU -> fc(3) on 4 inputs; loss = sum r_j y_j. */
typedef struct {
    ftsa_tnet_t net;
    float x[2 * 4], r[2 * 3], bound[6], bgrad[6];
} probe_t;

static double loss(probe_t *p)
{
    const float *y = ftsa_tnet_forward(&p->net, p->x, 2);
    double l = 0.0;
    for (int j = 0; j < 6; j++)
        l += (double)p->r[j] * y[j];
    return l;
}

static double numeric(probe_t *p, float *v)
{
    float keep = *v;
    *v = keep + H;
    double lp = loss(p);
    *v = keep - H;
    double lm = loss(p);
    *v = keep;
    return (lp - lm) / (2.0 * (double)H);
}

START_TEST(bounded_relu_gradients)
{
    probe_t p;
    ftsa_err_t err = {0};
    ftsa_tnet_init(&p.net, (ftsa_shape_t){1, 1, 4});
    ck_assert_int_eq(ftsa_tnet_add_fc(&p.net, 6, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_tnet_add_relu(&p.net, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_tnet_add_fc(&p.net, 3, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_tnet_finalize(&p.net, 2, &err), FTSA_OK);
    p.net.want_input_grad = 1;
    ftsa_tnet_init_params(&p.net, 3);
    ftsa_rng_t rng;
    ftsa_rng_seed(&rng, 5);
    for (int i = 0; i < 8; i++)
        p.x[i] = (float)(ftsa_rng_u64(&rng) % 2000) / 1000.0f - 0.5f;
    for (int i = 0; i < 6; i++)
        p.r[i] = (float)(ftsa_rng_u64(&rng) % 2000) / 1000.0f - 1.0f;
    for (int i = 0; i < 6; i++)
        p.bound[i] = 0.2f + 0.15f * (float)i;
    p.net.layers[1].bound = p.bound;
    p.net.layers[1].bound_grad = p.bgrad;
    p.net.layers[1].bound_k = 4.0f;
    /* Keep pre-activations away from the kink at 0. */
    loss(&p);
    const float *pre = p.net.layers[0].y;
    for (int i = 0; i < 12; i++)
        if (fabsf(pre[i]) < 0.05f)
            p.net.params[p.net.layers[0].b_off + i % 6] += 0.2f;
    loss(&p);
    float dlog[6];
    memcpy(dlog, p.r, sizeof dlog);
    memset(p.bgrad, 0, sizeof p.bgrad);
    ftsa_tnet_backward(&p.net, p.x, 2, dlog);
    float bg[6], ig[8];
    memcpy(bg, p.bgrad, sizeof bg);
    memcpy(ig, p.net.input_grad, sizeof ig);
    int nonzero = 0;
    for (int i = 0; i < 6; i++) {
        double num = numeric(&p, &p.bound[i]);
        ck_assert_msg(fabs(bg[i] - num) <= 2e-3 * fmax(1.0, fabs(num)),
                      "bound %d: analytic %g numeric %g", i, bg[i], num);
        nonzero += fabs(num) > 1e-3;
    }
    ck_assert_int_gt(nonzero, 0);
    for (int i = 0; i < 8; i++) {
        double num = numeric(&p, &p.x[i]);
        ck_assert_msg(fabs(ig[i] - num) <= 2e-3 * fmax(1.0, fabs(num)),
                      "input %d: analytic %g numeric %g", i, ig[i], num);
    }
    ftsa_tnet_free(&p.net);
}
END_TEST

static ftsa_net_t lenet;
static ftsa_dataset_t train;

static void setup(void)
{
    ftsa_err_t err = {0};
    ck_assert_msg(!ftsa_model_load(FTSA_MODELS_DIR "/lenet5.ftsa", &lenet, &err), "%s", err.msg);
    ck_assert_msg(!ftsa_dataset_load(NULL, FTSA_SPLIT_TRAIN, &train, &err), "%s", err.msg);
    ck_assert(!ftsa_profile_dataset(&lenet, &train, FTSA_PROFILE_FIRST, 500, &err));
}

static void teardown(void)
{
    ftsa_net_free(&lenet);
    ftsa_dataset_free(&train);
}

/* The float import classifies like the int8 model (weights are exact, only
 * activation rounding differs). */
START_TEST(import_matches_int8)
{
    ftsa_tnet_t t;
    ftsa_err_t err = {0};
    ck_assert_int_eq(ftsa_tnet_from_qnet(&lenet, 100, &t, NULL, &err), FTSA_OK);
    double facc, qacc;
    ck_assert_int_eq(ftsa_tnet_accuracy(&t, &train, FTSA_PROFILE_FIRST, 500, &facc, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_qnet_accuracy(&lenet, &train, FTSA_PROFILE_FIRST, 500, &qacc, &err),
                     FTSA_OK);
    ck_assert_msg(fabs(facc - qacc) < 0.02, "float %.3f int8 %.3f", facc, qacc);
    ftsa_tnet_free(&t);
}
END_TEST

static void run(const ftsa_fitact_cfg_t *cfg, int8_t **thr)
{
    ftsa_err_t err = {0};
    ck_assert_msg(!ftsa_fitact_train(&lenet, &train, cfg, thr, NULL, NULL, &err), "%s", err.msg);
}

static void free_thr(int8_t **thr)
{
    for (uint32_t i = 0; i < lenet.n_layers; i++)
        free(thr[i]);
}

static double mean_thr(int8_t **thr)
{
    double s = 0.0;
    uint64_t n = 0;
    for (uint32_t i = 0; i < lenet.n_layers; i++)
        for (uint32_t e = 0; thr[i] && e < ftsa_shape_elems(lenet.layers[i].out); e++, n++)
            s += thr[i][e];
    return s / (double)n;
}

START_TEST(deterministic_and_lambda)
{
    ftsa_fitact_cfg_t cfg;
    ftsa_fitact_defaults(&cfg);
    cfg.epochs = 1;
    cfg.images = 256;
    cfg.batch = 32;
    int8_t *a[16], *b[16], *c[16];
    run(&cfg, a);
    run(&cfg, b);
    for (uint32_t i = 0; i < lenet.n_layers; i++) {
        ck_assert_int_eq(!a[i], !(ftsa_layer_has_weights(&lenet.layers[i]) && lenet.layers[i].act != FTSA_ACT_NONE));
        if (a[i])
            ck_assert_mem_eq(a[i], b[i], ftsa_shape_elems(lenet.layers[i].out));
    }
    /* A heavy bound penalty must pull the bounds down. */
    cfg.lambda = 1.0;
    cfg.lr = 2e-2;
    run(&cfg, c);
    ck_assert_msg(mean_thr(c) < mean_thr(a) - 5.0, "lambda 1: mean %.2f, default %.2f",
                  mean_thr(c), mean_thr(a));
    free_thr(a), free_thr(b), free_thr(c);
}
END_TEST

START_TEST(bad_config)
{
    ftsa_fitact_cfg_t cfg;
    ftsa_fitact_defaults(&cfg);
    int8_t *thr[16];
    ftsa_err_t err = {0};
    cfg.images = 70000;
    ck_assert_int_eq(ftsa_fitact_train(&lenet, &train, &cfg, thr, NULL, NULL, &err), FTSA_E_INVALID);
    ftsa_fitact_defaults(&cfg);
    cfg.k = 0.0;
    ck_assert_int_eq(ftsa_fitact_train(&lenet, &train, &cfg, thr, NULL, NULL, &err), FTSA_E_INVALID);
    ftsa_net_t plain;
    ck_assert(!ftsa_net_clone(&lenet, &plain, &err));
    plain.prof_images = 0;
    ftsa_fitact_defaults(&cfg);
    ck_assert_int_eq(ftsa_fitact_train(&plain, &train, &cfg, thr, NULL, NULL, &err), FTSA_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.msg, "profile"));
    ftsa_net_free(&plain);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fitact");
    TCase *g = tcase_create("gradients");
    tcase_add_test(g, bounded_relu_gradients);
    suite_add_tcase(s, g);
    TCase *t = tcase_create("post-training");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, import_matches_int8);
    tcase_add_test(t, deterministic_and_lambda);
    tcase_add_test(t, bad_config);
    suite_add_tcase(s, t);
    return ftsa_check_run(s);
}
