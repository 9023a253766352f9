/* Gradient checks: every layer's backward pass against central finite
 * differences of its float32 forward pass.
 *
 * A layer is checked through the probe loss L = sum_j r_j y_j with fixed random
 * r, so dL/dy = r is fed to backward.  The forward runs in float32, so the
 * difference quotient carries rounding error of about 1e-7 * |L| / h; we use
 * h = 1e-2 and accept |analytic - numeric| <= 2e-3 * max(1, |analytic|, |numeric|).
 * A wrong gradient (missing term, transposed index, wrong scale) errs by O(1).
 * ReLU and max-pool inputs are kept at least 0.05 from their kinks so the
 * perturbation never crosses one. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftsa/rng.h"
#include "ftsa/tnet.h"

#define H 1e-2f
#define TOL 2e-3

typedef struct {
    ftsa_tnet_t net;
    uint32_t n;     /* batch */
    float *x;       /* n inputs */
    float *r;       /* probe weights, n outputs */
    double worst;   /* largest scaled error seen */
} probe_t;

static double probe_loss(probe_t *p)
{
    const float *y = ftsa_tnet_forward(&p->net, p->x, p->n);
    size_t m = (size_t)p->n * ftsa_tnet_classes(&p->net);
    double l = 0.0;
    for (size_t j = 0; j < m; j++)
        l += (double)p->r[j] * y[j];
    return l;
}

static void check_close(probe_t *p, double analytic, double numeric, const char *what, size_t i)
{
    double scale = fmax(1.0, fmax(fabs(analytic), fabs(numeric)));
    double e = fabs(analytic - numeric) / scale;
    if (e > p->worst)
        p->worst = e;
    ck_assert_msg(e <= TOL, "%s[%zu]: analytic %.6g, numeric %.6g", what, i, analytic, numeric);
}

/* Central difference of the probe loss w.r.t. *v. */
static double numeric_grad(probe_t *p, float *v)
{
    float keep = *v;
    *v = keep + H;
    double lp = probe_loss(p);
    *v = keep - H;
    double lm = probe_loss(p);
    *v = keep;
    return (lp - lm) / (2.0 * (double)H);
}

/* Inputs spaced at least 0.05 apart and from zero: a permutation of
 * +-(0.05 * (k + 1)) values, so max pool and ReLU never flip under +-H. */
static void kink_free_input(float *x, size_t m, ftsa_rng_t *rng)
{
    for (size_t i = 0; i < m; i++)
        x[i] = (float)(0.05 * (double)(i / 2 + 1)) * (i % 2 ? 1.0f : -1.0f);
    for (size_t i = m; i > 1; i--) {
        size_t j = (size_t)ftsa_rng_below(rng, i);
        float t = x[i - 1];
        x[i - 1] = x[j];
        x[j] = t;
    }
}

static void probe_setup(probe_t *p, uint32_t n, uint64_t seed, int kink_free)
{
    ck_assert_int_eq(ftsa_tnet_finalize(&p->net, n, NULL), FTSA_OK);
    p->n = n;
    p->net.want_input_grad = 1;
    ftsa_tnet_init_params(&p->net, seed);
    ftsa_rng_t rng;
    ftsa_rng_seed_stream(&rng, seed, 99);
    for (size_t i = 0; i < p->net.n_params; i++) /* nonzero biases too */
        p->net.params[i] = (float)(0.5 * ftsa_rng_normal(&rng));
    size_t in = (size_t)n * ftsa_shape_elems(p->net.input);
    size_t out = (size_t)n * ftsa_tnet_classes(&p->net);
    p->x = malloc(in * sizeof *p->x);
    p->r = malloc(out * sizeof *p->r);
    ck_assert(p->x && p->r);
    if (kink_free)
        kink_free_input(p->x, in, &rng);
    else
        for (size_t i = 0; i < in; i++)
            p->x[i] = (float)ftsa_rng_normal(&rng);
    for (size_t i = 0; i < out; i++)
        p->r[i] = (float)ftsa_rng_normal(&rng);
    p->worst = 0.0;
}

/* Backward once, then compare every parameter and input gradient. */
static void probe_check(probe_t *p)
{
    probe_loss(p);
    ftsa_tnet_backward(&p->net, p->x, p->n, p->r);
    size_t np = p->net.n_params, nx = (size_t)p->n * ftsa_shape_elems(p->net.input);
    float *gp = malloc((np ? np : 1) * sizeof *gp), *gx = malloc(nx * sizeof *gx);
    ck_assert(gp && gx);
    memcpy(gp, p->net.grads, np * sizeof *gp);
    memcpy(gx, p->net.input_grad, nx * sizeof *gx);
    for (size_t i = 0; i < np; i++)
        check_close(p, gp[i], numeric_grad(p, &p->net.params[i]), "param", i);
    for (size_t i = 0; i < nx; i++)
        check_close(p, gx[i], numeric_grad(p, &p->x[i]), "input", i);
    printf("%-24s worst scaled error %.2e (tolerance %.0e)\n", tcase_name(), p->worst, TOL);
    free(gp);
    free(gx);
    free(p->x);
    free(p->r);
    ftsa_tnet_free(&p->net);
}

START_TEST(conv_stride_pad)
{
    probe_t p;
    ftsa_tnet_init(&p.net, (ftsa_shape_t){6, 7, 3});
    ck_assert_int_eq(ftsa_tnet_add_conv(&p.net, 4, 3, 2, 1, NULL), FTSA_OK);
    probe_setup(&p, 2, 11, 0);
    probe_check(&p);
}
END_TEST

