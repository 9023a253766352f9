/* ftsa eval: accuracy and speed of a model on the Fashion-MNIST test set. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ftsa/dataset.h"
#include "ftsa/driver.h"
#include "ftsa/model_file.h"

enum { EVAL_FIRST_CHUNK = 16 }; /* images before the speed is known */

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ftsa eval [--model FILE] [--images N] [--backend NAME] [--array N]\n"
            "                 [--data DIR] [--layers] [--trace FILE] [--threads N] [--json] [-q|-v]\n\n"
            "Runs the model on the first N Fashion-MNIST test images and prints top-1\n"
            "accuracy and inferences per second.\n\n"
            "  --model FILE    .ftsa model (default %s)\n"
            "  --images N      number of test images, 1..10000 (default 10000)\n"
            "  --backend NAME  back end:",
            ftsa_cli_default_model());
    for (const ftsa_backend_ops_t *const *b = ftsa_backends(); *b; b++)
        fprintf(out, " %s", (*b)->name);
    fprintf(out, " (default cmodel)\n"
                 "  --array N       systolic array side for hardware back ends (default 8)\n"
                 "  --data DIR      Fashion-MNIST directory (default $FTSA_DATA_DIR or %s)\n"
                 "  --layers        print per-layer cycles and array utilization\n"
                 "  --trace FILE    write a waveform (RTL back ends)\n"
                 "  --threads N     threads (C model; default: every core); same results\n"
                 "  --json          print the results as one JSON object\n"
                 "  -q, --quiet     no progress on stderr\n"
                 "  -v, --verbose   progress from the start (by default after 2 s)\n",
            FTSA_FMNIST_DIR);
}

static double layer_util(const ftsa_layer_t *l, const ftsa_layer_stats_t *s, uint32_t array_n)
{
    return s->cycles ? (double)ftsa_layer_macs(l) / ((double)array_n * array_n * (double)s->cycles)
                     : 0.0;
}

static void print_json(const char *model, const ftsa_net_t *net, const char *backend,
                       uint32_t images, uint32_t correct, double secs, const ftsa_dev_t *dev,
                       int layers, uint32_t array_n)
{
    printf("{\"command\": \"eval\", \"model\": ");
    ftsa_cli_json_str(stdout, model);
    printf(", \"network\": ");
    ftsa_cli_json_str(stdout, net->name);
    printf(", \"backend\": ");
    ftsa_cli_json_str(stdout, backend);
    printf(", \"images\": %u, \"correct\": %u, \"accuracy\": ", images, correct);
    ftsa_cli_json_num(stdout, (double)correct / images);
    printf(", \"seconds\": %.6f, \"inferences_per_s\": ", secs);
    ftsa_cli_json_num(stdout, images / (secs > 0 ? secs : 1e-9));
    if (layers) {
        printf(", \"layers\": [");
        for (uint32_t i = 0; i < net->n_layers; i++) {
            const ftsa_layer_t *l = &net->layers[i];
            ftsa_layer_stats_t st;
            ftsa_dev_layer_stats(dev, i, &st);
            printf("%s{\"layer\": %u, \"kind\": \"%s\", \"output\": [%u, %u, %u], "
                   "\"cycles\": %llu, \"macs\": %llu, \"utilization\": %.4f}",
                   i ? ", " : "", i, ftsa_layer_kind_name(l->kind), l->out.h, l->out.w, l->out.c,
                   (unsigned long long)st.cycles, (unsigned long long)ftsa_layer_macs(l),
                   layer_util(l, &st, array_n));
        }
        printf("]");
    }
    printf("}\n");
}

static void print_layers(const ftsa_dev_t *dev, const ftsa_net_t *net, uint32_t images,
                         uint32_t array_n)
{
    printf("%-5s %-15s %-12s %12s %12s %8s\n", "layer", "kind", "output", "cycles/img", "MACs/img",
           "util");
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const ftsa_layer_t *l = &net->layers[i];
        ftsa_layer_stats_t s;
        ftsa_dev_layer_stats(dev, i, &s);
        char shape[32];
        snprintf(shape, sizeof shape, "%ux%ux%u", l->out.h, l->out.w, l->out.c);
        double util = layer_util(l, &s, array_n);
        printf("%-5u %-15s %-12s %12llu %12llu %7.1f%%\n", i, ftsa_layer_kind_name(l->kind), shape,
               (unsigned long long)s.cycles, (unsigned long long)ftsa_layer_macs(l), 100.0 * util);
    }
    (void)images;
}

