/* Campaign statistics against hand-computed values, AUC and tolerance on
 * known curves, config errors, plan expansion. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "ftsa/campaign.h"
#include "ftsa/netgen.h"

#define NEAR(a, b, tol) ck_assert_msg(fabs((a) - (b)) <= (tol), "%s = %.12g, expected %.12g", #a, (double)(a), (double)(b))

START_TEST(stats_even_sample)
{
    /* 4, 1, 3, 2: mean 2.5, median (2+3)/2, sample variance ((1.5^2+0.5^2)*2)/3 = 5/3,
     * t_{0.975,3} = 3.18244630528 (tables), half width t*s/sqrt(4). */
    const double x[] = {4, 1, 3, 2};
    ftsa_stats_t s;
    ftsa_err_t err = {0};
    ck_assert_int_eq(ftsa_stats_compute(x, 4, 0.95, &s, &err), FTSA_OK);
    ck_assert_uint_eq(s.n, 4);
    NEAR(s.mean, 2.5, 1e-15);
    NEAR(s.median, 2.5, 1e-15);
    NEAR(s.std, 1.29099444873580562, 1e-12);
    NEAR(s.min, 1, 0);
    NEAR(s.max, 4, 0);
    double half = 3.18244630528 * 1.29099444873580562 / 2.0;
    NEAR(s.ci_lo, 2.5 - half, 1e-9);
    NEAR(s.ci_hi, 2.5 + half, 1e-9);
    ck_assert(x[0] == 4 && x[1] == 1); /* input untouched */
}
END_TEST

START_TEST(stats_odd_and_single)
{
    const double x[] = {10, 70, 40};
    ftsa_stats_t s;
    ck_assert_int_eq(ftsa_stats_compute(x, 3, 0.95, &s, NULL), FTSA_OK);
    NEAR(s.median, 40, 0);
    NEAR(s.mean, 40, 1e-12);
    NEAR(s.std, 30, 1e-12); /* (900 + 900 + 0) / 2 = 900 */
    /* t_{0.975,2} = 4.30265272975: half = 4.3026527 * 30 / sqrt 3 */
    NEAR(s.ci_hi - s.mean, 4.30265272975 * 30 / sqrt(3.0), 1e-8);
    ck_assert_int_eq(ftsa_stats_compute(x, 1, 0.95, &s, NULL), FTSA_OK);
    NEAR(s.std, 0, 0);
    ck_assert(isnan(s.ci_lo) && isnan(s.ci_hi));
    ftsa_err_t err = {0};
    ck_assert_int_eq(ftsa_stats_compute(x, 0, 0.95, &s, &err), FTSA_E_INVALID);
    ck_assert_int_eq(ftsa_stats_compute(x, 3, 1.5, &s, &err), FTSA_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.msg, "confidence"));
}
END_TEST

START_TEST(quantiles)
{
    /* Table values of Student's t and the normal distribution. */
    NEAR(ftsa_stats_t_quantile(0.975, 1), 12.7062047362, 1e-8);
    NEAR(ftsa_stats_t_quantile(0.975, 2), 4.30265272975, 1e-9);
    NEAR(ftsa_stats_t_quantile(0.975, 10), 2.22813885196, 1e-9);
    /* 2.7499956536: checked by Simpson integration of the t density. */
    NEAR(ftsa_stats_t_quantile(0.995, 30), 2.74999565357, 1e-9);
    NEAR(ftsa_stats_t_quantile(0.025, 10), -2.22813885196, 1e-9);
    NEAR(ftsa_stats_t_quantile(0.975, 1e7), 1.95996398454, 1e-6);
    NEAR(ftsa_stats_z_quantile(0.975), 1.95996398454, 1e-10);
    NEAR(ftsa_stats_z_quantile(0.995), 2.57582930355, 1e-10);
    NEAR(ftsa_stats_t_cdf(0.0, 5), 0.5, 1e-15);
    /* df = 1 is Cauchy: F(1) = 3/4. */
    NEAR(ftsa_stats_t_cdf(1.0, 1), 0.75, 1e-12);
    /* I_x(1, 1) = x, I_x(a, 1) = x^a, I_{1/2}(a, a) = 1/2. */
    NEAR(ftsa_stats_betai(1, 1, 0.3), 0.3, 1e-13);
    NEAR(ftsa_stats_betai(3, 1, 0.6), 0.216, 1e-13);
    NEAR(ftsa_stats_betai(7.5, 7.5, 0.5), 0.5, 1e-13);
}
END_TEST

