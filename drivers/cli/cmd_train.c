/* ftsa train: train a model-zoo network on Fashion-MNIST and write it as an
 * int8 .ftsa model. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ftsa/dataset.h"
#include "ftsa/model_file.h"
#include "ftsa/train.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ftsa train [--arch NAME] [--epochs N] [--batch N] [--optimizer sgd|adam]\n"
            "                  [--lr X] [--schedule cosine|step|const] [--seed N]\n"
            "                  [--qat-epochs N] [--qat-lr X] [--weight-bits N]\n"
            "                  [--checkpoint FILE] [--resume] [--out FILE] [...]\n\n"
            "Trains in float32 on the Fashion-MNIST training set minus a held-out tail,\n"
            "calibrates activation ranges on the held-out images, optionally fine-tunes\n"
            "with fake quantization (QAT), and writes the int8 model.  Prints float and\n"
            "int8 test accuracy.  The same options and seed give the same model.\n\n"
            "  --arch NAME        %s (default lenet5)\n"
            "  --epochs N         float epochs (default 10)\n"
            "  --batch N          mini-batch size, 1..4096 (default 64)\n"
            "  --optimizer NAME   sgd (with momentum) or adam (default adam)\n"
            "  --lr X             peak learning rate (default 1e-3)\n"
            "  --momentum X       SGD momentum (default 0.9)\n"
            "  --weight-decay X   L2 weight decay on weights (default 0)\n"
            "  --schedule NAME    cosine (to 0 over each phase), step (x0.1 at 50%% and\n"
            "                     75%%) or const (default cosine)\n"
            "  --seed N           seed for initialisation and shuffling (default 1)\n"
            "  --qat-epochs N     quantization-aware epochs after the float ones (default 0)\n"
            "  --qat-lr X         peak learning rate of the QAT phase (default 1e-4)\n"
            "  --weight-bits N    weight bit width, 2..8 (default 8)\n"
            "  --val N            training images held out at the end of the set for\n"
            "                     validation and calibration (default 5000)\n"
            "  --calib N          held-out images used for calibration (default all)\n"
            "  --limit N          train on the first N images only (default all)\n"
            "  --checkpoint FILE  save the run after every epoch (atomically)\n"
            "  --resume           continue from --checkpoint if it exists\n"
            "  --stop-after N     stop once N epochs are done (resume later)\n"
            "  --out FILE         output model (default ARCH.ftsa)\n"
            "  --data DIR         Fashion-MNIST directory (default $FTSA_DATA_DIR or %s)\n",
            ftsa_tnet_arch_names(), FTSA_FMNIST_DIR);
}

typedef struct {
    const char *arch, *out, *data;
    int resume;
    ftsa_train_cfg_t cfg;
} options_t;

static int parse_choice(const char *opt, const char *text, const char *const *names, int n,
                        int *out)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(text, names[i])) {
            *out = i;
            return 0;
        }
    ftsa_cli_error("train", "%s: unknown value '%s'", opt, text);
    return -1;
}

static int parse_rate(const char *opt, const char *text, double *out)
{
    if (ftsa_cli_double("train", opt, text, out))
        return -1;
    if (!(*out > 0.0 && *out < 10.0)) {
        ftsa_cli_error("train", "%s: %s is outside (0, 10)", opt, text);
        return -1;
    }
    return 0;
}

static int parse_options(int argc, char **argv, options_t *o)
{
    static const struct option opts[] = {
        {"arch", required_argument, 0, 'a'},       {"epochs", required_argument, 0, 'e'},
        {"batch", required_argument, 0, 'b'},      {"optimizer", required_argument, 0, 'O'},
        {"lr", required_argument, 0, 'l'},         {"momentum", required_argument, 0, 'M'},
        {"weight-decay", required_argument, 0, 'w'}, {"schedule", required_argument, 0, 'S'},
        {"seed", required_argument, 0, 's'},       {"qat-epochs", required_argument, 0, 'q'},
        {"qat-lr", required_argument, 0, 'Q'},     {"weight-bits", required_argument, 0, 'B'},
        {"val", required_argument, 0, 'v'},        {"calib", required_argument, 0, 'C'},
        {"limit", required_argument, 0, 'L'},      {"checkpoint", required_argument, 0, 'c'},
        {"resume", no_argument, 0, 'r'},           {"stop-after", required_argument, 0, 'T'},
        {"out", required_argument, 0, 'o'},        {"data", required_argument, 0, 'd'},
        {"help", no_argument, 0, 'h'},             {0, 0, 0, 0},
    };
    static const char *const optimizers[] = {"sgd", "adam"};
    static const char *const schedules[] = {"const", "cosine", "step"};
    ftsa_train_cfg_t *cfg = &o->cfg;
    int c, choice, bad = 0;
    optind = 0;
    while (!bad && (c = ftsa_cli_getopt("train", argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'a': o->arch = optarg; break;
        case 'e': bad = ftsa_cli_u32("train", "--epochs", optarg, 0, 10000, &cfg->epochs); break;
        case 'b': bad = ftsa_cli_u32("train", "--batch", optarg, 1, 4096, &cfg->batch); break;
        case 'O':
            bad = parse_choice("--optimizer", optarg, optimizers, 2, &choice);
            cfg->optimizer = (ftsa_opt_kind_t)choice;
            break;
        case 'l': bad = parse_rate("--lr", optarg, &cfg->lr); break;
        case 'M':
            bad = ftsa_cli_double("train", "--momentum", optarg, &cfg->momentum);
            if (!bad && !(cfg->momentum >= 0.0 && cfg->momentum < 1.0)) {
                ftsa_cli_error("train", "--momentum: %s is outside [0, 1)", optarg);
                bad = 1;
            }
            break;
        case 'w':
            bad = ftsa_cli_double("train", "--weight-decay", optarg, &cfg->weight_decay);
            if (!bad && !(cfg->weight_decay >= 0.0 && cfg->weight_decay < 1.0)) {
                ftsa_cli_error("train", "--weight-decay: %s is outside [0, 1)", optarg);
                bad = 1;
            }
            break;
        case 'S':
            bad = parse_choice("--schedule", optarg, schedules, 3, &choice);
            cfg->schedule = (ftsa_sched_t)choice;
            break;
        case 's': bad = ftsa_cli_u64("train", "--seed", optarg, &cfg->seed); break;
        case 'q': bad = ftsa_cli_u32("train", "--qat-epochs", optarg, 0, 10000, &cfg->qat_epochs); break;
        case 'Q': bad = parse_rate("--qat-lr", optarg, &cfg->qat_lr); break;
        case 'B': bad = ftsa_cli_u32("train", "--weight-bits", optarg, 2, 8, &cfg->weight_bits); break;
        case 'v': bad = ftsa_cli_u32("train", "--val", optarg, 1, 59999, &cfg->val_count); break;
        case 'C': bad = ftsa_cli_u32("train", "--calib", optarg, 1, 59999, &cfg->calib_count); break;
        case 'L': bad = ftsa_cli_u32("train", "--limit", optarg, 1, 60000, &cfg->train_limit); break;
        case 'c': cfg->checkpoint = optarg; break;
        case 'r': o->resume = 1; break;
        case 'T': bad = ftsa_cli_u32("train", "--stop-after", optarg, 1, 20000, &cfg->stop_after); break;
        case 'o': o->out = optarg; break;
        case 'd': o->data = optarg; break;
        case 'h': usage(stdout); return 1;
        default: return -1;
        }
    }
    if (bad)
        return -1;
    if (optind < argc) {
        ftsa_cli_error("train", "unexpected argument '%s'", argv[optind]);
        return -1;
    }
    if (cfg->epochs + cfg->qat_epochs == 0) {
        ftsa_cli_error("train", "--epochs and --qat-epochs are both 0: nothing to train");
        return -1;
    }
    ftsa_tnet_t probe;
    ftsa_err_t err = {0};
    if (ftsa_tnet_build_arch(&probe, o->arch, 1, &err)) {
        ftsa_cli_error("train", "--arch: %s", err.msg);
        return -1;
    }
    ftsa_tnet_free(&probe);
    if (o->resume && !cfg->checkpoint) {
        ftsa_cli_error("train", "--resume needs --checkpoint FILE");
        return -1;
    }
    return 0;
}

typedef struct {
    int tty;
    double last;
} progress_ctx_t;

static void fmt_time(double s, char *buf, size_t n)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, n, "%ldh%02ldm", t / 3600, t / 60 % 60);
    else
        snprintf(buf, n, "%ldm%02lds", t / 60, t % 60);
}

static void progress(void *vctx, const ftsa_train_progress_t *p)
{
    progress_ctx_t *ctx = vctx;
    char eta[32];
    fmt_time(p->eta_secs, eta, sizeof eta);
    if (p->epoch_done) {
        printf("%sepoch %3u/%u %-5s loss %.4f acc %6.2f%% val %6.2f%% lr %.2e %6.1f s eta %s%s\n",
               ctx->tty ? "\r" : "", p->epoch, p->epochs, p->qat ? "qat" : "float", p->loss,
               100.0 * p->acc, 100.0 * p->val_acc, p->lr, p->epoch_secs, eta,
               ctx->tty ? "\033[K" : "");
        fflush(stdout);
        return;
    }
    double t = ftsa_cli_now();
    if (!ctx->tty || t - ctx->last < 0.25)
        return;
    ctx->last = t;
    printf("\repoch %3u/%u %-5s batch %u/%u loss %.4f acc %6.2f%% eta %s\033[K", p->epoch,
           p->epochs, p->qat ? "qat" : "float", p->batch, p->batches, p->loss, 100.0 * p->acc, eta);
    fflush(stdout);
}

/* Calibrate (unless QAT already did), export, report accuracies, save. */
static int finish(const options_t *o, ftsa_trainer_t *t, const ftsa_dataset_t *test)
{
    ftsa_err_t err = {0};
    ftsa_tnet_t *net = t->net;
    const ftsa_train_cfg_t *cfg = &t->cfg;
    if (!t->calibrated) {
        uint32_t n = cfg->calib_count && cfg->calib_count < cfg->val_count ? cfg->calib_count
                                                                           : cfg->val_count;
        if (ftsa_tnet_calibrate(net, t->data, t->val_first, n, &err)) {
            ftsa_cli_error("train", "calibration: %s", err.msg);
            return FTSA_EXIT_FAIL;
        }
    }
    double float_acc;
    ftsa_net_t qnet;
    if (ftsa_tnet_accuracy(net, test, 0, test->count, &float_acc, &err) ||
        ftsa_tnet_export(net, cfg->weight_bits, o->arch, &qnet, &err)) {
        ftsa_cli_error("train", "%s", err.msg);
        return FTSA_EXIT_FAIL;
    }
    int rc = FTSA_EXIT_FAIL;
    double int8_acc;
    if (ftsa_qnet_accuracy(&qnet, test, 0, test->count, &int8_acc, &err) ||
        ftsa_model_save(&qnet, o->out, &err)) {
        ftsa_cli_error("train", "%s", err.msg);
        goto out;
    }
    printf("test accuracy: float%s %.2f%%, int8 (w%u/a8) %.2f%% on %u images\n",
           cfg->qat_epochs ? " (fake-quant)" : "", 100.0 * float_acc, cfg->weight_bits,
           100.0 * int8_acc, test->count);
    printf("wrote %s\n", o->out);
    rc = FTSA_EXIT_OK;
out:
    ftsa_net_free(&qnet);
    return rc;
}

