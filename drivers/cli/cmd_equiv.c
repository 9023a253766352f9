/* ftsa equiv: the C model and the Verilated RTL side by side on any model,
 * inputs and fault list; the first divergence in any layer's output or cycle
 * count is reported (image, layer, element, both values, cycles). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "ftsa/driver.h"
#include "ftsa/model_file.h"
#include "hwcheck.h"

#define CMD "equiv"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ftsa equiv [--model FILE] [--images K] [--faults LIST] [--array N]\n"
            "                  [--rtl-faults LIST] [--inputs dataset|random] [--first I]\n"
            "                  [--seed S] [--data DIR]\n\n"
            "Runs each input on the cmodel and rtl back ends and compares every layer's\n"
            "output element by element and every layer's cycles (STAMP to STAMP).  Prints\n"
            "the first divergence (image, layer, element, both values, cycles) and exits 1\n"
            "when the two differ, 0 when they are identical.\n\n"
            "  --model FILE       .ftsa model (default %s)\n"
            "  --images K         inputs, 1..10000 (default 10)\n"
            "  --faults LIST      fault list injected on both (docs/faults.md)\n"
            "  --rtl-faults LIST  a list injected on the RTL only: a defect the C model does\n"
            "                     not know of (shows what a divergence looks like)\n"
            "  --array N          array side of the RTL build: 8 or 16 (default 8)\n"
            FTSA_CLI_INPUT_HELP,
            ftsa_cli_default_model());
}

typedef struct {
    const char *model, *faults, *rtl_faults;
    uint32_t array_n;
    ftsa_cli_inputs_t in;
} eq_args_t;

static int parse(int argc, char **argv, eq_args_t *a)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"faults", required_argument, 0, 'f'},
        {"rtl-faults", required_argument, 0, 'r'}, {"array", required_argument, 0, 'n'},
        {"help", no_argument, 0, 'h'},        FTSA_CLI_INPUT_OPTIONS,
        {0, 0, 0, 0},
    };
    int c;
    optind = 0;
    while ((c = ftsa_cli_getopt(CMD, argc, argv, "h", opts, NULL)) != -1) {
        int r = ftsa_cli_inputs_opt(CMD, c, optarg, 10000, &a->in);
        if (r < 0)
            return FTSA_EXIT_USAGE;
        if (r)
            continue;
        switch (c) {
        case 'm': a->model = optarg; break;
        case 'f': a->faults = optarg; break;
        case 'r': a->rtl_faults = optarg; break;
        case 'n':
            if (ftsa_cli_u32(CMD, "--array", optarg, 4, 64, &a->array_n))
                return FTSA_EXIT_USAGE;
            break;
        case 'h': usage(stdout); return -1;
        default: usage(stderr); return FTSA_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        ftsa_cli_error(CMD, "unexpected argument '%s'", argv[optind]);
        return FTSA_EXIT_USAGE;
    }
    return FTSA_EXIT_OK;
}

/* Load list (if given) and install it on dev. */
static int install(ftsa_dev_t *dev, const char *list, ftsa_fault_list_t *f)
{
    ftsa_err_t err = {0};
    if (list && (ftsa_faults_read(list, f, &err) || ftsa_dev_set_faults(dev, f, &err))) {
        ftsa_cli_error(CMD, "%s (%s back end): %s", list, ftsa_dev_backend_name(dev), err.msg);
        return -1;
    }
    return 0;
}

/* The first difference of image k between the two devices; 1 if any. */
static int compare(const ftsa_net_t *net, uint32_t k, ftsa_dev_t *cm, ftsa_dev_t *rtl)
{
    for (uint32_t l = 0; l < net->n_layers; l++) {
        const ftsa_shape_t s = net->layers[l].out;
        const int8_t *a = ftsa_dev_layer_output(cm, l), *b = ftsa_dev_layer_output(rtl, l);
        ftsa_layer_stats_t sa, sb;
        ftsa_dev_layer_stats(cm, l, &sa);
        ftsa_dev_layer_stats(rtl, l, &sb);
        uint32_t n = ftsa_shape_elems(s), bad = 0, first = 0;
        for (uint32_t i = 0; a && b && i < n; i++)
            if (a[i] != b[i] && bad++ == 0)
                first = i;
        if (bad) {
            uint32_t c = first % s.c, x = first / s.c % s.w, y = first / s.c / s.w;
            printf("first divergence: image %u, layer %u (%s %ux%ux%u), element %u (y %u, x %u, "
                   "channel %u): cmodel %d, rtl %d; %u of %u elements differ; layer cycles "
                   "cmodel %llu, rtl %llu\n",
                   k, l, ftsa_layer_kind_name(net->layers[l].kind), s.h, s.w, s.c, first, y, x, c,
                   a[first], b[first], bad, n, (unsigned long long)sa.cycles,
                   (unsigned long long)sb.cycles);
            return 1;
        }
        if (sa.cycles != sb.cycles) {
            printf("first divergence: image %u, layer %u (%s): outputs identical, cycles cmodel "
                   "%llu, rtl %llu\n",
                   k, l, ftsa_layer_kind_name(net->layers[l].kind), (unsigned long long)sa.cycles,
                   (unsigned long long)sb.cycles);
            return 1;
        }
    }
    return 0;
}

