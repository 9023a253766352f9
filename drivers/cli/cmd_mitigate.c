/* ftsa mitigate: build a protected model (Ranger, FT-ClipAct, FitAct) from a
 * profiled one (docs/mitigations.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ftsa/campaign.h"
#include "ftsa/fitact.h"
#include "ftsa/mitigate.h"
#include "ftsa/model_file.h"
#include "ftsa/profile.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ftsa mitigate METHOD --out FILE [--model FILE] [--data DIR] [OPTIONS]\n\n"
            "Writes a copy of the model whose activations are bounded on the clip unit.\n"
            "Thresholds start from the model's activation profile (made on the held-out\n"
            "training images %u..%u when the model has none).  Weights are not changed.\n\n"
            "METHOD:\n"
            "  ranger    saturate at the per-layer profiled maximum (Ranger)\n"
            "  clipact   clip-to-zero, per-layer thresholds tuned by FT-ClipAct's interval\n"
            "            search on fault sweeps over a validation slice of the training set\n"
            "  fitact    clip-to-zero, per-neuron bounds post-trained as in FitAct\n\n"
            "  --model FILE      input model (default %s)\n"
            "  --out FILE        protected model to write\n"
            "  --data DIR        Fashion-MNIST directory\n"
            "  --seed N          seed of the fault draws / of the FitAct shuffle (default 1)\n"
            "  --images N        validation images: the search's, and the fault-free accuracy\n"
            "                    printed at the end (default 1000)\n"
            "  --first N         first validation image of the training set (default %u)\n"
            "  --quiet, -q       no progress output\n\n"
            "clipact (the sweep keys read like ftsa campaign's):\n"
            "  --iters N         N: iterations per layer (default 5)\n"
            "  --min-iters M     M: iterations before the delta test may stop (default 2)\n"
            "  --delta D         stop when the four AUCs differ by less than D (default 0.01)\n"
            "  --max-drop P      never pick a threshold losing more than P points of fault-free\n"
            "                    validation accuracy (default 1)\n"
            "  --ber LIST        BERs of the sweep (default logspace(1e-4, 1e-1, 4))\n"
            "  --trials N        trials per BER (default 3)\n"
            "  --faults KIND     flip, sa0 or sa1 (default flip)\n"
            "  --tensors T       weights, bias or act, of all layers (default weights)\n"
            "  --bits B          all, msb or a list (default all)\n"
            "  --space S         tensor (default) or sram: faults in one SRAM of the\n"
            "                    accelerator instead of a tensor\n"
            "  --memory M        with sram: weight (default), act, acc, param or thr\n"
            "  --words A-B|all   with sram: words of the memory (default all)\n"
            "  --array N         array side of the SRAM geometry (default 8)\n"
            "  --backend NAME    back end of the sweeps (default cmodel)\n"
            "  --threads N       threads of the sweeps (default: every core); same results\n\n"
            "fitact:\n"
            "  --epochs N        post-training epochs (default 2)\n"
            "  --lambda X        weight of the sum of normalized bounds (default 1e-4)\n"
            "  --lr X            Adam learning rate on normalized bounds (default 1e-3)\n"
            "  --k X             sigmoid slope on activations normalized to [0, 1] (default 20)\n"
            "  --batch N         batch size (default 64)\n"
            "  --train-images N  training images 0..N-1 (default 55000)\n"
            "  --per-channel     store the largest bound of each channel instead of each neuron\n",
            FTSA_PROFILE_FIRST, FTSA_PROFILE_FIRST + FTSA_PROFILE_COUNT - 1,
            ftsa_cli_default_model(), FTSA_PROFILE_FIRST);
}

typedef struct {
    const char *method, *model, *out, *data;
    int quiet, per_channel;
    ftsa_mit_clipact_opts_t ca;
    ftsa_camp_config_t sweep_cfg; /* the sweep keys, parsed as campaign keys */
    ftsa_fitact_cfg_t fa;
} opts_t;

