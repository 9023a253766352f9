/* Quantization arithmetic against an independent 64-bit formulation. */
#include <check.h>

#include "check_main.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "ftsa/quant.h"
#include "ftsa/rng.h"

/* Independent definitions, straight from the rounding rules. */
static int32_t ref_srdhm(int32_t a, int32_t b)
{
    int64_t v = (int64_t)a * b; /* exact */
    if (a == INT32_MIN && b == INT32_MIN)
        return INT32_MAX;
    /* nearest, ties toward +inf: floor(v / 2^31 + 1/2) */
    __int128 t = (__int128)v + ((__int128)1 << 30);
    __int128 q = t >= 0 ? t / ((__int128)1 << 31) : -((-t + ((__int128)1 << 31) - 1) / ((__int128)1 << 31));
    return (int32_t)q;
}

static int32_t ref_rdbpot(int32_t x, int e)
{
    if (e == 0)
        return x;
    int64_t m = x < 0 ? -(int64_t)x : x;
    int64_t r = (m + ((int64_t)1 << (e - 1))) >> e; /* half away from zero on |x| */
    return (int32_t)(x < 0 ? -r : r);
}

static int32_t ref_mbqm(int32_t x, int32_t mult, int shift)
{
    int64_t shifted = shift > 0 ? (int64_t)(int32_t)(uint32_t)((uint64_t)(int64_t)x << shift) : x;
    return ref_rdbpot(ref_srdhm((int32_t)shifted, mult), shift > 0 ? 0 : -shift);
}

/* A random int32 drawn to hit edges often: full range, small, near the limits. */
static int32_t draw(ftsa_rng_t *rng)
{
    switch (ftsa_rng_below(rng, 4)) {
    case 0: return (int32_t)ftsa_rng_u64(rng);
    case 1: return (int32_t)ftsa_rng_range(rng, -70000, 70000);
    case 2: return (int32_t)ftsa_rng_range(rng, INT32_MIN, INT32_MIN + 1000);
    default: return (int32_t)ftsa_rng_range(rng, INT32_MAX - 1000, INT32_MAX);
    }
}

START_TEST(srdhm_edges)
{
    ck_assert_int_eq(ftsa_sat_rounding_doubling_high_mul(INT32_MIN, INT32_MIN), INT32_MAX);
    ck_assert_int_eq(ftsa_sat_rounding_doubling_high_mul(INT32_MIN, INT32_MAX), -INT32_MAX);
    ck_assert_int_eq(ftsa_sat_rounding_doubling_high_mul(INT32_MAX, INT32_MAX), INT32_MAX - 1);
    ck_assert_int_eq(ftsa_sat_rounding_doubling_high_mul(0, INT32_MIN), 0);
    /* a*b = 2^30 is exactly 0.5: rounds up; -2^30 is -0.5: also rounds up, to 0. */
    ck_assert_int_eq(ftsa_sat_rounding_doubling_high_mul(1 << 15, 1 << 15), 1);
    ck_assert_int_eq(ftsa_sat_rounding_doubling_high_mul(-(1 << 15), 1 << 15), 0);
    ck_assert_int_eq(ftsa_sat_rounding_doubling_high_mul(3 << 15, 1 << 15), 2);   /* 1.5 */
    ck_assert_int_eq(ftsa_sat_rounding_doubling_high_mul(-(3 << 15), 1 << 15), -1); /* -1.5 */
    /* Multiplier 2^30 halves (x * 2^30 * 2 / 2^32 = x / 2). */
    ck_assert_int_eq(ftsa_sat_rounding_doubling_high_mul(1000, 1 << 30), 500);
    ck_assert_int_eq(ftsa_sat_rounding_doubling_high_mul(1001, 1 << 30), 501);
    ck_assert_int_eq(ftsa_sat_rounding_doubling_high_mul(-1001, 1 << 30), -500);
}
END_TEST