START_TEST(conv_valid)
{
    probe_t p;
    ftsa_tnet_init(&p.net, (ftsa_shape_t){7, 6, 2});
    ck_assert_int_eq(ftsa_tnet_add_conv(&p.net, 3, 5, 1, 2, NULL), FTSA_OK);
    ck_assert_int_eq(ftsa_tnet_add_conv(&p.net, 2, 3, 1, 0, NULL), FTSA_OK);
    probe_setup(&p, 3, 12, 0);
    probe_check(&p);
}
END_TEST

START_TEST(fc)
{
    probe_t p;
    ftsa_tnet_init(&p.net, (ftsa_shape_t){3, 2, 4});
    ck_assert_int_eq(ftsa_tnet_add_fc(&p.net, 5, NULL), FTSA_OK);
    probe_setup(&p, 3, 13, 0);
    probe_check(&p);
}
END_TEST

START_TEST(maxpool)
{
    probe_t p;
    ftsa_tnet_init(&p.net, (ftsa_shape_t){6, 7, 3});
    ck_assert_int_eq(ftsa_tnet_add_maxpool(&p.net, 2, 2, NULL), FTSA_OK);
    probe_setup(&p, 2, 14, 1);
    probe_check(&p);
}
END_TEST

START_TEST(maxpool_overlapping)
{
    probe_t p;
    ftsa_tnet_init(&p.net, (ftsa_shape_t){5, 5, 2});
    ck_assert_int_eq(ftsa_tnet_add_maxpool(&p.net, 3, 1, NULL), FTSA_OK);
    probe_setup(&p, 2, 15, 1);
    probe_check(&p);
}
END_TEST

START_TEST(avgpool)
{
    probe_t p;
    ftsa_tnet_init(&p.net, (ftsa_shape_t){4, 5, 3});
    ck_assert_int_eq(ftsa_tnet_add_avgpool(&p.net, NULL), FTSA_OK);
    probe_setup(&p, 2, 16, 0);
    probe_check(&p);
}
END_TEST

START_TEST(relu)
{
    probe_t p;
    ftsa_tnet_init(&p.net, (ftsa_shape_t){4, 4, 3});
    ck_assert_int_eq(ftsa_tnet_add_relu(&p.net, NULL), FTSA_OK);
    probe_setup(&p, 2, 17, 1);
    probe_check(&p);
}
END_TEST

START_TEST(flatten)
{
    probe_t p;
    ftsa_tnet_init(&p.net, (ftsa_shape_t){3, 4, 2});
    ck_assert_int_eq(ftsa_tnet_add_flatten(&p.net, NULL), FTSA_OK);
    ck_assert_int_eq(ftsa_tnet_add_fc(&p.net, 3, NULL), FTSA_OK);
    probe_setup(&p, 2, 18, 0);
    probe_check(&p);
}
END_TEST

/* Softmax cross-entropy: its dlogits against differences of the mean loss. */
START_TEST(softmax_xent)
{
    enum { N = 4, C = 10 };
    float z[N * C], dz[N * C];
    uint8_t labels[N] = {0, 3, 9, 3};
    ftsa_rng_t rng;
    ftsa_rng_seed(&rng, 19);
    for (int i = 0; i < N * C; i++)
        z[i] = (float)(3.0 * ftsa_rng_normal(&rng));
    ftsa_softmax_xent(z, labels, N, C, dz, NULL);
    for (int i = 0; i < N * C; i++) {
        float keep = z[i];
        z[i] = keep + 1e-3f;
        double lp = ftsa_softmax_xent(z, labels, N, C, NULL, NULL);
        z[i] = keep - 1e-3f;
        double lm = ftsa_softmax_xent(z, labels, N, C, NULL, NULL);
        z[i] = keep;
        double num = (lp - lm) / 2e-3;
        ck_assert_msg(fabs(num - dz[i]) <= 1e-4, "dlogit %d: analytic %g numeric %g", i,
                      (double)dz[i], num);
    }
}
END_TEST

/* The whole chain: the first conv's gradients pass through every other
 * layer's input gradient.  Kink-free layers only, so a perturbation of an early
 * weight cannot flip a max or a ReLU downstream (those have their own tests). */
START_TEST(network_chain)
{
    probe_t p;
    ftsa_tnet_init(&p.net, (ftsa_shape_t){8, 8, 1});
    ck_assert_int_eq(ftsa_tnet_add_conv(&p.net, 3, 3, 1, 1, NULL), FTSA_OK);
    ck_assert_int_eq(ftsa_tnet_add_conv(&p.net, 4, 3, 2, 0, NULL), FTSA_OK);
    ck_assert_int_eq(ftsa_tnet_add_flatten(&p.net, NULL), FTSA_OK);
    ck_assert_int_eq(ftsa_tnet_add_fc(&p.net, 6, NULL), FTSA_OK);
    ck_assert_int_eq(ftsa_tnet_add_fc(&p.net, 3, NULL), FTSA_OK);
    probe_setup(&p, 2, 20, 0);
    probe_check(&p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("train_grad");
    TCase *tc = tcase_create("layers");
    tcase_add_test(tc, conv_stride_pad);
    tcase_add_test(tc, conv_valid);
    tcase_add_test(tc, fc);
    tcase_add_test(tc, maxpool);
    tcase_add_test(tc, maxpool_overlapping);
    tcase_add_test(tc, avgpool);
    tcase_add_test(tc, relu);
    tcase_add_test(tc, flatten);
    tcase_add_test(tc, softmax_xent);
    tcase_add_test(tc, network_chain);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