static int sweep_key(opts_t *o, const char *key, const char *v)
{
    ftsa_err_t err = {0};
    if (ftsa_camp_config_set_flag(&o->sweep_cfg, key, v, &err)) {
        ftsa_cli_error("mitigate", "%s", err.msg);
        return -1;
    }
    return 0;
}

/* One option with its value v; returns -1 on a bad value, 1 if name is unknown. */
static int set_opt(opts_t *o, const char *name, const char *v)
{
    const char *c = "mitigate";
    if (!strcmp(name, "model")) o->model = v;
    else if (!strcmp(name, "out")) o->out = v;
    else if (!strcmp(name, "data")) o->data = v;
    else if (!strcmp(name, "seed")) {
        if (ftsa_cli_u64(c, "--seed", v, &o->fa.seed) || sweep_key(o, "seed", v))
            return -1;
    } else if (!strcmp(name, "iters")) return ftsa_cli_u32(c, "--iters", v, 1, 100, &o->ca.max_iters);
    else if (!strcmp(name, "min-iters")) return ftsa_cli_u32(c, "--min-iters", v, 1, 100, &o->ca.min_iters);
    else if (!strcmp(name, "delta")) return ftsa_cli_double(c, "--delta", v, &o->ca.delta);
    else if (!strcmp(name, "max-drop")) return ftsa_cli_double(c, "--max-drop", v, &o->ca.max_drop);
    else if (!strcmp(name, "ber") || !strcmp(name, "trials") || !strcmp(name, "images") ||
             !strcmp(name, "first") || !strcmp(name, "faults") || !strcmp(name, "tensors") ||
             !strcmp(name, "bits") || !strcmp(name, "backend") || !strcmp(name, "space") ||
             !strcmp(name, "memory") || !strcmp(name, "words") || !strcmp(name, "array"))
        return sweep_key(o, name, v);
    else if (!strcmp(name, "threads"))
        return ftsa_cli_u32(c, "--threads", v, 1, 1024, &o->sweep_cfg.threads);
    else if (!strcmp(name, "epochs")) return ftsa_cli_u32(c, "--epochs", v, 1, 1000, &o->fa.epochs);
    else if (!strcmp(name, "lambda")) return ftsa_cli_double(c, "--lambda", v, &o->fa.lambda);
    else if (!strcmp(name, "lr")) return ftsa_cli_double(c, "--lr", v, &o->fa.lr);
    else if (!strcmp(name, "k")) return ftsa_cli_double(c, "--k", v, &o->fa.k);
    else if (!strcmp(name, "batch")) return ftsa_cli_u32(c, "--batch", v, 1, 4096, &o->fa.batch);
    else if (!strcmp(name, "train-images"))
        return ftsa_cli_u32(c, "--train-images", v, 1, 60000, &o->fa.images);
    else
        return 1;
    return 0;
}

static void defaults(opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->model = ftsa_cli_default_model();
    ftsa_mit_clipact_defaults(&o->ca);
    ftsa_fitact_defaults(&o->fa);
    ftsa_camp_config_defaults(&o->sweep_cfg);
    const ftsa_mit_sweep_t *d = &o->ca.sweep;
    ftsa_err_t err = {0};
    ftsa_camp_config_set(&o->sweep_cfg, "ber", "logspace(1e-4, 1e-1, 4)", "default", &err);
    o->sweep_cfg.trials = d->trials;
    o->sweep_cfg.images = d->images;
    o->sweep_cfg.first = d->first;
}

