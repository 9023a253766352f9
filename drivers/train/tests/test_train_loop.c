/* The training loop: learning on a subset, determinism, and checkpoint resume
 * repeating an uninterrupted run bit for bit. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "small_net.h"

static ftsa_dataset_t train_set;

static void setup(void)
{
    load_split(FTSA_SPLIT_TRAIN, &train_set);
}

static void teardown(void)
{
    ftsa_dataset_free(&train_set);
}

typedef struct {
    double first_batch_loss;
    double epoch_loss[8];
    double val_acc[8];
    uint32_t epochs_seen;
} record_t;

static void record(void *ctx, const ftsa_train_progress_t *p)
{
    record_t *r = ctx;
    if (p->epoch == 1 && p->batch == 1 && !p->epoch_done)
        r->first_batch_loss = p->loss;
    if (p->epoch_done && p->epoch <= 8) {
        r->epoch_loss[p->epoch - 1] = p->loss;
        r->val_acc[p->epoch - 1] = p->val_acc;
        r->epochs_seen = p->epoch;
    }
}

/* ~300 Adam steps on 3000 images: loss must fall and held-out accuracy must
 * beat chance (10%) by a wide margin. */
START_TEST(learns_a_subset)
{
    ftsa_tnet_t net;
    small_net(&net, 32);
    ftsa_train_cfg_t cfg;
    ftsa_train_defaults(&cfg);
    cfg.epochs = 3;
    cfg.batch = 32;
    cfg.train_limit = 3000;
    cfg.val_count = 1000;
    ftsa_trainer_t t;
    ftsa_err_t err = {0};
    ck_assert_msg(ftsa_trainer_init(&t, &cfg, &net, &train_set, &err) == FTSA_OK, "%s", err.msg);
    record_t r = {0};
    ck_assert_msg(ftsa_trainer_run(&t, record, &r, &err) == FTSA_OK, "%s", err.msg);
    ck_assert(ftsa_trainer_done(&t));
    ck_assert_uint_eq(r.epochs_seen, 3);
    ck_assert_uint_eq(t.step, 3 * 94);
    printf("first batch loss %.3f, epoch losses %.3f %.3f %.3f, held-out accuracy %.1f%%\n",
           r.first_batch_loss, r.epoch_loss[0], r.epoch_loss[1], r.epoch_loss[2],
           100.0 * r.val_acc[2]);
    ck_assert(r.first_batch_loss > 1.5);   /* an untrained net is near log(10) = 2.3 */
    ck_assert(r.epoch_loss[2] < r.epoch_loss[0]);
    ck_assert(r.epoch_loss[2] < 0.5 * r.first_batch_loss);
    ck_assert(r.val_acc[2] > 0.65);
    ftsa_trainer_free(&t);
    ftsa_tnet_free(&net);
}
END_TEST

/* A run of cfg for `epochs` more epochs, optionally from a checkpoint.  The
 * final parameters and optimizer state are copied to *params / *state. */
static void run(const ftsa_train_cfg_t *cfg, const char *resume_from, float **params,
                float **state, uint32_t *epoch)
{
    ftsa_tnet_t net;
    small_net(&net, cfg->batch);
    ftsa_trainer_t t;
    ftsa_err_t err = {0};
    ck_assert_msg(ftsa_trainer_init(&t, cfg, &net, &train_set, &err) == FTSA_OK, "%s", err.msg);
    if (resume_from)
        ck_assert_msg(ftsa_checkpoint_load(&t, resume_from, &err) == FTSA_OK, "%s", err.msg);
    ck_assert_msg(ftsa_trainer_run(&t, NULL, NULL, &err) == FTSA_OK, "%s", err.msg);
    size_t bytes = net.n_params * sizeof(float);
    *params = malloc(bytes);
    *state = malloc(2 * bytes);
    ck_assert(*params && *state);
    memcpy(*params, net.params, bytes);
    memcpy(*state, t.m, bytes);
    memcpy((char *)*state + bytes, t.v, bytes);
    *epoch = t.epoch;
    ftsa_trainer_free(&t);
    ftsa_tnet_free(&net);
}

static size_t small_net_params(void)
{
    ftsa_tnet_t net;
    small_net(&net, 1);
    size_t n = net.n_params;
    ftsa_tnet_free(&net);
    return n;
}

