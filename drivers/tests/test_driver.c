/* Driver API: every compiled back end gives the reference model's outputs. */
#include <check.h>

#include "check_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftsa/driver.h"
#include "ftsa/model_file.h"
#include "ftsa/netgen.h"
#include "ftsa/outcome.h"
#include "ftsa/ref.h"

START_TEST(unknown_backend)
{
    ftsa_net_t net;
    ftsa_dev_t *dev;
    ftsa_err_t err;
    ck_assert_int_eq(ftsa_netgen_random(&net, 1, NULL, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_dev_open("quantum", &net, NULL, &dev, &err), FTSA_E_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(err.msg, "unknown back end 'quantum' (this build has: cmodel"));
    ftsa_net_free(&net);
}
END_TEST

/* Every back end compiled into this build gives the reference model's output
 * for every layer it materializes, and always for the last layer. */
START_TEST(backends_match_reference)
{
    const ftsa_backend_ops_t *be = ftsa_backends()[_i];
    for (uint64_t seed = 1; seed <= 12; seed++) {
        ftsa_net_t net;
        ftsa_dev_t *dev;
        ftsa_ref_t ref;
        ftsa_err_t err;
        ck_assert_int_eq(ftsa_netgen_random(&net, seed, NULL, &err), FTSA_OK);
        ck_assert_msg(ftsa_dev_open(be->name, &net, NULL, &dev, &err) == FTSA_OK, "%s", err.msg);
        ck_assert_str_eq(ftsa_dev_backend_name(dev), be->name);
        ck_assert_int_eq(ftsa_ref_init(&ref, &net, &err), FTSA_OK);
        int8_t *in = malloc(ftsa_shape_elems(net.input));
        for (uint64_t k = 0; k < 2; k++) {
            ftsa_netgen_input(&net, seed * 7 + k, in);
            ck_assert_msg(ftsa_dev_infer(dev, in, &err) == FTSA_OK, "%s", err.msg);
            ftsa_ref_run(&ref, in);
            for (uint32_t i = 0; i < net.n_layers; i++) {
                const int8_t *got = ftsa_dev_layer_output(dev, i);
                ck_assert_msg(got || i + 1 < net.n_layers, "%s: no network output", be->name);
                if (got)
                    ck_assert_msg(!memcmp(got, ftsa_ref_output(&ref, i), ftsa_shape_elems(net.layers[i].out)),
                                  "%s: seed %llu layer %u differs", be->name,
                                  (unsigned long long)seed, i);
            }
            ck_assert_uint_eq(ftsa_dev_argmax(dev), ftsa_ref_argmax(&ref));
        }
        ck_assert_ptr_null(ftsa_dev_layer_output(dev, net.n_layers));
        free(in);
        ftsa_ref_free(&ref);
        ftsa_dev_close(dev);
        ftsa_net_free(&net);
    }
}
END_TEST

/* Faults through the driver equal the same faults applied by hand to a copy
 * of the network; clearing them restores the fault-free outputs. */
START_TEST(cmodel_faults_through_driver)
{
    ftsa_net_t net, faulty;
    ftsa_dev_t *dev;
    ftsa_ref_t ref, ref_faulty;
    ftsa_err_t err;
    ck_assert_int_eq(ftsa_netgen_lenet(&net, 3, &err), FTSA_OK);
    ftsa_tensor_region_t w = {FTSA_TENSOR_WEIGHTS, FTSA_ALL_LAYERS, 0};
    ftsa_tensor_region_t b = {FTSA_TENSOR_BIAS, FTSA_ALL_LAYERS, 0x80000000u};
    ftsa_fault_list_t list;
    ftsa_faults_init(&list);
    ck_assert_int_eq(ftsa_faults_gen_ber(&net, &w, FTSA_FAULT_FLIP, 2e-3, 1, &list, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_faults_gen_count(&net, &b, FTSA_FAULT_SA1, 3, 1, &list, &err), FTSA_OK);
    ck_assert_uint_gt(list.n, 100);
    ck_assert_int_eq(ftsa_net_clone(&net, &faulty, &err), FTSA_OK);
    ftsa_faults_apply_params(&list, &faulty);
    ck_assert_int_eq(ftsa_ref_init(&ref, &net, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_ref_init(&ref_faulty, &faulty, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_dev_open("cmodel", &net, NULL, &dev, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_dev_set_faults(dev, &list, &err), FTSA_OK);
    int8_t in[784];
    uint32_t differs = 0;
    for (uint64_t k = 0; k < 20; k++) {
        ftsa_netgen_input(&net, k, in);
        ck_assert_int_eq(ftsa_dev_infer(dev, in, &err), FTSA_OK);
        ftsa_ref_run(&ref_faulty, in);
        ftsa_ref_run(&ref, in);
        ck_assert_mem_eq(ftsa_dev_output(dev), ftsa_ref_output(&ref_faulty, net.n_layers - 1), 10);
        differs += memcmp(ftsa_dev_output(dev), ftsa_ref_output(&ref, net.n_layers - 1), 10) != 0;
    }
    ck_assert_uint_gt(differs, 0);
    ck_assert_int_eq(ftsa_dev_set_faults(dev, NULL, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_dev_infer(dev, in, &err), FTSA_OK);
    ck_assert_mem_eq(ftsa_dev_output(dev), ftsa_ref_output(&ref, net.n_layers - 1), 10);
    /* A bad list is refused and leaves the device fault-free. */
    list.v[0].index = 1u << 30;
    ck_assert_int_eq(ftsa_dev_set_faults(dev, &list, &err), FTSA_E_INVALID);
    ck_assert_int_eq(ftsa_dev_infer(dev, in, &err), FTSA_OK);
    ck_assert_mem_eq(ftsa_dev_output(dev), ftsa_ref_output(&ref, net.n_layers - 1), 10);
    ftsa_faults_free(&list);
    ftsa_dev_close(dev);
    ftsa_ref_free(&ref);
    ftsa_ref_free(&ref_faulty);
    ftsa_net_free(&faulty);
    ftsa_net_free(&net);
}
END_TEST

/* Outcome classes of single faults, checked against running each fault by hand. */
START_TEST(outcome_classes)
{
    ftsa_net_t net;
    ftsa_dev_t *dev;
    ftsa_err_t err;
    ck_assert_int_eq(ftsa_netgen_lenet(&net, 5, &err), FTSA_OK);
    ftsa_dataset_t ds = {.count = 12, .rows = 28, .cols = 28};
    ds.images = malloc(12 * 784);
    ds.labels = calloc(12, 1);
    for (uint32_t i = 0; i < 12 * 784; i++)
        ds.images[i] = (uint8_t)((i * 2654435761u) >> 24);
    ftsa_fault_list_t list;
    ftsa_faults_init(&list);
    ftsa_tensor_region_t msb = {FTSA_TENSOR_WEIGHTS, FTSA_ALL_LAYERS, 0x80};
    ck_assert_int_eq(ftsa_faults_gen_count(&net, &msb, FTSA_FAULT_FLIP, 40, 3, &list, &err), FTSA_OK);
    /* A stuck-at-1 on a sign bit that is already 1 must be masked. */
    uint32_t neg = 0;
    while (net.layers[0].weights[neg] >= 0)
        neg++;
    ftsa_fault_t stuck = {.kind = FTSA_FAULT_SA1, .space = FTSA_SPACE_TENSOR,
                          .target = FTSA_TENSOR_WEIGHTS, .layer = 0, .index = neg, .bit = 7};
    ck_assert_int_eq(ftsa_faults_add(&list, &stuck, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_dev_open("cmodel", &net, NULL, &dev, &err), FTSA_OK);
    ftsa_fault_outcome_t *o = calloc(list.n, sizeof *o);
    ck_assert_msg(ftsa_fault_outcomes(dev, &ds, 2, 10, &list, o, &err) == FTSA_OK, "%s", err.msg);
    ck_assert_int_eq(o[list.n - 1].outcome, FTSA_OUTCOME_MASKED);
    uint32_t seen[FTSA_OUTCOME_COUNT] = {0};
    ftsa_ref_t golden;
    ck_assert_int_eq(ftsa_ref_init(&golden, &net, &err), FTSA_OK);
    int8_t in[784];
    for (uint32_t f = 0; f < list.n; f++) {
        ftsa_fault_list_t one = {.v = &list.v[f], .n = 1};
        ftsa_net_t faulty;
        ftsa_ref_t ref;
        ck_assert_int_eq(ftsa_net_clone(&net, &faulty, &err), FTSA_OK);
        ftsa_faults_apply_params(&one, &faulty);
        ck_assert_int_eq(ftsa_ref_init(&ref, &faulty, &err), FTSA_OK);
        uint32_t changed = 0, top1 = 0;
        for (uint32_t i = 2; i < 12; i++) {
            ftsa_net_quantize_pixels(&net, ftsa_dataset_image(&ds, i), in);
            ftsa_ref_run(&ref, in);
            ftsa_ref_run(&golden, in);
            changed += memcmp(ftsa_ref_output(&ref, 7), ftsa_ref_output(&golden, 7), 10) != 0;
            top1 += ftsa_ref_argmax(&ref) != ftsa_ref_argmax(&golden);
        }
        ck_assert_uint_eq(o[f].images_output_changed, changed);
        ck_assert_uint_eq(o[f].images_top1_changed, top1);
        ck_assert_int_eq(o[f].outcome, top1 ? FTSA_OUTCOME_SDC : changed ? FTSA_OUTCOME_OUTPUT
                                                                         : FTSA_OUTCOME_MASKED);
        seen[o[f].outcome]++;
        ftsa_ref_free(&ref);
        ftsa_net_free(&faulty);
    }
    /* MSB flips of random weights hit every class in a sample this size. */
    ck_assert_uint_gt(seen[FTSA_OUTCOME_MASKED], 0);
    ck_assert_uint_gt(seen[FTSA_OUTCOME_OUTPUT] + seen[FTSA_OUTCOME_SDC], 0);
    /* The device is fault-free afterwards. */
    ftsa_net_quantize_pixels(&net, ftsa_dataset_image(&ds, 0), in);
    ck_assert_int_eq(ftsa_dev_infer(dev, in, &err), FTSA_OK);
    ftsa_ref_run(&golden, in);
    ck_assert_mem_eq(ftsa_dev_output(dev), ftsa_ref_output(&golden, 7), 10);
    free(o);
    ftsa_ref_free(&golden);
    ftsa_dev_close(dev);
    ftsa_faults_free(&list);
    ftsa_dataset_free(&ds);
    ftsa_net_free(&net);
}
END_TEST

/* Helper mode for the CLI test: a fixed 28x28 linear classifier in argv[2]. */
static int write_model(const char *path)
{
    ftsa_net_t net;
    ftsa_err_t err;
    ftsa_net_init(&net);
    net.input = (ftsa_shape_t){28, 28, 1};
    net.in_scale = 1.0f / 255.0f;
    net.in_zp = -128;
    ftsa_layer_t fl = {.kind = FTSA_LAYER_FLATTEN, .in = {28, 28, 1}, .out = {1, 1, 784},
                       .in_scale = net.in_scale, .out_scale = net.in_scale, .in_zp = -128,
                       .out_zp = -128};
    ftsa_layer_t fc = {.kind = FTSA_LAYER_FC, .in = {1, 1, 784}, .out = {1, 1, 10},
                       .in_scale = net.in_scale, .out_scale = 0.1f, .in_zp = -128, .out_zp = 0,
                       .act = FTSA_ACT_NONE};
    if (ftsa_net_append(&net, &fl, &err) || ftsa_layer_alloc(&fc, &err))
        return 1;
    for (uint32_t i = 0; i < 7840; i++)
        fc.weights[i] = (int8_t)((i * 2654435761u) >> 27) - 16;
    for (int c = 0; c < 10; c++) {
        fc.multiplier[c] = 1 << 30;
        fc.shift[c] = -12;
        fc.w_scale[c] = 0.01f;
    }
    if (ftsa_net_append(&net, &fc, &err) || ftsa_model_save(&net, path, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    ftsa_net_free(&net);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--write-model"))
        return write_model(argv[2]);
    Suite *s = suite_create("driver");
    TCase *tc = tcase_create("driver");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, unknown_backend);
    tcase_add_test(tc, cmodel_faults_through_driver);
    tcase_add_test(tc, outcome_classes);
    int n_backends = 0;
    while (ftsa_backends()[n_backends])
        n_backends++;
    tcase_add_loop_test(tc, backends_match_reference, 0, n_backends);
    suite_add_tcase(s, tc);
    return ftsa_check_run(s);
}