/* Returns an exit code, or -1 to go on. */
static int parse(int argc, char **argv, opts_t *o)
{
    defaults(o);
    enum { OPT_VALUE = 256 };
    static const struct option opts[] = {
        {"model", required_argument, 0, OPT_VALUE},     {"out", required_argument, 0, OPT_VALUE},
        {"data", required_argument, 0, OPT_VALUE},      {"seed", required_argument, 0, OPT_VALUE},
        {"images", required_argument, 0, OPT_VALUE},    {"first", required_argument, 0, OPT_VALUE},
        {"iters", required_argument, 0, OPT_VALUE},     {"min-iters", required_argument, 0, OPT_VALUE},
        {"delta", required_argument, 0, OPT_VALUE},     {"max-drop", required_argument, 0, OPT_VALUE},
        {"ber", required_argument, 0, OPT_VALUE},       {"trials", required_argument, 0, OPT_VALUE},
        {"faults", required_argument, 0, OPT_VALUE},    {"tensors", required_argument, 0, OPT_VALUE},
        {"bits", required_argument, 0, OPT_VALUE},      {"space", required_argument, 0, OPT_VALUE},
        {"memory", required_argument, 0, OPT_VALUE},    {"words", required_argument, 0, OPT_VALUE},
        {"array", required_argument, 0, OPT_VALUE},     {"backend", required_argument, 0, OPT_VALUE},
        {"epochs", required_argument, 0, OPT_VALUE},    {"lambda", required_argument, 0, OPT_VALUE},
        {"lr", required_argument, 0, OPT_VALUE},        {"k", required_argument, 0, OPT_VALUE},
        {"batch", required_argument, 0, OPT_VALUE},     {"train-images", required_argument, 0, OPT_VALUE},
        {"threads", required_argument, 0, OPT_VALUE},
        {"quiet", no_argument, 0, 'q'},                 {"per-channel", no_argument, 0, 'p'},
        {"help", no_argument, 0, 'h'},                  {0, 0, 0, 0},
    };
    int c, li = 0;
    optind = 0;
    while ((c = ftsa_cli_getopt("mitigate", argc, argv, "hq", opts, &li)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return FTSA_EXIT_OK;
        case 'q': o->quiet = 1; break;
        case 'p': o->per_channel = 1; break;
        case OPT_VALUE:
            if (set_opt(o, opts[li].name, optarg))
                return FTSA_EXIT_USAGE;
            break;
        default: return FTSA_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        ftsa_cli_error("mitigate", "a METHOD is required: ranger, clipact or fitact");
        return FTSA_EXIT_USAGE;
    }
    if (argc - optind > 1) {
        ftsa_cli_error("mitigate", "unexpected argument '%s'", argv[optind + 1]);
        return FTSA_EXIT_USAGE;
    }
    o->method = argv[optind];
    if (strcmp(o->method, "ranger") && strcmp(o->method, "clipact") && strcmp(o->method, "fitact")) {
        ftsa_cli_error("mitigate", "unknown method '%s' (ranger, clipact, fitact)", o->method);
        return FTSA_EXIT_USAGE;
    }
    if (!o->out) {
        ftsa_cli_error("mitigate", "--out FILE is required");
        return FTSA_EXIT_USAGE;
    }
    if (ftsa_cli_backend("mitigate", o->sweep_cfg.backend))
        return FTSA_EXIT_USAGE;
    if (ftsa_cli_check_output("mitigate", "--out", o->out))
        return FTSA_EXIT_FAIL;
    ftsa_err_t err = {0};
    if (ftsa_mit_sweep_from_camp(&o->sweep_cfg, &o->ca.sweep, &err)) {
        ftsa_cli_error("mitigate", "%s", err.msg);
        return FTSA_EXIT_USAGE;
    }
    return -1;
}

static void log_candidate(void *ctx, uint32_t layer, uint32_t iter, int8_t thr,
                          const ftsa_mit_sweep_result_t *r)
{
    const opts_t *o = ctx;
    if (o->quiet)
        return;
    fprintf(stderr, "clipact: layer %u iteration %u threshold %4d: fault-free %.2f%%, AUC %.4f\n",
            layer, iter + 1, thr, r->base_acc, r->auc);
}

static void log_fitact(void *ctx, const ftsa_fitact_progress_t *p)
{
    const opts_t *o = ctx;
    if (o->quiet || (p->batch != p->batches && p->batch % 200))
        return;
    fprintf(stderr, "fitact: epoch %u/%u batch %u/%u loss %.4f acc %.2f%% mean bound %.3f\n",
            p->epoch, p->epochs, p->batch, p->batches, p->loss, 100.0 * p->acc, p->mean_bound);
}

static ftsa_status_t run_fitact(const opts_t *o, ftsa_net_t *net, const ftsa_dataset_t *ds,
                                ftsa_err_t *err)
{
    int8_t **thr = calloc(net->n_layers, sizeof *thr);
    if (!thr)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    ftsa_status_t st = ftsa_fitact_train(net, ds, &o->fa, thr, log_fitact, (void *)o, err);
    if (!st)
        st = ftsa_mit_apply_neuron_thresholds(net, thr,
                                              o->per_channel ? FTSA_THR_CHANNEL : FTSA_THR_NEURON, err);
    for (uint32_t i = 0; i < net->n_layers; i++)
        free(thr[i]);
    free(thr);
    return st;
}

static void print_thresholds(const ftsa_net_t *net)
{
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const ftsa_layer_t *l = &net->layers[i];
        if (!ftsa_mit_protectable(l))
            continue;
        printf("  layer %u: %s, %s thresholds (%u), zero point %d, first %d\n", i,
               ftsa_act_mode_name(l->act), ftsa_thr_source_name(l->thr_src),
               ftsa_layer_thr_count(l), l->out_zp, l->thr ? l->thr[0] : 0);
    }
}