static int run(const eq_args_t *a, const ftsa_net_t *net)
{
    ftsa_err_t err = {0};
    ftsa_dev_opts_t o = {.array_n = a->array_n};
    ftsa_dev_t *cm = NULL, *rtl = NULL;
    ftsa_fault_list_t f1, f2;
    ftsa_faults_init(&f1);
    ftsa_faults_init(&f2);
    char desc[128];
    int8_t *in = NULL;
    int rc = FTSA_EXIT_FAIL;
    if (!ftsa_backend_find("rtl")) {
        ftsa_cli_error(CMD, "this build has no rtl back end (configure with FTSA_RTL=ON and "
                       "verilator installed)");
        return FTSA_EXIT_FAIL;
    }
    if (ftsa_dev_open("cmodel", net, &o, &cm, &err) || ftsa_dev_open("rtl", net, &o, &rtl, &err)) {
        ftsa_cli_error(CMD, "%s: %s", a->model, err.msg);
        goto out;
    }
    /* The RTL-only list replaces nothing: it is merged after the shared one. */
    if (install(cm, a->faults, &f1) || install(rtl, a->faults, &f2))
        goto out;
    if (a->rtl_faults) {
        ftsa_fault_list_t extra;
        ftsa_faults_init(&extra);
        int bad = ftsa_faults_read(a->rtl_faults, &extra, &err) != FTSA_OK;
        for (uint32_t i = 0; !bad && i < extra.n; i++)
            bad = ftsa_faults_add(&f2, &extra.v[i], &err) != FTSA_OK;
        if (!bad && !a->faults)
            f2.seed = extra.seed;
        bad = bad || ftsa_dev_set_faults(rtl, &f2, &err) != FTSA_OK;
        ftsa_faults_free(&extra);
        if (bad) {
            ftsa_cli_error(CMD, "%s: %s", a->rtl_faults, err.msg);
            goto out;
        }
    }
    if (!(in = ftsa_cli_inputs(CMD, &a->in, net, NULL, desc, sizeof desc)))
        goto out;
    size_t elems = ftsa_shape_elems(net->input);
    uint64_t cycles = 0;
    for (uint32_t k = 0; k < a->in.images; k++) {
        if (ftsa_dev_infer(cm, in + k * elems, &err) || ftsa_dev_infer(rtl, in + k * elems, &err)) {
            ftsa_cli_error(CMD, "image %u: %s", k, err.msg);
            goto out;
        }
        if (compare(net, k, cm, rtl)) {
            printf("%s: cmodel and rtl diverge at image %u of %u (%s, %ux%u array)\n", a->model,
                   k, a->in.images, desc, a->array_n, a->array_n);
            goto out;
        }
        for (uint32_t l = 0; l < net->n_layers; l++) {
            ftsa_layer_stats_t s;
            ftsa_dev_layer_stats(rtl, l, &s);
            cycles += s.cycles;
        }
    }
    printf("%s: cmodel and rtl identical on %u inputs (%s, %ux%u array%s%s): every layer's "
           "output and cycles, %llu layer cycles in all\n",
           a->model, a->in.images, desc, a->array_n, a->array_n, a->faults ? ", faults " : "",
           a->faults ? a->faults : "", (unsigned long long)cycles);
    rc = FTSA_EXIT_OK;
out:
    free(in);
    ftsa_faults_free(&f1);
    ftsa_faults_free(&f2);
    ftsa_dev_close(cm);
    ftsa_dev_close(rtl);
    return rc;
}

int ftsa_cmd_equiv(int argc, char **argv)
{
    eq_args_t a = {.model = ftsa_cli_default_model(), .array_n = 8,
                   .in = {.images = 10, .seed = 1}};
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc < 0 ? FTSA_EXIT_OK : rc;
    ftsa_err_t err = {0};
    ftsa_net_t net;
    if (ftsa_model_load(a.model, &net, &err)) {
        ftsa_cli_error(CMD, "%s", err.msg);
        return FTSA_EXIT_FAIL;
    }
    rc = run(&a, &net);
    ftsa_net_free(&net);
    return rc;
}
