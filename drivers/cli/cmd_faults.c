/* ftsa faults gen: draw a fault list; ftsa run: run images under a fault list. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ftsa/dataset.h"
#include "ftsa/driver.h"
#include "ftsa/faults.h"
#include "ftsa/model_file.h"
#include "ftsa/outcome.h"

/* --bits: "all", "msb", "lsb", a range "A-B", a single bit "N", or a mask "0xNN". */
static int parse_bits(const char *cmd, const char *text, ftsa_tensor_t t, uint32_t *mask)
{
    uint32_t width = ftsa_tensor_bits(t);
    unsigned a, b;
    char extra;
    if (!strcmp(text, "all"))
        *mask = 0;
    else if (!strcmp(text, "msb"))
        *mask = 1u << (width - 1);
    else if (!strcmp(text, "lsb"))
        *mask = 1u;
    else if (sscanf(text, "%u-%u%c", &a, &b, &extra) == 2 && a <= b && b < width)
        *mask = (uint32_t)(((2ull << b) - 1) & ~((1ull << a) - 1));
    else if (!strncmp(text, "0x", 2) && sscanf(text, "%x%c", &a, &extra) == 1 && a)
        *mask = a;
    else if (sscanf(text, "%u%c", &a, &extra) == 1 && a < width)
        *mask = 1u << a;
    else {
        ftsa_cli_error(cmd, "--bits: '%s' is not all, msb, lsb, N, A-B or 0xMASK within %u-bit %s",
                       text, width, ftsa_tensor_name(t));
        return -1;
    }
    return 0;
}

static int parse_kind(const char *cmd, const char *text, ftsa_fault_kind_t *kind)
{
    for (int k = 0; k < FTSA_FAULT_KIND_COUNT; k++)
        if (!strcmp(text, ftsa_fault_kind_name((ftsa_fault_kind_t)k))) {
            *kind = (ftsa_fault_kind_t)k;
            return 0;
        }
    ftsa_cli_error(cmd, "--kind: unknown fault kind '%s' (sa0 sa1 flip)", text);
    return -1;
}

static int parse_tensor(const char *cmd, const char *text, ftsa_tensor_t *t)
{
    for (int k = 0; k < FTSA_TENSOR_COUNT; k++)
        if (!strcmp(text, ftsa_tensor_name((ftsa_tensor_t)k))) {
            *t = (ftsa_tensor_t)k;
            return 0;
        }
    ftsa_cli_error(cmd, "--tensor: unknown tensor '%s' (weights bias act)", text);
    return -1;
}

static void gen_usage(FILE *out)
{
    fprintf(out,
            "usage: ftsa faults gen (--ber P | --count K) [--model FILE] [--tensor T] [--layer N]\n"
            "                       [--bits B] [--kind K] [--seed S] [--out FILE]\n\n"
            "Draws a fault list over a logical tensor of the model (docs/faults.md).\n\n"
            "  --ber P       every bit of the region fails independently with probability P\n"
            "  --count K     exactly K distinct bits of the region fail\n"
            "  --model FILE  .ftsa model (default %s)\n"
            "  --tensor T    weights (default), bias or act\n"
            "  --layer N     one layer (default: every layer that has the tensor)\n"
            "  --bits B      all (default), msb, lsb, N, A-B or 0xMASK\n"
            "  --kind K      flip (default), sa0 or sa1\n"
            "  --seed S      random seed (default 1)\n"
            "  --out FILE    write the list here (default standard output)\n",
            ftsa_cli_default_model());
}

