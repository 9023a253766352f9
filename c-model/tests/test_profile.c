/* Activation profiling against a brute-force maximum, and its file round trip. */
#include <check.h>

#include "check_main.h"
#include <stdlib.h>
#include <string.h>

#include "ftsa/model_file.h"
#include "ftsa/netgen.h"
#include "ftsa/profile.h"
#include "ftsa/ref.h"
#include "ftsa/rng.h"

/* A data set of random 28x28 images (no files needed). */
static void random_dataset(ftsa_dataset_t *ds, uint32_t count, uint64_t seed)
{
    ftsa_rng_t rng;
    ftsa_rng_seed(&rng, seed);
    ds->count = count;
    ds->rows = ds->cols = 28;
    ds->images = malloc((size_t)count * 784);
    ds->labels = malloc(count);
    for (uint32_t i = 0; i < count * 784; i++)
        ds->images[i] = (uint8_t)ftsa_rng_below(&rng, 256);
    for (uint32_t i = 0; i < count; i++)
        ds->labels[i] = (uint8_t)ftsa_rng_below(&rng, 10);
}

START_TEST(profile_matches_brute_force)
{
    ftsa_net_t net, plain;
    ftsa_dataset_t ds;
    ftsa_err_t err;
    ck_assert_int_eq(ftsa_netgen_lenet(&net, 4, &err), FTSA_OK);
    random_dataset(&ds, 40, 1);
    /* Give layer 0 a tight clip so a profile of the clipped output would differ. */
    net.layers[0].act = FTSA_ACT_SAT;
    net.layers[0].thr_src = FTSA_THR_LAYER;
    free(net.layers[0].thr);
    net.layers[0].thr = malloc(1);
    net.layers[0].thr[0] = (int8_t)net.layers[0].out_zp;
    ck_assert_int_eq(ftsa_profile_dataset(&net, &ds, 10, 30, &err), FTSA_OK);
    ck_assert_uint_eq(net.prof_images, 30);
    ck_assert_int_eq(net.layers[0].act, FTSA_ACT_SAT); /* left as it was */

    ck_assert_int_eq(ftsa_net_clone(&net, &plain, &err), FTSA_OK);
    for (uint32_t i = 0; i < plain.n_layers; i++)
        plain.layers[i].act = FTSA_ACT_NONE;
    ftsa_ref_t ref;
    ck_assert_int_eq(ftsa_ref_init(&ref, &plain, &err), FTSA_OK);
    int8_t in[784];
    int nontrivial = 0;
    for (uint32_t i = 0; i < net.n_layers; i++) {
        const ftsa_layer_t *l = &net.layers[i];
        if (!ftsa_layer_has_weights(l)) {
            ck_assert_ptr_null(l->prof_max);
            continue;
        }
        uint32_t n = ftsa_shape_elems(l->out);
        int8_t *expect = malloc(n);
        memset(expect, -128, n);
        for (uint32_t img = 10; img < 40; img++) {
            ftsa_net_quantize_pixels(&plain, ftsa_dataset_image(&ds, img), in);
            ftsa_ref_run(&ref, in);
            for (uint32_t k = 0; k < n; k++)
                if (ftsa_ref_output(&ref, i)[k] > expect[k])
                    expect[k] = ftsa_ref_output(&ref, i)[k];
        }
        ck_assert_mem_eq(l->prof_max, expect, n);
        int8_t lm = -128;
        for (uint32_t k = 0; k < n; k++)
            lm = expect[k] > lm ? expect[k] : lm;
        ck_assert_int_eq(ftsa_profile_layer_max(l), lm);
        int8_t cm = -128;
        for (uint32_t k = 1; k < n; k += l->out.c)
            cm = expect[k] > cm ? expect[k] : cm;
        ck_assert_int_eq(ftsa_profile_channel_max(l, 1), cm);
        nontrivial += lm > l->out_zp;
        free(expect);
    }
    ck_assert_int_ge(nontrivial, 2);

    /* The profile survives the model file. */
    uint8_t *buf;
    size_t len;
    ftsa_net_t back;
    ck_assert_int_eq(ftsa_model_encode(&net, &buf, &len, &err), FTSA_OK);
    ck_assert_msg(ftsa_model_decode(buf, len, &back, &err) == FTSA_OK, "%s", err.msg);
    ck_assert_uint_eq(back.prof_images, 30);
    for (uint32_t i = 0; i < net.n_layers; i++)
        if (net.layers[i].prof_max)
            ck_assert_mem_eq(back.layers[i].prof_max, net.layers[i].prof_max,
                             ftsa_shape_elems(net.layers[i].out));
    free(buf);
    ftsa_net_free(&back);

    ck_assert_int_eq(ftsa_profile_dataset(&net, &ds, 30, 11, &err), FTSA_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.msg, "profiling images 30..41: the data set has 40"));
    ftsa_ref_free(&ref);
    ftsa_net_free(&plain);
    ftsa_net_free(&net);
    ftsa_dataset_free(&ds);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("profile");
    TCase *tc = tcase_create("profile");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, profile_matches_brute_force);
    suite_add_tcase(s, tc);
    return ftsa_check_run(s);
}
