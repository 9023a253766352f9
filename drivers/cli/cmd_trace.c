/* ftsa trace diff / show: compare two SRAM access traces, or print one. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "cli.h"
#include "ftsa/dataset.h"
#include "ftsa/driver.h"
#include "ftsa/hw_regs.h"
#include "ftsa/model_file.h"
#include "ftsa/trace.h"

#define N_MEMS (FTSA_HW_MEM_THR + 1u)

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ftsa trace record --out FILE [--model FILE] [--backend cmodel|rtl]\n"
            "                         [--array N] [--image K] [--faults LIST] [--data DIR]\n"
            "       ftsa trace diff A.trc B.trc\n"
            "       ftsa trace show FILE [--limit N]\n\n"
            "SRAM access traces (.trc, docs/formats.md) of the RTL and the cycle-accurate\n"
            "C model.\n\n"
            "  record the SRAM accesses of one inference (Fashion-MNIST test image K,\n"
            "         default 0) on a back end, optionally under a fault list\n"
            "  diff   exit 0 when identical; exit 1 and one sentence naming the first\n"
            "         difference (cycle, memory, read/write, addresses, the command then\n"
            "         running and its layer) when not; exit 2 on usage or unreadable files\n"
            "  show   a summary, then every access in canonical order with the commands\n"
            "         interleaved where they start\n"
            "  --limit N  show at most N accesses (default: all)\n");
}

static int load(const char *cmd, const char *path, ftsa_trace_t *t)
{
    ftsa_err_t err = {0};
    if (ftsa_trace_load(path, t, &err) == FTSA_OK)
        return 0;
    ftsa_cli_error(cmd, "%s", err.msg);
    return -1;
}

static int trace_diff(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *cmd = "trace diff";
    int c;
    optind = 0;
    while ((c = ftsa_cli_getopt(cmd, argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return FTSA_EXIT_OK;
        }
        return FTSA_EXIT_USAGE;
    }
    if (argc - optind != 2) {
        ftsa_cli_error(cmd, "expected two trace files (ftsa trace diff A.trc B.trc)");
        return FTSA_EXIT_USAGE;
    }
    ftsa_trace_t a, b;
    if (load(cmd, argv[optind], &a))
        return FTSA_EXIT_USAGE;
    if (load(cmd, argv[optind + 1], &b)) {
        ftsa_trace_free(&a);
        return FTSA_EXIT_USAGE;
    }
    char msg[1024];
    int differ = ftsa_trace_diff(&a, &b, msg, sizeof msg);
    if (differ)
        printf("%s\n", msg);
    else
        printf("identical: %zu accesses\n", a.n);
    ftsa_trace_free(&a);
    ftsa_trace_free(&b);
    return differ ? FTSA_EXIT_FAIL : FTSA_EXIT_OK;
}

static void print_summary(const char *path, const ftsa_trace_t *t)
{
    uint64_t count[N_MEMS][2] = {{0}};
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].mem < N_MEMS)
            count[t->v[i].mem][t->v[i].we]++;
    printf("%s: array %u, %zu accesses, %zu commands", path, t->array_n, t->n, t->n_marks);
    if (t->n)
        printf(", cycles %" PRIu64 "..%" PRIu64, t->v[0].cycle, t->v[t->n - 1].cycle);
    printf("\n%-5s %10s %10s\n", "mem", "reads", "writes");
    for (uint32_t m = 0; m < N_MEMS; m++)
        printf("%-5s %10" PRIu64 " %10" PRIu64 "\n", ftsa_trace_mem_name(m), count[m][0],
               count[m][1]);
}

static void print_mark(const ftsa_trace_mark_t *m)
{
    char desc[96];
    ftsa_trace_describe_cmd(m->word0, m->word1, desc, sizeof desc);
    printf("%10" PRIu64 "  -- command #%u: %s\n", m->cycle, m->index, desc);
}

static int trace_show(int argc, char **argv)
{
    static const struct option opts[] = {
        {"limit", required_argument, 0, 'l'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *cmd = "trace show";
    uint64_t limit = UINT64_MAX;
    int c;
    optind = 0;
    while ((c = ftsa_cli_getopt(cmd, argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (ftsa_cli_u64(cmd, "--limit", optarg, &limit))
                return FTSA_EXIT_USAGE;
            break;
        case 'h': usage(stdout); return FTSA_EXIT_OK;
        default: return FTSA_EXIT_USAGE;
        }
    }
    if (argc - optind != 1) {
        ftsa_cli_error(cmd, "expected one trace file (ftsa trace show FILE [--limit N])");
        return FTSA_EXIT_USAGE;
    }
    ftsa_trace_t t;
    if (load(cmd, argv[optind], &t))
        return FTSA_EXIT_USAGE;
    print_summary(argv[optind], &t);
    printf("\n%10s  %-4s %-5s %s\n", "cycle", "mem", "r/w", "address");
    size_t k = 0, shown = t.n < limit ? t.n : (size_t)limit;
    for (size_t i = 0; i < shown; i++) {
        for (; k < t.n_marks && t.marks[k].cycle <= t.v[i].cycle; k++)
            print_mark(&t.marks[k]);
        printf("%10" PRIu64 "  %-4s %-5s %u\n", t.v[i].cycle, ftsa_trace_mem_name(t.v[i].mem),
               t.v[i].we ? "write" : "read", t.v[i].addr);
    }
    if (shown < t.n)
        printf("... %zu more accesses (--limit %zu)\n", t.n - shown, shown);
    ftsa_trace_free(&t);
    return FTSA_EXIT_OK;
}

typedef struct {
    const char *model, *backend, *faults, *data, *out;
    uint32_t image;
    ftsa_dev_opts_t dopts;
} record_args_t;

static int record_run(const record_args_t *a, ftsa_net_t *net, ftsa_err_t *err)
{
    ftsa_dataset_t ds;
    ftsa_fault_list_t list;
    ftsa_faults_init(&list);
    ftsa_dev_t *dev = NULL;
    ftsa_trace_t t;
    ftsa_trace_init(&t, a->dopts.array_n);
    int8_t *in = malloc(ftsa_shape_elems(net->input));
    ftsa_status_t st = in ? ftsa_dataset_load(a->data, FTSA_SPLIT_TEST, &ds, err)
                          : ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    if (st)
        goto out;
    if (a->image >= ds.count || ds.rows * ds.cols != ftsa_shape_elems(net->input))
        st = ftsa_fail(err, FTSA_E_INVALID, "image %u: the data set has %u images of %ux%u",
                       a->image, ds.count, ds.rows, ds.cols);
    if (!st && a->faults)
        st = ftsa_faults_read(a->faults, &list, err);
    if (!st)
        st = ftsa_dev_open(a->backend, net, &a->dopts, &dev, err);
    if (!st && list.n)
        st = ftsa_dev_set_faults(dev, &list, err);
    if (!st)
        st = ftsa_dev_set_access_trace(dev, &t, err);
    if (!st) {
        ftsa_net_quantize_pixels(net, ftsa_dataset_image(&ds, a->image), in);
        st = ftsa_dev_infer(dev, in, err);
    }
    if (!st)
        st = ftsa_trace_save(&t, a->out, err);
    if (!st)
        printf("%s: %zu SRAM accesses of image %u on %s (N=%u), class %u\n", a->out, t.n, a->image,
               a->backend, a->dopts.array_n, ftsa_dev_argmax(dev));
    ftsa_dev_close(dev);
    ftsa_dataset_free(&ds);
out:
    free(in);
    ftsa_trace_free(&t);
    ftsa_faults_free(&list);
    return st ? -1 : 0;
}

static int trace_record(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"backend", required_argument, 0, 'b'},
        {"array", required_argument, 0, 'a'}, {"image", required_argument, 0, 'i'},
        {"faults", required_argument, 0, 'f'}, {"data", required_argument, 0, 'd'},
        {"out", required_argument, 0, 'o'},    {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *cmd = "trace record";
    record_args_t a = {.model = ftsa_cli_default_model(), .backend = "cmodel",
                       .dopts = {.array_n = 8}};
    int c;
    optind = 0;
    while ((c = ftsa_cli_getopt(cmd, argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': a.model = optarg; break;
        case 'b': a.backend = optarg; break;
        case 'a':
            if (ftsa_cli_u32(cmd, "--array", optarg, 2, 64, &a.dopts.array_n))
                return FTSA_EXIT_USAGE;
            break;
        case 'i':
            if (ftsa_cli_u32(cmd, "--image", optarg, 0, UINT32_MAX, &a.image))
                return FTSA_EXIT_USAGE;
            break;
        case 'f': a.faults = optarg; break;
        case 'd': a.data = optarg; break;
        case 'o': a.out = optarg; break;
        case 'h': usage(stdout); return FTSA_EXIT_OK;
        default: return FTSA_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        ftsa_cli_error(cmd, "unexpected argument '%s'", argv[optind]);
        return FTSA_EXIT_USAGE;
    }
    if (!a.out) {
        ftsa_cli_error(cmd, "--out FILE is required");
        return FTSA_EXIT_USAGE;
    }
    if (ftsa_cli_backend(cmd, a.backend))
        return FTSA_EXIT_USAGE;
    if (ftsa_cli_check_output(cmd, "--out", a.out))
        return FTSA_EXIT_FAIL;
    ftsa_err_t err = {0};
    ftsa_net_t net;
    if (ftsa_model_load(a.model, &net, &err)) {
        ftsa_cli_error(cmd, "%s", err.msg);
        return FTSA_EXIT_FAIL;
    }
    int bad = record_run(&a, &net, &err);
    if (bad)
        ftsa_cli_error(cmd, "%s", err.msg);
    ftsa_net_free(&net);
    return bad ? FTSA_EXIT_FAIL : FTSA_EXIT_OK;
}

int ftsa_cmd_trace(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "record"))
        return trace_record(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "diff"))
        return trace_diff(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "show"))
        return trace_show(argc - 1, argv + 1);
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return FTSA_EXIT_OK;
    }
    if (argc >= 2)
        ftsa_cli_error("trace", "unknown subcommand '%s': record, diff or show (see ftsa help trace)",
                       argv[1]);
    else
        ftsa_cli_error("trace", "expected a subcommand: record, diff or show (see ftsa help trace)");
    return FTSA_EXIT_USAGE;
}