static int faults_gen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"ber", required_argument, 0, 'r'},   {"count", required_argument, 0, 'c'},
        {"model", required_argument, 0, 'm'}, {"tensor", required_argument, 0, 't'},
        {"layer", required_argument, 0, 'l'}, {"bits", required_argument, 0, 'b'},
        {"kind", required_argument, 0, 'k'},  {"seed", required_argument, 0, 's'},
        {"out", required_argument, 0, 'o'},   {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *cmd = "faults gen", *model = ftsa_cli_default_model(), *out = NULL, *bits = "all";
    ftsa_tensor_region_t region = {.tensor = FTSA_TENSOR_WEIGHTS, .layer = FTSA_ALL_LAYERS};
    ftsa_fault_kind_t kind = FTSA_FAULT_FLIP;
    uint64_t seed = 1, count = 0;
    double ber = -1.0;
    int have_count = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (ftsa_cli_double(cmd, "--ber", optarg, &ber))
                return FTSA_EXIT_USAGE;
            if (!(ber >= 0.0 && ber <= 1.0)) {
                ftsa_cli_error(cmd, "--ber: %s is not a probability in [0, 1]", optarg);
                return FTSA_EXIT_USAGE;
            }
            break;
        case 'c':
            if (ftsa_cli_u64(cmd, "--count", optarg, &count))
                return FTSA_EXIT_USAGE;
            have_count = 1;
            break;
        case 'm': model = optarg; break;
        case 't':
            if (parse_tensor(cmd, optarg, &region.tensor))
                return FTSA_EXIT_USAGE;
            break;
        case 'l':
            if (ftsa_cli_u32(cmd, "--layer", optarg, 0, FTSA_MAX_LAYERS - 1, &region.layer))
                return FTSA_EXIT_USAGE;
            break;
        case 'b': bits = optarg; break;
        case 'k':
            if (parse_kind(cmd, optarg, &kind))
                return FTSA_EXIT_USAGE;
            break;
        case 's':
            if (ftsa_cli_u64(cmd, "--seed", optarg, &seed))
                return FTSA_EXIT_USAGE;
            break;
        case 'o': out = optarg; break;
        case 'h': gen_usage(stdout); return FTSA_EXIT_OK;
        default: gen_usage(stderr); return FTSA_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        ftsa_cli_error(cmd, "unexpected argument '%s'", argv[optind]);
        return FTSA_EXIT_USAGE;
    }
    if ((ber >= 0.0) == have_count) {
        ftsa_cli_error(cmd, "give exactly one of --ber and --count");
        return FTSA_EXIT_USAGE;
    }
    if (parse_bits(cmd, bits, region.tensor, &region.bit_mask))
        return FTSA_EXIT_USAGE;
    ftsa_err_t err = {0};
    ftsa_net_t net;
    if (ftsa_model_load(model, &net, &err)) {
        ftsa_cli_error(cmd, "%s", err.msg);
        return FTSA_EXIT_FAIL;
    }
    ftsa_fault_list_t list;
    ftsa_faults_init(&list);
    ftsa_status_t st = have_count
                           ? ftsa_faults_gen_count(&net, &region, kind, count, seed, &list, &err)
                           : ftsa_faults_gen_ber(&net, &region, kind, ber, seed, &list, &err);
    if (!st)
        st = out ? ftsa_faults_save(&list, out, &err) : ftsa_faults_write(&list, stdout, &err);
    if (!st)
        fprintf(stderr, "%u faults over %llu bits of %s\n", list.n,
                (unsigned long long)ftsa_region_bits(&net, &region), model);
    else
        ftsa_cli_error(cmd, "%s", err.msg);
    ftsa_faults_free(&list);
    ftsa_net_free(&net);
    return st ? FTSA_EXIT_FAIL : FTSA_EXIT_OK;
}

int ftsa_cmd_faults(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "gen"))
        return faults_gen(argc - 1, argv + 1);
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: ftsa faults gen ...   draw a fault list (ftsa faults gen --help)\n");
        return FTSA_EXIT_OK;
    }
    ftsa_cli_error("faults", "expected a subcommand: gen (see ftsa faults --help)");
    return FTSA_EXIT_USAGE;
}

/* ---- ftsa run ---------------------------------------------------------------- */