START_TEST(rdbpot_edges)
{
    for (int e = 0; e <= 31; e++) {
        ck_assert_int_eq(ftsa_rounding_divide_by_pot(INT32_MAX, e), ref_rdbpot(INT32_MAX, e));
        ck_assert_int_eq(ftsa_rounding_divide_by_pot(INT32_MIN, e), ref_rdbpot(INT32_MIN, e));
        ck_assert_int_eq(ftsa_rounding_divide_by_pot(0, e), 0);
        ck_assert_int_eq(ftsa_rounding_divide_by_pot(-1, e), e == 0 ? -1 : ref_rdbpot(-1, e));
    }
    /* Ties go away from zero. */
    ck_assert_int_eq(ftsa_rounding_divide_by_pot(5, 1), 3);
    ck_assert_int_eq(ftsa_rounding_divide_by_pot(-5, 1), -3);
    ck_assert_int_eq(ftsa_rounding_divide_by_pot(12, 3), 2);  /* 1.5 */
    ck_assert_int_eq(ftsa_rounding_divide_by_pot(-12, 3), -2);
    ck_assert_int_eq(ftsa_rounding_divide_by_pot(11, 3), 1);  /* 1.375 */
    ck_assert_int_eq(ftsa_rounding_divide_by_pot(INT32_MIN, 31), -1);
    ck_assert_int_eq(ftsa_rounding_divide_by_pot(INT32_MAX, 31), 1);
    ck_assert_int_eq(ftsa_rounding_divide_by_pot(1 << 30, 31), 1); /* 0.5 */
    ck_assert_int_eq(ftsa_rounding_divide_by_pot(-(1 << 30), 31), -1);
}
END_TEST

START_TEST(mbqm_every_shift)
{
    const int32_t mults[] = {1 << 30, INT32_MAX, 1518500250, 0};
    const int32_t xs[] = {0, 1, -1, 127, -128, 65535, -65536, INT32_MAX, INT32_MIN, 1 << 30};
    for (int shift = -31; shift <= 31; shift++)
        for (size_t m = 0; m < sizeof mults / sizeof *mults; m++)
            for (size_t i = 0; i < sizeof xs / sizeof *xs; i++)
                ck_assert_int_eq(ftsa_multiply_by_quantized_multiplier(xs[i], mults[m], shift),
                                 ref_mbqm(xs[i], mults[m], shift));
    /* Multiplier 2^30 with shift 0 is x/2 rounded; with shift 1 it is x. */
    ck_assert_int_eq(ftsa_multiply_by_quantized_multiplier(12345, 1 << 30, 1), 12345);
    ck_assert_int_eq(ftsa_multiply_by_quantized_multiplier(-7, 1 << 30, 0), -3);
}
END_TEST

START_TEST(million_random)
{
    ftsa_rng_t rng;
    ftsa_rng_seed(&rng, 20261122);
    for (int i = 0; i < 1000000; i++) {
        int32_t a = draw(&rng), b = draw(&rng);
        ck_assert_int_eq(ftsa_sat_rounding_doubling_high_mul(a, b), ref_srdhm(a, b));
        int e = (int)ftsa_rng_below(&rng, 32);
        ck_assert_int_eq(ftsa_rounding_divide_by_pot(a, e), ref_rdbpot(a, e));
        int32_t mult = (int32_t)ftsa_rng_range(&rng, 1 << 30, INT32_MAX);
        int shift = (int)ftsa_rng_range(&rng, -31, 31);
        int32_t got = ftsa_multiply_by_quantized_multiplier(a, mult, shift);
        ck_assert_int_eq(got, ref_mbqm(a, mult, shift));
        int zp = (int)ftsa_rng_range(&rng, -128, 127);
        int64_t full = (int64_t)got + zp;
        int8_t expect = (int8_t)(full < -128 ? -128 : full > 127 ? 127 : full);
        ck_assert_int_eq(ftsa_requantize(a, mult, shift, zp), expect);
    }
}
END_TEST

START_TEST(quantize_multiplier_accuracy)
{
    ftsa_rng_t rng;
    ftsa_rng_seed(&rng, 7);
    for (int i = 0; i < 100000; i++) {
        double real = ldexp(0.5 + 0.5 * ftsa_rng_uniform(&rng), (int)ftsa_rng_range(&rng, -30, 30));
        int32_t m;
        int s;
        ftsa_quantize_multiplier(real, &m, &s);
        ck_assert_int_ge(m, 1 << 30);
        ck_assert(s >= FTSA_SHIFT_MIN && s <= FTSA_SHIFT_MAX);
        double back = ldexp((double)m, s - 31);
        ck_assert(fabs(back - real) <= ldexp(real, -30));
    }
    int32_t m;
    int s;
    ftsa_quantize_multiplier(1.0, &m, &s);
    ck_assert_int_eq(m, 1 << 30);
    ck_assert_int_eq(s, 1);
    ftsa_quantize_multiplier(0.0, &m, &s);
    ck_assert_int_eq(m, 0);
    ck_assert_int_eq(s, 0);
    /* 1 - 2^-40 rounds up to 2^31 and is renormalized. */
    ftsa_quantize_multiplier(1.0 - ldexp(1.0, -40), &m, &s);
    ck_assert_int_eq(m, 1 << 30);
    ck_assert_int_eq(s, 1);
    ftsa_quantize_multiplier(ldexp(1.0, -40), &m, &s);
    ck_assert_int_eq(m, 0);
    ftsa_quantize_multiplier(ldexp(1.0, 40), &m, &s);
    ck_assert_int_eq(m, INT32_MAX);
    ck_assert_int_eq(s, FTSA_SHIFT_MAX);
}
END_TEST