START_TEST(leveugle)
{
    /* N = 1e6, e = 1%, t = 1.96, p = 0.5:
     * n = 1e6 / (1 + 1e-4 * 999999 / (3.8416 * 0.25)) = 1e6 / 105.123168... = 9512.65... */
    double n = ftsa_stats_leveugle(1e6, 0.01, 1.96, 0.5);
    NEAR(n, 1e6 / (1.0 + 99.9999 / 0.9604), 1e-6);
    ck_assert_int_eq((int)ceil(n), 9513);
    /* Large populations tend to t^2 p (1 - p) / e^2 = 9604. */
    NEAR(ftsa_stats_leveugle(1e15, 0.01, 1.96, 0.5), 9604, 1e-3);
    /* A population of one needs one sample. */
    NEAR(ftsa_stats_leveugle(1, 0.05, 1.96, 0.5), 1, 1e-15);
    /* The achieved margin inverts the formula. */
    NEAR(ftsa_stats_leveugle_margin(1e6, n, 1.96, 0.5), 0.01, 1e-12);
    NEAR(ftsa_stats_leveugle_margin(100, 100, 1.96, 0.5), 0, 0);
}
END_TEST

START_TEST(auc_known_curves)
{
    const double x[] = {0, 1, 2}, y[] = {0, 1, 0};
    NEAR(ftsa_stats_trapezoid(x, y, 3), 1.0, 1e-15);
    NEAR(ftsa_stats_trapezoid(x, y, 1), 0.0, 0);
    /* A perfect network scores 1 under both normalizations. */
    const double ber[] = {1e-6, 1e-5, 1e-4, 1e-3}, flat[] = {91, 91, 91, 91};
    NEAR(ftsa_camp_auc(ber, flat, 4, 91, 1), 1.0, 1e-15);
    NEAR(ftsa_camp_auc(ber, flat, 4, 91, 0), 1.0, 1e-15);
    /* Linear decay acc = base (1 - r / r_max) from the fault-free point: area 1/2. */
    const double r[] = {0.25, 0.5, 0.75, 1.0}, lin[] = {60, 40, 20, 0};
    NEAR(ftsa_camp_auc(r, lin, 4, 80, 0), 0.5, 1e-15);
    /* Log axis: intact for 1e-3 and 1e-2, dead at 1e-1: x = 0, 1/2, 1 -> 1/2 + 1/4. */
    const double r3[] = {1e-3, 1e-2, 1e-1}, step[] = {50, 50, 0};
    NEAR(ftsa_camp_auc(r3, step, 3, 50, 1), 0.75, 1e-12);
    /* Linear axis for the same curve: (0,1) (0.01,1) (0.1,1) (1,0) -> 0.1 + 0.45. */
    NEAR(ftsa_camp_auc(r3, step, 3, 50, 0), 0.55, 1e-12);
    /* Undefined: one rate on a log axis, zero baseline. */
    ck_assert(isnan(ftsa_camp_auc(r3, step, 1, 50, 1)));
    ck_assert(isnan(ftsa_camp_auc(r3, step, 3, 0, 0)));
}
END_TEST

START_TEST(tolerance)
{
    const double r[] = {1, 2, 3, 4}, acc[] = {90, 89.5, 85, 70};
    NEAR(ftsa_camp_tolerance(r, acc, 4, 90, 0), 1, 0);
    NEAR(ftsa_camp_tolerance(r, acc, 4, 90, 1), 2, 0);
    NEAR(ftsa_camp_tolerance(r, acc, 4, 90, 5), 3, 0);
    NEAR(ftsa_camp_tolerance(r, acc, 4, 90, 20), 4, 0);
    /* The first violation ends the search even if a later point recovers. */
    const double bumpy[] = {90, 80, 89, 88};
    NEAR(ftsa_camp_tolerance(r, bumpy, 4, 90, 5), 1, 0);
    const double bad[] = {50, 40, 30, 20};
    ck_assert(isnan(ftsa_camp_tolerance(r, bad, 4, 90, 10)));
}
END_TEST

static char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/ftsa_camp_cfg_XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    return path;
}