static void run_usage(FILE *out)
{
    fprintf(out,
            "usage: ftsa run --faults LIST [--model FILE] [--backend NAME] [--images N]\n"
            "                [--first I] [--data DIR] [--per-image FILE]\n\n"
            "Runs test images fault-free and under the fault list on the same back end;\n"
            "prints both accuracies and how many predictions the faults changed.\n\n"
            "  --faults LIST     fault list (ftsa faults gen, docs/faults.md)\n"
            "  --model FILE      .ftsa model (default %s)\n"
            "  --backend NAME    back end (default cmodel)\n"
            "  --images N        number of test images (default 1000)\n"
            "  --first I         first test image (default 0)\n"
            "  --per-image FILE  CSV: image, label, fault-free and faulty prediction, changed\n"
            "  --outcomes FILE   inject each fault alone and write its outcome class (masked,\n"
            "                    output-changed, sdc) to a CSV; prints the class totals\n",
            ftsa_cli_default_model());
}

/* Per-fault outcome classes to a CSV, with totals on standard output. */
static ftsa_status_t write_outcomes(ftsa_dev_t *dev, const ftsa_dataset_t *ds, uint32_t first,
                                   uint32_t images, const ftsa_fault_list_t *list, const char *path,
                                   ftsa_err_t *err)
{
    ftsa_fault_outcome_t *o = calloc(list->n ? list->n : 1, sizeof *o);
    if (!o)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    ftsa_status_t st = ftsa_fault_outcomes(dev, ds, first, images, list, o, err);
    FILE *f = st ? NULL : fopen(path, "w");
    if (!st && !f)
        st = ftsa_fail(err, FTSA_E_IO, "%s: cannot create", path);
    if (!st) {
        uint32_t totals[FTSA_OUTCOME_COUNT] = {0};
        fprintf(f, "fault,line,kind,space,target,layer,index,bit,outcome,images_output_changed,"
                   "images_top1_changed\n");
        for (uint32_t i = 0; i < list->n; i++) {
            const ftsa_fault_t *x = &list->v[i];
            fprintf(f, "%u,%u,%s,%s,%s,%u,%u,%u,%s,%u,%u\n", i, x->line, ftsa_fault_kind_name(x->kind),
                    x->space == FTSA_SPACE_SRAM ? "sram" : "tensor",
                    x->space == FTSA_SPACE_SRAM ? ftsa_mem_name(x->target) : ftsa_tensor_name(x->target),
                    x->layer, x->index, x->bit, ftsa_outcome_name(o[i].outcome),
                    o[i].images_output_changed, o[i].images_top1_changed);
            totals[o[i].outcome]++;
        }
        if (fclose(f) != 0)
            st = ftsa_fail(err, FTSA_E_IO, "%s: write failed", path);
        printf("outcomes of %u faults, each alone (%s):", list->n, path);
        for (int k = FTSA_OUTCOME_MASKED; k < FTSA_OUTCOME_COUNT; k++)
            printf(" %s %u", ftsa_outcome_name((ftsa_outcome_t)k), totals[k]);
        printf("\n");
    }
    free(o);
    return st;
}

