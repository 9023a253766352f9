/* Mitigations on the committed LeNet-5: thresholds from the profile, Ranger,
 * per-neuron and per-channel thresholds, fault sweeps and the FT-ClipAct
 * search (small settings: a few dozen images). */
#include <check.h>
#include <string.h>

#include "check_main.h"
#include "ftsa/mitigate.h"
#include "ftsa/model_file.h"
#include "ftsa/profile.h"

static ftsa_net_t net;
static ftsa_dataset_t train;

static void setup(void)
{
    ftsa_err_t err = {0};
    ck_assert_msg(!ftsa_model_load(FTSA_MODELS_DIR "/lenet5.ftsa", &net, &err), "%s", err.msg);
    ck_assert_msg(!ftsa_dataset_load(NULL, FTSA_SPLIT_TRAIN, &train, &err), "%s", err.msg);
    ck_assert(!ftsa_profile_dataset(&net, &train, FTSA_PROFILE_FIRST, 300, &err));
}

static void teardown(void)
{
    ftsa_net_free(&net);
    ftsa_dataset_free(&train);
}

START_TEST(ranger_saturates_at_layer_max)
{
    ftsa_err_t err = {0};
    ftsa_net_t r;
    ck_assert(!ftsa_net_clone(&net, &r, &err));
    ck_assert_int_eq(ftsa_mit_ranger(&r, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_net_validate(&r, &err), FTSA_OK);
    uint32_t protected = 0;
    for (uint32_t i = 0; i < r.n_layers; i++) {
        ftsa_layer_t *l = &r.layers[i], *o = &net.layers[i];
        if (ftsa_layer_has_weights(l))
            ck_assert_mem_eq(l->weights, o->weights, ftsa_layer_weight_count(l));
        if (!ftsa_mit_protectable(o)) {
            ck_assert_int_eq(l->act, o->act);
            continue;
        }
        protected++;
        ck_assert_int_eq(l->act, FTSA_ACT_SAT);
        ck_assert_int_eq(l->thr_src, FTSA_THR_LAYER);
        int8_t max = ftsa_profile_layer_max(o);
        ck_assert_int_eq(l->thr[0], max < o->out_zp ? o->out_zp : max);
    }
    ck_assert_uint_eq(protected, 4); /* conv1, conv2, fc1, fc2; the logits stay plain */
    ck_assert_uint_eq(ftsa_mit_thr_bytes(&r), 4);
    ftsa_net_free(&r);
}
END_TEST

START_TEST(neuron_and_channel_thresholds)
{
    ftsa_err_t err = {0};
    int8_t *thr[16] = {0};
    ftsa_layer_t *l = &net.layers[0]; /* conv1: 28x28x6 */
    uint32_t n = ftsa_shape_elems(l->out);
    thr[0] = malloc(n);
    for (uint32_t e = 0; e < n; e++)
        thr[0][e] = (int8_t)(-128 + (int)(e % 200));
    thr[0][5] = 100, thr[0][11] = 90; /* channel 5: 100 at e = 5, 90 at e = 11 */
    ftsa_net_t a, b;
    ck_assert(!ftsa_net_clone(&net, &a, &err) && !ftsa_net_clone(&net, &b, &err));
    ck_assert_int_eq(ftsa_mit_apply_neuron_thresholds(&a, thr, FTSA_THR_NEURON, &err), FTSA_OK);
    ck_assert_int_eq(a.layers[0].act, FTSA_ACT_CLIP);
    ck_assert_mem_eq(a.layers[0].thr, thr[0], n);
    ck_assert_int_eq(a.layers[2].act, net.layers[2].act); /* NULL entries are left alone */
    ck_assert_int_eq(ftsa_mit_apply_neuron_thresholds(&b, thr, FTSA_THR_CHANNEL, &err), FTSA_OK);
    ck_assert_int_eq(b.layers[0].thr_src, FTSA_THR_CHANNEL);
    for (uint32_t ch = 0; ch < l->out.c; ch++) {
        int8_t want = -128;
        for (uint32_t e = ch; e < n; e += l->out.c)
            want = thr[0][e] > want ? thr[0][e] : want;
        ck_assert_int_eq(b.layers[0].thr[ch], want);
    }
    ck_assert_uint_eq(ftsa_mit_thr_bytes(&a), n);
    ck_assert_uint_eq(ftsa_mit_thr_bytes(&b), l->out.c);
    /* Thresholds below the zero point are raised to it. */
    int8_t low = -128;
    ck_assert(!ftsa_mit_set_act(&b.layers[7], FTSA_ACT_CLIP, FTSA_THR_LAYER, &low, &err));
    ck_assert_int_eq(b.layers[7].thr[0], b.layers[7].out_zp);
    ck_assert_int_eq(ftsa_mit_set_act(&b.layers[1], FTSA_ACT_CLIP, FTSA_THR_LAYER, &low, &err),
                     FTSA_E_INVALID); /* a max pool has no activation */
    free(thr[0]);
    ftsa_net_free(&a);
    ftsa_net_free(&b);
}
END_TEST

static void small_sweep(ftsa_mit_sweep_t *sw)
{
    ftsa_mit_sweep_defaults(sw);
    sw->ds = &train;
    sw->images = 40;
    sw->trials = 2;
    sw->n_rates = 2;
    sw->rates[0] = 1e-3, sw->rates[1] = 3e-2;
}

START_TEST(sweep_is_deterministic)
{
    ftsa_err_t err = {0};
    ftsa_mit_sweep_t sw;
    small_sweep(&sw);
    ftsa_mit_sweep_result_t a, b, c;
    ck_assert_int_eq(ftsa_mit_sweep_run(&sw, &net, 0.0, &a, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_mit_sweep_run(&sw, &net, 0.0, &b, &err), FTSA_OK);
    ck_assert_mem_eq(&a, &b, sizeof a);
    ck_assert(a.mean_acc[1] < a.base_acc); /* 3% of the weight bits flipped must hurt */
    sw.seed = 2;
    ck_assert_int_eq(ftsa_mit_sweep_run(&sw, &net, 0.0, &c, &err), FTSA_OK);
    ck_assert(memcmp(a.mean_acc, c.mean_acc, sizeof a.mean_acc));
    /* Normalized by a reference accuracy instead of its own. */
    ck_assert_int_eq(ftsa_mit_sweep_run(&sw, &net, 2 * c.base_acc, &b, &err), FTSA_OK);
    ck_assert_double_eq_tol(b.auc, c.auc / 2, 1e-9);
    sw.rates[1] = sw.rates[0];
    ck_assert_int_eq(ftsa_mit_sweep_run(&sw, &net, 0.0, &a, &err), FTSA_E_INVALID);
}
END_TEST

/* SRAM-space sweeps: weight-SRAM flips through the campaign config keys. */
START_TEST(sram_sweep)
{
    ftsa_err_t err = {0};
    ftsa_camp_config_t cfg;
    ftsa_camp_config_defaults(&cfg);
    ck_assert(!ftsa_camp_config_set(&cfg, "space", "sram", "test", &err));
    ck_assert(!ftsa_camp_config_set(&cfg, "words", "0-7935", "test", &err));
    ck_assert(!ftsa_camp_config_set(&cfg, "ber", "1e-4, 1e-2", "test", &err));
    cfg.trials = 2, cfg.images = 20, cfg.first = FTSA_PROFILE_FIRST;
    ftsa_mit_sweep_t sw;
    ftsa_mit_sweep_defaults(&sw);
    ck_assert_int_eq(ftsa_mit_sweep_from_camp(&cfg, &sw, &err), FTSA_OK);
    ck_assert(sw.curve.sram);
    ck_assert_int_eq(sw.curve.sram_region.mem, FTSA_MEM_WEIGHT);
    ck_assert_uint_eq(sw.curve.sram_region.word_bits, 64); /* 8 lanes at N = 8 */
    ck_assert_uint_eq(sw.curve.sram_region.count, 7936);
    sw.ds = &train;
    ftsa_mit_sweep_result_t a, b;
    ck_assert_int_eq(ftsa_mit_sweep_run(&sw, &net, 0.0, &a, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_mit_sweep_run(&sw, &net, 0.0, &b, &err), FTSA_OK);
    ck_assert_mem_eq(&a, &b, sizeof a);
    ck_assert(a.mean_acc[1] < a.base_acc - 20.0); /* 1% of the weight SRAM's bits flipped */
    ck_assert(!ftsa_camp_config_set(&cfg, "words", "0-99999", "test", &err));
    ck_assert_int_eq(ftsa_mit_sweep_from_camp(&cfg, &sw, &err), FTSA_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.msg, "words"));
}
END_TEST

static void search(ftsa_net_t *out, uint64_t seed)
{
    ftsa_err_t err = {0};
    ftsa_mit_clipact_opts_t o;
    ftsa_mit_clipact_defaults(&o);
    small_sweep(&o.sweep);
    o.sweep.seed = seed;
    o.max_iters = 2;
    o.max_drop = 100.0;
    ck_assert(!ftsa_net_clone(&net, out, &err));
    ck_assert_msg(!ftsa_mit_clipact(out, &o, NULL, NULL, &err), "%s", err.msg);
}

START_TEST(clipact_search)
{
    ftsa_net_t a, b;
    search(&a, 1);
    search(&b, 1);
    for (uint32_t i = 0; i < a.n_layers; i++) {
        const ftsa_layer_t *l = &a.layers[i];
        if (!ftsa_mit_protectable(&net.layers[i]))
            continue;
        ck_assert_int_eq(l->act, FTSA_ACT_CLIP);
        ck_assert_int_eq(l->thr_src, FTSA_THR_LAYER);
        ck_assert_int_eq(l->thr[0], b.layers[i].thr[0]); /* same seed, same thresholds */
        ck_assert_int_ge(l->thr[0], l->out_zp);
        ck_assert_int_le(l->thr[0], ftsa_profile_layer_max(&net.layers[i]));
    }
    ftsa_net_free(&a);
    ftsa_net_free(&b);
    ftsa_err_t err = {0};
    ftsa_mit_clipact_opts_t o;
    ftsa_mit_clipact_defaults(&o);
    o.min_iters = 9, o.max_iters = 3;
    ck_assert_int_eq(ftsa_mit_clipact(&net, &o, NULL, NULL, &err), FTSA_E_INVALID);
    net.prof_images = 0;
    ftsa_mit_clipact_defaults(&o);
    small_sweep(&o.sweep);
    ck_assert_int_eq(ftsa_mit_clipact(&net, &o, NULL, NULL, &err), FTSA_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.msg, "profile"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mitigate");
    TCase *t = tcase_create("lenet5");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 300);
    tcase_add_test(t, ranger_saturates_at_layer_max);
    tcase_add_test(t, neuron_and_channel_thresholds);
    tcase_add_test(t, sweep_is_deterministic);
    tcase_add_test(t, sram_sweep);
    tcase_add_test(t, clipact_search);
    suite_add_tcase(s, t);
    return ftsa_check_run(s);
}
