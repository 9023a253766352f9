/* Quantization: calibration and export give an int8 model that the reference
 * model runs with the float model's accuracy; QAT's fake-quant forward predicts
 * what the int8 model predicts; 4-bit weights stay in their range. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftsa/model_file.h"
#include "ftsa/ref.h"
#include "small_net.h"

static ftsa_dataset_t train_set, test_set;

static void setup(void)
{
    load_split(FTSA_SPLIT_TRAIN, &train_set);
    load_split(FTSA_SPLIT_TEST, &test_set);
}

static void teardown(void)
{
    ftsa_dataset_free(&train_set);
    ftsa_dataset_free(&test_set);
}

#define TEST_IMAGES 2000u

static void train_small(ftsa_tnet_t *net, ftsa_trainer_t *t, uint32_t qat_epochs,
                        uint32_t weight_bits)
{
    ftsa_train_cfg_t cfg;
    ftsa_train_defaults(&cfg);
    cfg.epochs = 3;
    cfg.qat_epochs = qat_epochs;
    cfg.qat_lr = 3e-4;
    cfg.weight_bits = weight_bits;
    cfg.batch = 32;
    cfg.train_limit = 4000;
    cfg.val_count = 1000;
    small_net(net, 32);
    ftsa_err_t err = {0};
    ck_assert_msg(ftsa_trainer_init(t, &cfg, net, &train_set, &err) == FTSA_OK, "%s", err.msg);
    ck_assert_msg(ftsa_trainer_run(t, NULL, NULL, &err) == FTSA_OK, "%s", err.msg);
    if (!t->calibrated)
        ck_assert_msg(ftsa_tnet_calibrate(net, &train_set, t->val_first, 1000, &err) == FTSA_OK,
                      "%s", err.msg);
}

static void export_ok(const ftsa_tnet_t *net, uint32_t bits, ftsa_net_t *q)
{
    ftsa_err_t err = {0};
    ck_assert_msg(ftsa_tnet_export(net, bits, "small", q, &err) == FTSA_OK, "%s", err.msg);
}

START_TEST(int8_matches_float_accuracy)
{
    ftsa_tnet_t net;
    ftsa_trainer_t t;
    train_small(&net, &t, 0, 8);
    ftsa_net_t q;
    export_ok(&net, 8, &q);
    /* Structure: conv+ReLU fused, pool, flatten, fc+ReLU, fc; input p - 128. */
    ck_assert_uint_eq(q.n_layers, 5);
    ck_assert_int_eq(q.layers[0].kind, FTSA_LAYER_CONV2D);
    ck_assert_int_eq(q.layers[0].act, FTSA_ACT_RELU);
    ck_assert_int_eq(q.layers[0].out_zp, -128);
    ck_assert_int_eq(q.layers[4].act, FTSA_ACT_NONE);
    ck_assert_int_eq(q.in_zp, -128);

    double fa, qa;
    ftsa_err_t err = {0};
    ck_assert_int_eq(ftsa_tnet_accuracy(&net, &test_set, 0, TEST_IMAGES, &fa, &err), FTSA_OK);
    ck_assert_msg(ftsa_qnet_accuracy(&q, &test_set, 0, TEST_IMAGES, &qa, &err) == FTSA_OK, "%s",
                  err.msg);
    printf("float %.2f%%, int8 %.2f%% on %u test images\n", 100 * fa, 100 * qa, TEST_IMAGES);
    ck_assert(fa > 0.7);
    ck_assert_msg(fabs(fa - qa) <= 0.015, "int8 %.4f vs float %.4f", qa, fa);

    /* The file round trip keeps the model. */
    uint8_t *buf;
    size_t len;
    ftsa_net_t back;
    ck_assert_int_eq(ftsa_model_encode(&q, &buf, &len, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_model_decode(buf, len, &back, &err), FTSA_OK);
    double qb;
    ck_assert_int_eq(ftsa_qnet_accuracy(&back, &test_set, 0, TEST_IMAGES, &qb, &err), FTSA_OK);
    ck_assert(qb == qa);
    free(buf);
    ftsa_net_free(&back);
    ftsa_net_free(&q);
    ftsa_trainer_free(&t);
    ftsa_tnet_free(&net);
}
END_TEST