int ftsa_cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"faults", required_argument, 0, 'f'},  {"model", required_argument, 0, 'm'},
        {"backend", required_argument, 0, 'b'}, {"images", required_argument, 0, 'n'},
        {"first", required_argument, 0, 'i'},   {"data", required_argument, 0, 'd'},
        {"per-image", required_argument, 0, 'p'}, {"outcomes", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *cmd = "run", *model = ftsa_cli_default_model(), *backend = "cmodel";
    const char *faults_path = NULL, *data = NULL, *per_image = NULL, *outcomes = NULL;
    uint32_t images = 1000, first = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f': faults_path = optarg; break;
        case 'm': model = optarg; break;
        case 'b': backend = optarg; break;
        case 'n':
            if (ftsa_cli_u32(cmd, "--images", optarg, 1, 10000, &images))
                return FTSA_EXIT_USAGE;
            break;
        case 'i':
            if (ftsa_cli_u32(cmd, "--first", optarg, 0, 9999, &first))
                return FTSA_EXIT_USAGE;
            break;
        case 'd': data = optarg; break;
        case 'p': per_image = optarg; break;
        case 'o': outcomes = optarg; break;
        case 'h': run_usage(stdout); return FTSA_EXIT_OK;
        default: run_usage(stderr); return FTSA_EXIT_USAGE;
        }
    }
    if (optind < argc || !faults_path) {
        ftsa_cli_error(cmd, optind < argc ? "unexpected argument" : "--faults LIST is required");
        return FTSA_EXIT_USAGE;
    }
    ftsa_err_t err = {0};
    ftsa_net_t net;
    ftsa_dataset_t ds = {0};
    ftsa_fault_list_t list;
    ftsa_dev_t *dev = NULL;
    uint8_t *golden = NULL, *faulty = NULL;
    int rc = FTSA_EXIT_FAIL;
    ftsa_faults_init(&list);
    if (ftsa_model_load(model, &net, &err)) {
        ftsa_cli_error(cmd, "%s", err.msg);
        return FTSA_EXIT_FAIL;
    }
    if (ftsa_faults_read(faults_path, &list, &err) || ftsa_dataset_load(data, FTSA_SPLIT_TEST, &ds, &err) ||
        ftsa_dev_open(backend, &net, NULL, &dev, &err))
        goto fail;
    if (first + images > ds.count)
        images = ds.count - first;
    golden = malloc(images);
    faulty = malloc(images);
    if (!golden || !faulty) {
        ftsa_fail(&err, FTSA_E_NOMEM, "out of memory");
        goto fail;
    }
    uint32_t ok_golden, ok_faulty;
    if (ftsa_dev_classify(dev, &ds, first, images, golden, &ok_golden, &err))
        goto fail;
    if (ftsa_dev_set_faults(dev, &list, &err)) {
        ftsa_err_prefix(&err, "%s: ", faults_path);
        goto fail;
    }
    if (ftsa_dev_classify(dev, &ds, first, images, faulty, &ok_faulty, &err))
        goto fail;
    uint32_t changed = 0;
    for (uint32_t i = 0; i < images; i++)
        changed += golden[i] != faulty[i];
    printf("model %s, back end %s, %u faults from %s, images %u..%u\n", model, backend, list.n,
           faults_path, first, first + images - 1);
    printf("fault-free accuracy %.2f%% (%u/%u)\n", 100.0 * ok_golden / images, ok_golden, images);
    printf("faulty accuracy     %.2f%% (%u/%u)\n", 100.0 * ok_faulty / images, ok_faulty, images);
    printf("predictions changed %u of %u (%.2f%%)\n", changed, images, 100.0 * changed / images);
    if (per_image) {
        FILE *f = fopen(per_image, "w");
        if (!f) {
            ftsa_fail(&err, FTSA_E_IO, "%s: cannot create", per_image);
            goto fail;
        }
        fprintf(f, "image,label,fault_free,faulty,changed\n");
        for (uint32_t i = 0; i < images; i++)
            fprintf(f, "%u,%u,%u,%u,%d\n", first + i, ds.labels[first + i], golden[i], faulty[i],
                    golden[i] != faulty[i]);
        if (fclose(f) != 0) {
            ftsa_fail(&err, FTSA_E_IO, "%s: write failed", per_image);
            goto fail;
        }
    }
    if (outcomes && write_outcomes(dev, &ds, first, images, &list, outcomes, &err))
        goto fail;
    rc = FTSA_EXIT_OK;
fail:
    if (rc)
        ftsa_cli_error(cmd, "%s", err.msg);
    free(golden);
    free(faulty);
    ftsa_dev_close(dev);
    ftsa_faults_free(&list);
    ftsa_dataset_free(&ds);
    ftsa_net_free(&net);
    return rc;
}