static void resume_case(ftsa_opt_kind_t opt)
{
    char path[] = "/tmp/ftsa_ckpt_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ftsa_train_cfg_t cfg;
    ftsa_train_defaults(&cfg);
    cfg.optimizer = opt;
    cfg.lr = opt == FTSA_OPT_ADAM ? 1e-3 : 2e-2;
    cfg.qat_lr = cfg.lr / 10;
    cfg.epochs = 2;
    cfg.qat_epochs = 1;
    cfg.batch = 50;
    cfg.train_limit = 600;
    cfg.val_count = 300;
    cfg.seed = 7;
    size_t bytes = small_net_params() * sizeof(float);

    float *p_full, *s_full, *p_res, *s_res, *p_tmp, *s_tmp;
    uint32_t e;
    run(&cfg, NULL, &p_full, &s_full, &e);
    ck_assert_uint_eq(e, 3);

    /* Killed after every epoch: each leg resumes the previous leg's file. */
    cfg.checkpoint = path;
    cfg.stop_after = 1;
    run(&cfg, NULL, &p_tmp, &s_tmp, &e);
    ck_assert_uint_eq(e, 1);
    ck_assert(memcmp(p_tmp, p_full, bytes) != 0); /* not finished yet */
    free(p_tmp);
    free(s_tmp);
    cfg.stop_after = 2; /* float phase done, QAT (and its calibration) still ahead */
    run(&cfg, path, &p_tmp, &s_tmp, &e);
    ck_assert_uint_eq(e, 2);
    free(p_tmp);
    free(s_tmp);
    cfg.stop_after = 0;
    run(&cfg, path, &p_res, &s_res, &e);
    ck_assert_uint_eq(e, 3);
    ck_assert_msg(memcmp(p_full, p_res, bytes) == 0, "resumed parameters differ");
    ck_assert_msg(memcmp(s_full, s_res, 2 * bytes) == 0, "resumed optimizer state differs");
    free(p_full);
    free(s_full);
    free(p_res);
    free(s_res);
    remove(path);
}

START_TEST(resume_adam_bitwise)
{
    resume_case(FTSA_OPT_ADAM);
}
END_TEST

START_TEST(resume_sgd_bitwise)
{
    resume_case(FTSA_OPT_SGD);
}
END_TEST

/* Same seed, same model; another seed, another model. */
START_TEST(seed_determines_run)
{
    ftsa_train_cfg_t cfg;
    ftsa_train_defaults(&cfg);
    cfg.epochs = 1;
    cfg.batch = 50;
    cfg.train_limit = 500;
    cfg.val_count = 100;
    size_t bytes = small_net_params() * sizeof(float);
    float *a, *sa, *b, *sb, *c, *sc;
    uint32_t e;
    run(&cfg, NULL, &a, &sa, &e);
    run(&cfg, NULL, &b, &sb, &e);
    cfg.seed = 2;
    run(&cfg, NULL, &c, &sc, &e);
    ck_assert(memcmp(a, b, bytes) == 0);
    ck_assert(memcmp(a, c, bytes) != 0);
    free(a);
    free(sa);
    free(b);
    free(sb);
    free(c);
    free(sc);
}
END_TEST

/* A checkpoint from other options, or a damaged one, is refused. */
START_TEST(checkpoint_refuses_mismatch)
{
    char path[] = "/tmp/ftsa_ckpt_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ftsa_train_cfg_t cfg;
    ftsa_train_defaults(&cfg);
    cfg.epochs = 1;
    cfg.batch = 50;
    cfg.train_limit = 100;
    cfg.val_count = 100;
    cfg.checkpoint = path;
    float *p, *s;
    uint32_t e;
    run(&cfg, NULL, &p, &s, &e);
    free(p);
    free(s);

    ftsa_tnet_t net;
    small_net(&net, 50);
    ftsa_trainer_t t;
    ftsa_err_t err = {0};
    cfg.seed = 99;
    ck_assert_int_eq(ftsa_trainer_init(&t, &cfg, &net, &train_set, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_checkpoint_load(&t, path, &err), FTSA_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.msg, "options"));
    ftsa_trainer_free(&t);

    cfg.seed = 1;
    FILE *f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    fseek(f, 200, SEEK_SET);
    int ch = fgetc(f);
    fseek(f, 200, SEEK_SET);
    fputc(ch ^ 0x40, f);
    fclose(f);
    ck_assert_int_eq(ftsa_trainer_init(&t, &cfg, &net, &train_set, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_checkpoint_load(&t, path, &err), FTSA_E_FORMAT);
    ck_assert_int_eq(ftsa_checkpoint_load(&t, "/nonexistent/ckpt", &err), FTSA_E_IO);
    ftsa_trainer_free(&t);
    ftsa_tnet_free(&net);
    remove(path);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("train_loop");
    TCase *tc = tcase_create("loop");
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, learns_a_subset);
    tcase_add_test(tc, resume_adam_bitwise);
    tcase_add_test(tc, resume_sgd_bitwise);
    tcase_add_test(tc, seed_determines_run);
    tcase_add_test(tc, checkpoint_refuses_mismatch);
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
