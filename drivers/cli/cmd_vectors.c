/* ftsa export vectors: a self-contained test-vector package of a network for
 * a plain Verilog bench (docs/vectors.md, testbenches/replay/). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "cli.h"
#include "hwcheck.h"
#include "ftsa/fileio.h"
#include "ftsa/model_file.h"
#include "ftsa/vectors.h"

#define CMD "export vectors"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ftsa export vectors [--model FILE] --out DIR [--images K] [--faults LIST]\n"
            "                           [--array N] [--inputs dataset|random] [--first I]\n"
            "                           [--seed S] [--data DIR]\n\n"
            "Writes a test-vector package for a plain Verilog bench (testbenches/replay/):\n"
            "host memory in $readmemh hex, the reset/CSR/fault-port sequence with its cycle\n"
            "costs, every layer's expected output and cycle stamps for each image (from the\n"
            "cycle-accurate C model) and manifest.json with zlib CRC-32s (docs/vectors.md).\n\n"
            "  --model FILE     .ftsa model (default %s)\n"
            "  --out DIR        package directory (created if missing)\n"
            "  --images K       inputs, 1..1000 (default 1)\n"
            "  --faults LIST    fault list (docs/faults.md): SRAM space (no read disturb) or\n"
            "                   tensor-space weight/bias faults\n"
            "  --array N        array side, a multiple of 4 in 4..64 (default 8)\n"
            FTSA_CLI_INPUT_HELP,
            ftsa_cli_default_model());
}

typedef struct {
    const char *model, *out, *faults;
    uint32_t array_n;
    ftsa_cli_inputs_t in;
} vec_args_t;

static int parse(int argc, char **argv, vec_args_t *a)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"out", required_argument, 0, 'o'},
        {"faults", required_argument, 0, 'f'}, {"array", required_argument, 0, 'n'},
        {"help", no_argument, 0, 'h'},         FTSA_CLI_INPUT_OPTIONS,
        {0, 0, 0, 0},
    };
    int c;
    optind = 0;
    while ((c = ftsa_cli_getopt(CMD, argc, argv, "h", opts, NULL)) != -1) {
        int r = ftsa_cli_inputs_opt(CMD, c, optarg, 1000, &a->in);
        if (r < 0)
            return FTSA_EXIT_USAGE;
        if (r)
            continue;
        switch (c) {
        case 'm': a->model = optarg; break;
        case 'o': a->out = optarg; break;
        case 'f': a->faults = optarg; break;
        case 'n':
            if (ftsa_cli_u32(CMD, "--array", optarg, 4, 64, &a->array_n))
                return FTSA_EXIT_USAGE;
            if (a->array_n % 4) {
                ftsa_cli_error(CMD, "--array: %u is not a multiple of 4", a->array_n);
                return FTSA_EXIT_USAGE;
            }
            break;
        case 'h': usage(stdout); return -1;
        default: usage(stderr); return FTSA_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        ftsa_cli_error(CMD, "unexpected argument '%s'", argv[optind]);
        return FTSA_EXIT_USAGE;
    }
    if (!a->out) {
        ftsa_cli_error(CMD, "--out DIR is required");
        return FTSA_EXIT_USAGE;
    }
    return FTSA_EXIT_OK;
}

/* zlib crc32 of a file's bytes (for the manifest). */
static ftsa_status_t file_crc(const char *path, uint32_t *crc, ftsa_err_t *err)
{
    uint8_t *buf;
    size_t len;
    ftsa_status_t st = ftsa_read_file(path, (size_t)1 << 30, &buf, &len, err);
    if (st)
        return st;
    *crc = (uint32_t)crc32(0L, buf, (uInt)len);
    free(buf);
    return FTSA_OK;
}

static int export_vectors(int argc, char **argv)
{
    vec_args_t a = {.model = ftsa_cli_default_model(), .array_n = 8,
                    .in = {.images = 1, .seed = 1}};
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc < 0 ? FTSA_EXIT_OK : rc;
    if (mkdir(a.out, 0777) && errno != EEXIST) {
        ftsa_cli_error(CMD, "cannot create %s: %s", a.out, strerror(errno));
        return FTSA_EXIT_FAIL;
    }
    ftsa_err_t err = {0};
    ftsa_net_t net;
    if (ftsa_model_load(a.model, &net, &err)) {
        ftsa_cli_error(CMD, "%s", err.msg);
        return FTSA_EXIT_FAIL;
    }
    ftsa_fault_list_t faults;
    ftsa_faults_init(&faults);
    char desc[128];
    int8_t *in = NULL;
    ftsa_vec_opts_t o = {.array_n = a.array_n, .n_images = a.in.images, .model_name = a.model,
                         .faults_name = a.faults, .inputs_desc = desc};
    ftsa_vec_summary_t sum;
    rc = FTSA_EXIT_FAIL;
    if (file_crc(a.model, &o.model_crc32, &err) ||
        (a.faults && (ftsa_faults_read(a.faults, &faults, &err) ||
                      file_crc(a.faults, &o.faults_crc32, &err)))) {
        ftsa_cli_error(CMD, "%s", err.msg);
        goto out;
    }
    if (!(in = ftsa_cli_inputs(CMD, &a.in, &net, NULL, desc, sizeof desc)))
        goto out;
    o.inputs = in;
    o.faults = a.faults ? &faults : NULL;
    if (ftsa_vec_export(&net, &o, a.out, &sum, &err)) {
        ftsa_cli_error(CMD, "%s: %s", a.model, err.msg);
        goto out;
    }
    printf("%s: %s on a %ux%u array, %u image(s)%s%s\n", a.out, a.model, a.array_n, a.array_n,
           a.in.images, a.faults ? ", faults " : "", a.faults ? a.faults : "");
    printf("host memory %u words, %u steps, %u fault-port masks, %u expected words\n",
           sum.host_words, sum.steps, sum.masks, sum.expect_words);
    printf("cycles: setup %llu, first inference %llu, whole sequence %llu (RTL %s)\n",
           (unsigned long long)sum.setup_cycles, (unsigned long long)sum.infer_cycles,
           (unsigned long long)sum.total_cycles, ftsa_vec_rtl_revision());
    rc = FTSA_EXIT_OK;
out:
    free(in);
    ftsa_faults_free(&faults);
    ftsa_net_free(&net);
    return rc;
}

int ftsa_cmd_export(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "vectors"))
        return export_vectors(argc - 1, argv + 1);
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return FTSA_EXIT_OK;
    }
    if (argc < 2)
        ftsa_cli_error("export", "missing what to export (vectors)");
    else
        ftsa_cli_error("export", "unknown export '%s' (vectors)", argv[1]);
    return FTSA_EXIT_USAGE;
}