START_TEST(activation_modes)
{
    const int8_t zp = -10, thr = 50;
    for (int q = -128; q <= 127; q++) {
        ck_assert_int_eq(ftsa_activate((int8_t)q, FTSA_ACT_NONE, zp, thr), q);
        ck_assert_int_eq(ftsa_activate((int8_t)q, FTSA_ACT_RELU, zp, thr), q < zp ? zp : q);
        ck_assert_int_eq(ftsa_activate((int8_t)q, FTSA_ACT_CLIP, zp, thr),
                         (q >= zp && q <= thr) ? q : zp);
        ck_assert_int_eq(ftsa_activate((int8_t)q, FTSA_ACT_SAT, zp, thr),
                         q < zp ? zp : q > thr ? thr : q);
    }
    /* Boundaries are inclusive for clip-to-zero. */
    ck_assert_int_eq(ftsa_activate(50, FTSA_ACT_CLIP, zp, thr), 50);
    ck_assert_int_eq(ftsa_activate(51, FTSA_ACT_CLIP, zp, thr), zp);
}
END_TEST

START_TEST(requantize_clamps_and_rounds)
{
    ck_assert_int_eq(ftsa_requantize(INT32_MAX, INT32_MAX, 0, 127), 127);
    /* The left shift wraps like a 32-bit shifter: INT32_MAX << 31 is INT32_MIN. */
    ck_assert_int_eq(ftsa_requantize(INT32_MAX, INT32_MAX, 31, 127), -128);
    ck_assert_int_eq(ftsa_requantize(INT32_MIN, INT32_MAX, 0, -128), -128);
    ck_assert_int_eq(ftsa_requantize(1000, 1 << 30, -2, -5), -5 + 125); /* 1000/2/4 */
    ck_assert_int_eq(ftsa_requantize(-1000, 1 << 30, -2, 5), 5 - 125);
    ck_assert_int_eq(ftsa_requantize(-1000, 1 << 30, -2, -5), -128);
    ck_assert_int_eq(ftsa_requantize(300, 1 << 30, 0, 0), 127);
}
END_TEST

START_TEST(fold_bias_and_mean)
{
    const int8_t w[] = {1, -2, 3, 127, -128};
    /* sum = 1; bias - zp * 1 */
    ck_assert_int_eq(ftsa_fold_bias(100, -128, w, 5), 228);
    ck_assert_int_eq(ftsa_fold_bias(100, 0, w, 5), 100);
    ck_assert_int_eq(ftsa_fold_bias(INT32_MAX, -1, w, 5), INT32_MIN); /* wraps like hardware */
    ck_assert_int_eq(ftsa_rounded_mean(5, 2), 3);
    ck_assert_int_eq(ftsa_rounded_mean(-5, 2), -3);
    ck_assert_int_eq(ftsa_rounded_mean(4, 3), 1);
    ck_assert_int_eq(ftsa_rounded_mean(-4, 3), -1);
    ck_assert_int_eq(ftsa_rounded_mean(0, 7), 0);
}
END_TEST

START_TEST(quantize_value_rounding)
{
    ck_assert_int_eq(ftsa_quantize_value(0.5f, 1.0f, 0), 1);
    ck_assert_int_eq(ftsa_quantize_value(-0.5f, 1.0f, 0), -1);
    ck_assert_int_eq(ftsa_quantize_value(1000.0f, 1.0f, 0), 127);
    ck_assert_int_eq(ftsa_quantize_value(-1000.0f, 1.0f, 0), -128);
    ck_assert_int_eq(ftsa_quantize_value(NAN, 1.0f, 3), -128);
    for (int p = 0; p < 256; p++)
        ck_assert_int_eq(ftsa_quantize_value((float)p / 255.0f, 1.0f / 255.0f, -128), p - 128);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("quant");
    TCase *tc = tcase_create("arithmetic");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, srdhm_edges);
    tcase_add_test(tc, rdbpot_edges);
    tcase_add_test(tc, mbqm_every_shift);
    tcase_add_test(tc, million_random);
    tcase_add_test(tc, quantize_multiplier_accuracy);
    tcase_add_test(tc, activation_modes);
    tcase_add_test(tc, requantize_clamps_and_rounds);
    tcase_add_test(tc, fold_bias_and_mean);
    tcase_add_test(tc, quantize_value_rounding);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ftsa_check_run(suite());
}