int ftsa_cmd_eval(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"images", required_argument, 0, 'n'},
        {"backend", required_argument, 0, 'b'}, {"array", required_argument, 0, 'a'},
        {"data", required_argument, 0, 'd'},  {"layers", no_argument, 0, 'l'},
        {"trace", required_argument, 0, 't'}, {"help", no_argument, 0, 'h'},
        {"json", no_argument, 0, 'j'},        {"quiet", no_argument, 0, 'q'},
        {"verbose", no_argument, 0, 'v'},     {"threads", required_argument, 0, 'T'},
        {0, 0, 0, 0},
    };
    const char *model = ftsa_cli_default_model(), *backend = "cmodel", *data = NULL;
    uint32_t images = 10000;
    int layers = 0, json = 0, verbosity = FTSA_CLI_NORMAL;
    ftsa_dev_opts_t dopts = {.array_n = 8};
    int c;
    optind = 0;
    while ((c = ftsa_cli_getopt("eval", argc, argv, "hqv", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'n':
            if (ftsa_cli_u32("eval", "--images", optarg, 1, 10000, &images))
                return FTSA_EXIT_USAGE;
            break;
        case 'b': backend = optarg; break;
        case 'a':
            if (ftsa_cli_u32("eval", "--array", optarg, 2, 64, &dopts.array_n))
                return FTSA_EXIT_USAGE;
            break;
        case 'd': data = optarg; break;
        case 'l': layers = 1; break;
        case 't': dopts.trace_path = optarg; break;
        case 'j': json = 1; break;
        case 'q': verbosity = FTSA_CLI_QUIET; break;
        case 'v': verbosity = FTSA_CLI_VERBOSE; break;
        case 'T':
            if (ftsa_cli_u32("eval", "--threads", optarg, 1, 1024, &dopts.threads))
                return FTSA_EXIT_USAGE;
            break;
        case 'h': usage(stdout); return FTSA_EXIT_OK;
        default: return FTSA_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        ftsa_cli_error("eval", "unexpected argument '%s'", argv[optind]);
        return FTSA_EXIT_USAGE;
    }
    if (ftsa_cli_backend("eval", backend))
        return FTSA_EXIT_USAGE;
    if (dopts.trace_path && ftsa_cli_check_output("eval", "--trace", dopts.trace_path))
        return FTSA_EXIT_FAIL;
    ftsa_err_t err = {0};
    ftsa_net_t net;
    ftsa_dataset_t ds;
    ftsa_dev_t *dev = NULL;
    if (ftsa_model_load(model, &net, &err)) {
        ftsa_cli_error("eval", "%s", err.msg);
        return FTSA_EXIT_FAIL;
    }
    int rc = FTSA_EXIT_FAIL;
    if (ftsa_dataset_load(data, FTSA_SPLIT_TEST, &ds, &err)) {
        ftsa_cli_error("eval", "%s", err.msg);
        goto out_net;
    }
    if (ds.rows * ds.cols != ftsa_shape_elems(net.input)) {
        ftsa_cli_error("eval", "%s expects %ux%ux%u inputs, the data set has %ux%u images", model,
                       net.input.h, net.input.w, net.input.c, ds.rows, ds.cols);
        goto out_ds;
    }
    if (images > ds.count) {
        ftsa_cli_error("eval", "--images %u: the test set has %u images", images, ds.count);
        rc = FTSA_EXIT_USAGE;
        goto out_ds;
    }
    if (ftsa_dev_open(backend, &net, &dopts, &dev, &err)) {
        ftsa_cli_error("eval", "%s", err.msg);
        goto out_ds;
    }
    uint32_t correct = 0;
    ftsa_cli_progress_t pr;
    ftsa_cli_progress_start(&pr, "eval", "images", images, verbosity, 2.0);
    double t0 = ftsa_cli_now();
    /* Chunks keep progress on stderr: a tenth of the run, or less where that
     * would take over half a second at the speed measured so far (slow back
     * ends).  A chunk is classified over the threads. */
    uint32_t tenth = images / 10 ? images / 10 : 1, chunk = tenth < EVAL_FIRST_CHUNK ? tenth : EVAL_FIRST_CHUNK;
    for (uint32_t i = 0; i < images; i += chunk) {
        ftsa_cli_progress(&pr, i, 0);
        double elapsed = ftsa_cli_now() - t0;
        if (i && elapsed > 0) {
            double half_second = i / elapsed * 0.5;
            chunk = half_second < 1 ? 1 : half_second > tenth ? tenth : (uint32_t)half_second;
        }
        uint32_t n = images - i < chunk ? images - i : chunk, ok = 0;
        if (ftsa_dev_classify(dev, &ds, i, n, NULL, &ok, &err)) {
            ftsa_cli_error("eval", "%s", err.msg);
            goto out_dev;
        }
        correct += ok;
    }
    ftsa_cli_progress(&pr, images, 1);
    double secs = ftsa_cli_now() - t0;
    if (json) {
        print_json(model, &net, backend, images, correct, secs, dev, layers, dopts.array_n);
        rc = FTSA_EXIT_OK;
        goto out_dev;
    }
    printf("model %s (%s), back end %s\n", model, net.name, backend);
    printf("accuracy %.2f%% (%u/%u)\n", 100.0 * correct / images, correct, images);
    printf("speed %.0f inferences/s (%.3f s)\n", images / (secs > 0 ? secs : 1e-9), secs);
    if (layers)
        print_layers(dev, &net, images, dopts.array_n);
    rc = FTSA_EXIT_OK;
out_dev:
    ftsa_dev_close(dev);
out_ds:
    ftsa_dataset_free(&ds);
out_net:
    ftsa_net_free(&net);
    return rc;
}