/* After QAT the fake-quant float forward and the integer model should agree
 * on (almost) every prediction: same weights, same activation grids. */
static double agreement(ftsa_tnet_t *net, const ftsa_net_t *q, uint32_t count)
{
    ftsa_ref_t ref;
    ck_assert_int_eq(ftsa_ref_init(&ref, q, NULL), FTSA_OK);
    float *x = malloc(784 * sizeof *x);
    int8_t *in = malloc(784);
    ck_assert(x && in);
    net->qat = 1;
    ftsa_tnet_fake_quant_weights(net);
    uint32_t same = 0;
    for (uint32_t i = 0; i < count; i++) {
        ftsa_tnet_pixels_to_input(ftsa_dataset_image(&test_set, i), 784, x);
        const float *z = ftsa_tnet_forward(net, x, 1);
        uint32_t best = 0;
        for (uint32_t c = 1; c < 10; c++)
            if (z[c] > z[best])
                best = c;
        ftsa_net_quantize_pixels(q, ftsa_dataset_image(&test_set, i), in);
        ftsa_ref_run(&ref, in);
        same += ftsa_ref_argmax(&ref) == best;
    }
    free(x);
    free(in);
    ftsa_ref_free(&ref);
    return (double)same / count;
}

START_TEST(qat_forward_predicts_int8)
{
    ftsa_tnet_t net;
    ftsa_trainer_t t;
    train_small(&net, &t, 1, 8);
    ck_assert(t.calibrated);
    ftsa_net_t q;
    export_ok(&net, 8, &q);
    double agree = agreement(&net, &q, 1000);
    printf("QAT fake-quant and int8 predictions agree on %.1f%%\n", 100 * agree);
    ck_assert(agree >= 0.98);
    ftsa_net_free(&q);
    ftsa_trainer_free(&t);
    ftsa_tnet_free(&net);
}
END_TEST

START_TEST(four_bit_weights)
{
    ftsa_tnet_t net;
    ftsa_trainer_t t;
    train_small(&net, &t, 1, 4);
    ftsa_net_t q;
    export_ok(&net, 4, &q);
    for (uint32_t i = 0; i < q.n_layers; i++) {
        const ftsa_layer_t *l = &q.layers[i];
        int hit_max = 0;
        for (uint32_t j = 0; j < ftsa_layer_weight_count(l); j++) {
            ck_assert_int_le(abs(l->weights[j]), 7);
            hit_max |= abs(l->weights[j]) == 7;
        }
        ck_assert(hit_max || !ftsa_layer_has_weights(l));
    }
    double qa;
    ck_assert_int_eq(ftsa_qnet_accuracy(&q, &test_set, 0, TEST_IMAGES, &qa, NULL), FTSA_OK);
    printf("4-bit weights after QAT: int8-activation accuracy %.2f%%\n", 100 * qa);
    ck_assert(qa > 0.65);
    ck_assert(agreement(&net, &q, 500) >= 0.97);
    ftsa_net_free(&q);
    ftsa_trainer_free(&t);
    ftsa_tnet_free(&net);
}
END_TEST

START_TEST(export_needs_calibration)
{
    ftsa_tnet_t net;
    small_net(&net, 4);
    ftsa_net_t q;
    ftsa_err_t err = {0};
    ck_assert_int_eq(ftsa_tnet_export(&net, 8, "x", &q, &err), FTSA_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.msg, "calibrated"));
    ftsa_tnet_free(&net);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("train_quant");
    TCase *tc = tcase_create("quant");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, int8_matches_float_accuracy);
    tcase_add_test(tc, qat_forward_predicts_int8);
    tcase_add_test(tc, four_bit_weights);
    tcase_add_test(tc, export_needs_calibration);
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