START_TEST(config_errors)
{
    ftsa_camp_config_t cfg;
    ftsa_camp_config_defaults(&cfg);
    ftsa_err_t err = {0};
    char *path = write_tmp("# campaign\nmodel = m.ftsa\n\ntrails = 5\n");
    ck_assert_int_eq(ftsa_camp_config_read(&cfg, path, &err), FTSA_E_INVALID);
    char want[96];
    snprintf(want, sizeof want, "%s:4: unknown key 'trails'", path);
    ck_assert_msg(strstr(err.msg, want), "message: %s", err.msg);
    unlink(path);

    path = write_tmp("ber = 1e-3, 1e-4\n");
    ck_assert_int_eq(ftsa_camp_config_read(&cfg, path, &err), FTSA_E_INVALID);
    ck_assert_msg(strstr(err.msg, ":1: key 'ber'") && strstr(err.msg, "increasing"), "%s", err.msg);
    unlink(path);

    path = write_tmp("images 20\n");
    ck_assert_int_eq(ftsa_camp_config_read(&cfg, path, &err), FTSA_E_FORMAT);
    ck_assert_msg(strstr(err.msg, ":1: expected 'key = value'"), "%s", err.msg);
    unlink(path);

    static const char *const bad[][3] = {
        {"trials", "0", "key 'trials'"},        {"trials", "many", "key 'trials'"},
        {"ber", "1.5", "key 'ber'"},            {"ber", "logspace(1e-3, 1e-6, 4)", "key 'ber'"},
        {"count", "2.5", "key 'count'"},        {"faults", "seu", "key 'faults'"},
        {"tensors", "thr", "key 'tensors'"},    {"bits", "40", "key 'bits'"},
        {"per_layer", "maybe", "key 'per_layer'"}, {"margin", "0", "key 'margin'"},
        {"images", "0", "key 'images'"},        {"layers", "1,1", "key 'layers'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ftsa_camp_config_defaults(&cfg);
        ftsa_camp_config_t before = cfg;
        ck_assert_int_ne(ftsa_camp_config_set(&cfg, bad[i][0], bad[i][1], "here", &err), FTSA_OK);
        ck_assert_msg(strstr(err.msg, bad[i][2]) && !strncmp(err.msg, "here: ", 6),
                      "%s = %s: %s", bad[i][0], bad[i][1], err.msg);
        ck_assert_msg(!memcmp(&before, &cfg, sizeof cfg), "%s changed on error", bad[i][0]);
    }
    ftsa_camp_config_defaults(&cfg);
    ck_assert_int_eq(ftsa_camp_config_check(&cfg, &err), FTSA_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.msg, "key 'model'"));
}
END_TEST

START_TEST(config_values)
{
    ftsa_camp_config_t cfg;
    ftsa_camp_config_defaults(&cfg);
    ftsa_err_t err = {0};
    ck_assert_int_eq(ftsa_camp_config_set(&cfg, "ber", "logspace(1e-6, 1e-1, 6)", "x", &err), FTSA_OK);
    ck_assert_uint_eq(cfg.n_rates, 6);
    NEAR(cfg.rates[0], 1e-6, 1e-21);
    NEAR(cfg.rates[2], 1e-4, 1e-19);
    NEAR(cfg.rates[5], 1e-1, 0);
    ck_assert_int_eq(ftsa_camp_config_set(&cfg, "count", "logspace(1, 10, 4)", "x", &err), FTSA_OK);
    ck_assert_int_eq(cfg.mode, FTSA_CAMP_MODE_COUNT);
    /* 1, 2.15, 4.64, 10 rounded: 1, 2, 5, 10 */
    ck_assert_uint_eq(cfg.n_rates, 4);
    NEAR(cfg.rates[1], 2, 0);
    NEAR(cfg.rates[2], 5, 0);
    ck_assert_int_eq(ftsa_camp_config_set(&cfg, "bits", "msb", "x", &err), FTSA_OK);
    ck_assert_int_eq(cfg.bits, FTSA_CAMP_BITS_MSB);
    ck_assert_int_eq(ftsa_camp_config_set(&cfg, "bits", "0, 4-6", "x", &err), FTSA_OK);
    ck_assert_uint_eq(cfg.bit_mask, 0x71);
    ck_assert_int_eq(ftsa_camp_config_set(&cfg, "faults", "sa0 flip", "x", &err), FTSA_OK);
    ck_assert_uint_eq(cfg.kinds, (1u << FTSA_FAULT_SA0) | (1u << FTSA_FAULT_FLIP));
    ck_assert_int_eq(ftsa_camp_config_set(&cfg, "layers", "3, 0", "x", &err), FTSA_OK);
    ck_assert_uint_eq(cfg.n_layers, 2);
    ck_assert_int_eq(ftsa_camp_config_set(&cfg, "trials", "auto", "x", &err), FTSA_OK);
    ck_assert_uint_eq(cfg.trials, 0);

    /* The written config reads back to the same values. */
    snprintf(cfg.model, sizeof cfg.model, "m.ftsa");
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    ftsa_camp_config_write(&cfg, mem);
    fclose(mem);
    char *path = write_tmp(text);
    free(text);
    ftsa_camp_config_t back;
    ftsa_camp_config_defaults(&back);
    ck_assert_int_eq(ftsa_camp_config_read(&back, path, &err), FTSA_OK);
    unlink(path);
    ck_assert(!memcmp(&back, &cfg, sizeof cfg));
}
END_TEST