static int train(options_t *o)
{
    ftsa_err_t err = {0};
    ftsa_dataset_t train_set, test_set;
    ftsa_tnet_t net;
    ftsa_trainer_t t;
    int rc = FTSA_EXIT_FAIL;
    double t0 = ftsa_cli_now();
    if (ftsa_dataset_load(o->data, FTSA_SPLIT_TRAIN, &train_set, &err)) {
        ftsa_cli_error("train", "%s", err.msg);
        return FTSA_EXIT_FAIL;
    }
    if (ftsa_dataset_load(o->data, FTSA_SPLIT_TEST, &test_set, &err)) {
        ftsa_cli_error("train", "%s", err.msg);
        goto out_train;
    }
    if (ftsa_tnet_build_arch(&net, o->arch, o->cfg.batch, &err)) {
        ftsa_cli_error("train", "%s", err.msg);
        goto out_test;
    }
    if (ftsa_trainer_init(&t, &o->cfg, &net, &train_set, &err)) {
        ftsa_cli_error("train", "%s", err.msg);
        rc = err.status == FTSA_E_INVALID ? FTSA_EXIT_USAGE : FTSA_EXIT_FAIL;
        goto out_net;
    }
    if (o->resume && access(o->cfg.checkpoint, F_OK) == 0) {
        if (ftsa_checkpoint_load(&t, o->cfg.checkpoint, &err)) {
            ftsa_cli_error("train", "%s", err.msg);
            goto out_trainer;
        }
        printf("resumed from %s after epoch %u\n", o->cfg.checkpoint, t.epoch);
    } else if (o->resume) {
        printf("no checkpoint at %s yet: starting from scratch\n", o->cfg.checkpoint);
    }
    printf("training %s (%zu parameters) on %u images, %u held out; %u+%u epochs, batch %u, "
           "%s, seed %llu\n",
           o->arch, net.n_params, t.n_train, o->cfg.val_count, o->cfg.epochs, o->cfg.qat_epochs,
           o->cfg.batch, o->cfg.optimizer == FTSA_OPT_ADAM ? "adam" : "sgd",
           (unsigned long long)o->cfg.seed);
    progress_ctx_t pctx = {.tty = isatty(STDOUT_FILENO)};
    if (ftsa_trainer_run(&t, progress, &pctx, &err)) {
        ftsa_cli_error("train", "%s", err.msg);
        goto out_trainer;
    }
    if (!ftsa_trainer_done(&t)) {
        printf("stopped after epoch %u; continue with --resume\n", t.epoch);
        rc = FTSA_EXIT_OK;
        goto out_trainer;
    }
    rc = finish(o, &t, &test_set);
    if (rc == FTSA_EXIT_OK)
        printf("wall time %.1f s\n", ftsa_cli_now() - t0);
out_trainer:
    ftsa_trainer_free(&t);
out_net:
    ftsa_tnet_free(&net);
out_test:
    ftsa_dataset_free(&test_set);
out_train:
    ftsa_dataset_free(&train_set);
    return rc;
}

int ftsa_cmd_train(int argc, char **argv)
{
    options_t o = {.arch = "lenet5"};
    ftsa_train_defaults(&o.cfg);
    int r = parse_options(argc, argv, &o);
    if (r)
        return r > 0 ? FTSA_EXIT_OK : FTSA_EXIT_USAGE;
    char out_default[64];
    if (!o.out) {
        snprintf(out_default, sizeof out_default, "%s.ftsa", o.arch);
        o.out = out_default;
    }
    /* Before hours of training, not after. */
    if (ftsa_cli_check_output("train", "--out", o.out) ||
        (o.cfg.checkpoint && ftsa_cli_check_output("train", "--checkpoint", o.cfg.checkpoint)))
        return FTSA_EXIT_FAIL;
    return train(&o);
}
