/* Golden-run reuse and threads change nothing: every trial of campaigns over
 * every fault space (tensor weights/bias/activations with every kind, weight
 * and activation SRAM, timed upsets) gives the same result with the kept
 * fault-free run (whole, partly kept past a small bound, or none) as with
 * full recomputation, and with 1, 2 or 3 threads; per-image classes too. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "ftsa/campaign.h"
#include "ftsa/model_file.h"

static const char *model_path(void)
{
    return FTSA_MODELS_DIR "/lenet5.ftsa";
}

static void set(ftsa_camp_config_t *cfg, const char *key, const char *value)
{
    ftsa_err_t err = {0};
    ck_assert_msg(ftsa_camp_config_set(cfg, key, value, "test", &err) == FTSA_OK, "%s", err.msg);
}

static void base_config(ftsa_camp_config_t *cfg, uint32_t images)
{
    ftsa_camp_config_defaults(cfg);
    snprintf(cfg->model, sizeof cfg->model, "%s", model_path());
    const char *data = getenv("FTSA_DATA_DIR");
    if (data)
        snprintf(cfg->data, sizeof cfg->data, "%s", data);
    cfg->images = images;
    cfg->first = 100;
}

/* Every trial of the campaign, in plan order (rows[n_trials]). */
static ftsa_camp_row_t *run_all(const ftsa_camp_config_t *cfg, uint64_t *n, uint32_t *base)
{
    ftsa_err_t err = {0};
    ftsa_camp_t camp;
    ck_assert_msg(ftsa_camp_open(cfg, &camp, &err) == FTSA_OK, "%s", err.msg);
    ftsa_camp_row_t *rows = calloc(camp.plan.n_trials, sizeof *rows);
    ck_assert_ptr_nonnull(rows);
    uint64_t k = 0;
    for (uint32_t p = 0; p < camp.plan.n_points; p++)
        for (uint32_t t = 0; t < camp.plan.points[p].trials; t++, k++)
            ck_assert_msg(ftsa_camp_run_trial(&camp, p, t, &rows[k], &err) == FTSA_OK, "%s",
                          err.msg);
    *n = k;
    *base = camp.base_correct;
    ftsa_camp_close(&camp);
    return rows;
}

/* Runs cfg with full recomputation on one thread and with each variant of
 * reuse and threads; every trial must agree.  Returns how many trials saw a
 * fault and lost or gained an image (so the comparison was not vacuous). */
static uint64_t compare_variants(ftsa_camp_config_t *cfg)
{
    uint64_t n_ref, n, changed = 0;
    uint32_t base_ref, base;
    cfg->no_reuse = 1, cfg->threads = 1;
    ftsa_camp_row_t *ref = run_all(cfg, &n_ref, &base_ref);
    static const struct {
        int no_reuse;
        uint32_t threads;
        size_t bytes;
    } variants[] = {
        {0, 1, 0},      /* default bound: every layer kept */
        {0, 2, 0},      /* with threads */
        {0, 3, 20000},  /* only the deep layers kept: recompute from the deepest before the fault */
        {0, 1, 1},      /* nothing but the classes kept */
        {1, 2, 0},      /* no reuse, threads */
    };
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        cfg->no_reuse = variants[v].no_reuse;
        cfg->threads = variants[v].threads;
        cfg->golden_bytes = variants[v].bytes;
        ftsa_camp_row_t *rows = run_all(cfg, &n, &base);
        ck_assert_uint_eq(n, n_ref);
        ck_assert_uint_eq(base, base_ref);
        for (uint64_t i = 0; i < n; i++) {
            ck_assert_msg(rows[i].correct == ref[i].correct && rows[i].faults == ref[i].faults &&
                              rows[i].trial_seed == ref[i].trial_seed,
                          "variant %zu, point %u trial %u: %u correct (%u faults), full "
                          "recomputation %u (%u)",
                          v, rows[i].point, rows[i].trial, rows[i].correct, rows[i].faults,
                          ref[i].correct, ref[i].faults);
        }
        free(rows);
    }
    for (uint64_t i = 0; i < n_ref; i++)
        changed += ref[i].correct != base_ref;
    free(ref);
    return changed;
}

START_TEST(tensor_faults)
{
    ftsa_camp_config_t cfg;
    base_config(&cfg, 40);
    set(&cfg, "faults", "flip, sa0, sa1");
    set(&cfg, "tensors", "weights, bias, act");
    set(&cfg, "ber", "1e-6, 1e-4, 1e-2");
    set(&cfg, "trials", "3");
    ck_assert_uint_gt(compare_variants(&cfg), 10);
    /* one listed layer, counts of faults */
    base_config(&cfg, 40);
    set(&cfg, "layers", "6");
    set(&cfg, "per_layer", "off");
    set(&cfg, "tensors", "weights, act");
    set(&cfg, "count", "1, 300");
    set(&cfg, "trials", "4");
    ck_assert_uint_gt(compare_variants(&cfg), 1);
}
END_TEST

START_TEST(sram_faults)
{
    static const char *const mems[] = {"weight", "act"};
    for (size_t m = 0; m < 2; m++) {
        ftsa_camp_config_t cfg;
        base_config(&cfg, 8);
        set(&cfg, "space", "sram");
        set(&cfg, "memory", mems[m]);
        set(&cfg, "faults", "flip, sa1");
        set(&cfg, "ber", "1e-6, 1e-3");
        set(&cfg, "trials", "2");
        ck_assert_uint_gt(compare_variants(&cfg), 0);
    }
}
END_TEST