START_TEST(plan_expansion)
{
    ftsa_net_t net;
    ftsa_err_t err = {0};
    ck_assert_int_eq(ftsa_netgen_lenet(&net, 3, &err), FTSA_OK);
    ftsa_camp_config_t cfg;
    ftsa_camp_config_defaults(&cfg);
    ftsa_camp_config_set(&cfg, "ber", "1e-4, 1e-3, 1e-2", "x", &err);
    ftsa_camp_plan_t plan;
    ck_assert_int_eq(ftsa_camp_plan_build(&cfg, &net, &plan, &err), FTSA_OK);
    /* flip weights over all layers, then each of the 5 weight layers alone. */
    uint32_t wl = 0;
    uint64_t wbits = 0;
    for (uint32_t l = 0; l < net.n_layers; l++)
        if (ftsa_layer_has_weights(&net.layers[l])) {
            wl++;
            wbits += 8ull * ftsa_layer_weight_count(&net.layers[l]);
        }
    ck_assert_uint_eq(wl, 5);
    ck_assert_uint_eq(plan.n_curves, 1 + wl);
    ck_assert_uint_eq(plan.n_points, 3 * (1 + wl));
    ck_assert_uint_eq(plan.n_trials, 10ull * plan.n_points);
    ck_assert_uint_eq(plan.curves[0].sites, wbits);
    ck_assert_str_eq(plan.curves[0].name, "flip weights all");
    ck_assert_uint_eq(ftsa_camp_trial_index(&plan, 2, 3), 23);
    ftsa_camp_plan_free(&plan);

    /* Per memory: the weights curve is already a target; bias and act are added.
     * msb: one bit per element. */
    ftsa_camp_config_set(&cfg, "per_layer", "off", "x", &err);
    ftsa_camp_config_set(&cfg, "per_memory", "on", "x", &err);
    ftsa_camp_config_set(&cfg, "bits", "msb", "x", &err);
    ck_assert_int_eq(ftsa_camp_plan_build(&cfg, &net, &plan, &err), FTSA_OK);
    ck_assert_uint_eq(plan.n_curves, 3);
    ck_assert_uint_eq(plan.curves[0].sites, wbits / 8);
    ck_assert_uint_eq(plan.curves[1].region.tensor, FTSA_TENSOR_BIAS);
    ck_assert_uint_eq(plan.curves[1].region.bit_mask, 1u << 31);
    ftsa_camp_plan_free(&plan);

    /* trials = auto: Leveugle's n for the region's sites, 95%, 5% margin. */
    ftsa_camp_config_set(&cfg, "per_memory", "off", "x", &err);
    ftsa_camp_config_set(&cfg, "trials", "auto", "x", &err);
    ck_assert_int_eq(ftsa_camp_plan_build(&cfg, &net, &plan, &err), FTSA_OK);
    double want = ceil(ftsa_stats_leveugle((double)(wbits / 8), 0.05, 1.959963984540054, 0.5));
    ck_assert_uint_eq(plan.points[0].trials, (uint32_t)want);
    ftsa_camp_plan_free(&plan);

    /* Errors name the key. */
    ftsa_camp_config_set(&cfg, "layers", "99", "x", &err);
    ck_assert_int_eq(ftsa_camp_plan_build(&cfg, &net, &plan, &err), FTSA_E_INVALID);
    ck_assert_msg(strstr(err.msg, "key 'layers'"), "%s", err.msg);
    ftsa_camp_config_set(&cfg, "layers", "all", "x", &err);
    ftsa_camp_config_set(&cfg, "count", "1, 1000000000", "x", &err);
    ck_assert_int_eq(ftsa_camp_plan_build(&cfg, &net, &plan, &err), FTSA_E_INVALID);
    ck_assert_msg(strstr(err.msg, "key 'count'"), "%s", err.msg);
    ftsa_net_free(&net);
}
END_TEST

START_TEST(trial_seeds_independent)
{
    /* Distinct (point, trial) pairs get distinct seeds; the same pair the same seed. */
    ck_assert_uint_eq(ftsa_camp_trial_seed(1, 2, 3), ftsa_camp_trial_seed(1, 2, 3));
    ck_assert_uint_ne(ftsa_camp_trial_seed(1, 2, 3), ftsa_camp_trial_seed(1, 3, 2));
    ck_assert_uint_ne(ftsa_camp_trial_seed(1, 0, 1), ftsa_camp_trial_seed(1, 1, 0));
    ck_assert_uint_ne(ftsa_camp_trial_seed(1, 0, 0), ftsa_camp_trial_seed(2, 0, 0));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("campaign");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, stats_even_sample);
    tcase_add_test(tc, stats_odd_and_single);
    tcase_add_test(tc, quantiles);
    tcase_add_test(tc, leveugle);
    tcase_add_test(tc, auc_known_curves);
    tcase_add_test(tc, tolerance);
    tcase_add_test(tc, config_errors);
    tcase_add_test(tc, config_values);
    tcase_add_test(tc, plan_expansion);
    tcase_add_test(tc, trial_seeds_independent);
    suite_add_tcase(s, tc);
    return ftsa_check_run(s);
}