int ftsa_cmd_mitigate(int argc, char **argv)
{
    opts_t o;
    int rc = parse(argc, argv, &o);
    if (rc >= 0)
        return rc;
    ftsa_err_t err = {0};
    ftsa_net_t net;
    ftsa_dataset_t ds = {0};
    if (ftsa_model_load(o.model, &net, &err)) {
        ftsa_cli_error("mitigate", "%s", err.msg);
        return FTSA_EXIT_FAIL;
    }
    double t0 = ftsa_cli_now();
    ftsa_status_t st = ftsa_dataset_load(o.data, FTSA_SPLIT_TRAIN, &ds, &err);
    if (!st && !net.prof_images)
        st = ftsa_profile_dataset(&net, &ds, FTSA_PROFILE_FIRST, FTSA_PROFILE_COUNT, &err);
    o.ca.sweep.ds = &ds;
    if (!st)
        st = !strcmp(o.method, "ranger")    ? ftsa_mit_ranger(&net, &err)
             : !strcmp(o.method, "clipact") ? ftsa_mit_clipact(&net, &o.ca, log_candidate, &o, &err)
                                            : run_fitact(&o, &net, &ds, &err);
    if (!st)
        st = ftsa_net_validate(&net, &err);
    double acc = 0.0;
    if (!st)
        st = ftsa_mit_sweep_base(&o.ca.sweep, &net, &acc, &err);
    if (!st)
        st = ftsa_model_save(&net, o.out, &err);
    if (st) {
        ftsa_cli_error("mitigate", "%s", err.msg);
        rc = st == FTSA_E_INVALID ? FTSA_EXIT_USAGE : FTSA_EXIT_FAIL;
    } else {
        printf("%s: %s -> %s in %.1f s; %llu threshold bytes; fault-free accuracy %.2f%% on "
               "training images %u..%u (held out)\n",
               o.method, o.model, o.out, ftsa_cli_now() - t0,
               (unsigned long long)ftsa_mit_thr_bytes(&net), acc, o.ca.sweep.first,
               o.ca.sweep.first + o.ca.sweep.images - 1);
        print_thresholds(&net);
        rc = FTSA_EXIT_OK;
    }
    ftsa_dataset_free(&ds);
    ftsa_net_free(&net);
    return rc;
}