/* Classes of every image on two devices over the same fault list. */
static void same_classes(ftsa_dev_t *a, ftsa_dev_t *b, const ftsa_dataset_t *ds,
                         const ftsa_fault_list_t *list, uint32_t first, uint32_t count,
                         uint32_t *changed, const uint8_t *gold)
{
    ftsa_err_t err = {0};
    uint8_t pa[64], pb[64];
    uint32_t ca, cb;
    ck_assert_uint_le(count, 64);
    ck_assert_msg(ftsa_dev_set_faults(a, list, &err) == FTSA_OK, "%s", err.msg);
    ck_assert_msg(ftsa_dev_set_faults(b, list, &err) == FTSA_OK, "%s", err.msg);
    ck_assert_msg(ftsa_dev_classify(a, ds, first, count, pa, &ca, &err) == FTSA_OK, "%s", err.msg);
    ck_assert_msg(ftsa_dev_classify(b, ds, first, count, pb, &cb, &err) == FTSA_OK, "%s", err.msg);
    ck_assert_uint_eq(ca, cb);
    ck_assert_mem_eq(pa, pb, count);
    for (uint32_t i = 0; gold && i < count; i++)
        *changed += pa[i] != gold[i];
}

START_TEST(timed_upsets_and_classes)
{
    ftsa_err_t err = {0};
    ftsa_net_t net;
    ftsa_dataset_t ds;
    ck_assert_msg(ftsa_model_load(model_path(), &net, &err) == FTSA_OK, "%s", err.msg);
    ck_assert_msg(ftsa_dataset_load(getenv("FTSA_DATA_DIR"), FTSA_SPLIT_TEST, &ds, &err) == FTSA_OK,
                  "%s", err.msg);
    ftsa_dev_t *full, *reuse;
    ftsa_dev_opts_t one = {.array_n = 8, .threads = 1}, two = {.array_n = 8, .threads = 2};
    ck_assert_int_eq(ftsa_dev_open("cmodel", &net, &one, &full, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_dev_open("cmodel", &net, &two, &reuse, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_dev_set_reuse(reuse, (size_t)1 << 24, &err), FTSA_OK);
    uint8_t gold[64];
    uint32_t gc, changed = 0;
    ck_assert_int_eq(ftsa_dev_classify(full, &ds, 0, 64, gold, &gc, &err), FTSA_OK);
    ftsa_layer_stats_t st;
    uint64_t cycles = 0;
    for (uint32_t l = 0; l < net.n_layers; l++)
        ftsa_dev_layer_stats(full, l, &st), cycles += st.cycles;
    ck_assert_uint_gt(cycles, 0);
    ftsa_fault_list_t list;
    ftsa_faults_init(&list);
    /* upsets of the weight and activation SRAMs at cycles of the inference */
    static const ftsa_mem_t mems[] = {FTSA_MEM_WEIGHT, FTSA_MEM_ACT};
    ftsa_camp_config_t cfg;
    base_config(&cfg, 8);
    for (size_t m = 0; m < 2; m++) {
        set(&cfg, "memory", mems[m] == FTSA_MEM_WEIGHT ? "weight" : "act");
        ftsa_sram_region_t region;
        ck_assert_int_eq(ftsa_camp_sram_region(&cfg, &region, &err), FTSA_OK);
        ftsa_fault_spec_t spec = {.kind = FTSA_FAULT_SEU, .cycle_first = 0, .cycle_end = cycles};
        for (uint64_t seed = 1; seed <= 3; seed++) {
            list.n = 0;
            ck_assert_int_eq(ftsa_faults_gen_sram_count(&region, &spec, 200, seed, &list, &err),
                             FTSA_OK);
            same_classes(full, reuse, &ds, &list, 0, 24, &changed, gold);
        }
    }
    /* tensor faults after the timed ones, then none: back to the kept run */
    for (uint32_t l = 0; l < net.n_layers; l++) {
        list.n = 0;
        ftsa_tensor_region_t r = {.tensor = FTSA_TENSOR_ACT, .layer = l};
        ck_assert_int_eq(ftsa_faults_gen_count(&net, &r, FTSA_FAULT_FLIP, 40, l + 1, &list, &err),
                         FTSA_OK);
        same_classes(full, reuse, &ds, &list, 0, 64, &changed, gold);
    }
    same_classes(full, reuse, &ds, NULL, 0, 64, &changed, gold);
    ck_assert_uint_gt(changed, 0);
    /* other images than the kept ones are recomputed, not taken from them */
    same_classes(full, reuse, &ds, NULL, 5, 40, &changed, NULL);
    ftsa_faults_free(&list);
    ftsa_dev_close(full);
    ftsa_dev_close(reuse);
    ftsa_dataset_free(&ds);
    ftsa_net_free(&net);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("reuse");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, tensor_faults);
    tcase_add_test(tc, sram_faults);
    tcase_add_test(tc, timed_upsets_and_classes);
    suite_add_tcase(s, tc);
    return ftsa_check_run(s);
}
