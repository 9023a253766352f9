/* ftsa silicon compare: measured points from a chip or an FPGA (a BER, or a
 * supply voltage with the fault map measured at it, and the accuracy or the
 * error count observed) against the same points simulated: uniform faults at
 * the BER over trials, or the fault map itself.  Per-point and mean error
 * (docs/vectors.md, "Measurements in"). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ftsa/dataset.h"
#include "ftsa/driver.h"
#include "ftsa/fileio.h"
#include "ftsa/hw_regs.h"
#include "ftsa/model_file.h"

#define CMD "silicon compare"
#define MAX_POINTS 10000u
#define MAX_CSV_BYTES ((size_t)16 << 20)

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ftsa silicon compare --measured CSV [--model FILE] [--backend NAME]\n"
            "                            [--array N] [--memory M] [--kind K] [--trials T]\n"
            "                            [--seed S] [--first I] [--data DIR] [--csv OUT]\n"
            "                            [--max-error PCT]\n\n"
            "Simulates every measured point of CSV and compares its accuracy with the\n"
            "measured one.  CSV columns (a header line names them, any order; '#' lines\n"
            "are comments; docs/vectors.md):\n"
            "  point      label (optional)\n"
            "  ber        bit error rate of memory M: uniform faults of kind K, T trials\n"
            "  vdd        supply voltage (V), with\n"
            "  fault_map  the fault list measured at it (docs/faults.md; relative to CSV)\n"
            "  images     test images the measurement used, from --first\n"
            "  accuracy   measured top-1 accuracy in [0, 1], or\n"
            "  errors     measured misclassified images\n\n"
            "  --measured CSV   the measured points\n"
            "  --model FILE     .ftsa model (default %s)\n"
            "  --backend NAME   back end that simulates (default cmodel)\n"
            "  --array N        array side (default 8)\n"
            "  --memory M       weight, act, acc, param or thr (default weight)\n"
            "  --kind K         flip, sa0 or sa1 (default flip)\n"
            "  --trials T       draws per BER point, 1..1000 (default 5)\n"
            "  --seed S         seed of the draws (default 1; trial t of point p: S + 1000 p + t)\n"
            "  --first I        first test image (default 0)\n"
            "  --data DIR       Fashion-MNIST directory (default $FTSA_DATA_DIR)\n"
            "  --csv OUT        per-point results as CSV\n"
            "  --max-error PCT  exit 1 when the mean relative error exceeds PCT %%\n",
            ftsa_cli_default_model());
}

/* ------------------------------------------------------------ measured CSV */

typedef struct {
    char label[64];
    double ber, vdd;  /* ber < 0: a fault-map point */
    char map[1024];   /* fault-map path (resolved against the CSV's directory) */
    uint32_t images;
    double measured;  /* accuracy in [0, 1] */
    double sim, sd;   /* simulated mean accuracy and its standard deviation */
    uint32_t trials;
} point_t;

enum { C_POINT, C_BER, C_VDD, C_MAP, C_IMAGES, C_ACC, C_ERRORS, C_COUNT };
static const char *const col_names[C_COUNT] = {"point",  "ber",      "vdd",   "fault_map",
                                               "images", "accuracy", "errors"};

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = 0;
    return s;
}

/* Split line at commas into at most max cells; returns the count. */
static int split(char *line, char **cell, int max)
{
    int n = 0;
    for (char *p = line; n < max;) {
        char *c = strchr(p, ',');
        if (c)
            *c = 0;
        cell[n++] = trim(p);
        if (!c)
            break;
        p = c + 1;
    }
    return n;
}

static int number(const char *csv, uint32_t line, const char *col, const char *text, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(*v)) {
        ftsa_cli_error(CMD, "%s: line %u: %s: '%s' is not a number", csv, line, col, text);
        return -1;
    }
    return 0;
}

/* One data line into p; col[c] is the cell index of column c (-1 absent). */
static int parse_point(const char *csv, const char *dir, uint32_t line, char **cell, int n,
                       const int *col, point_t *p)
{
    const char *v[C_COUNT];
    for (int c = 0; c < C_COUNT; c++)
        v[c] = col[c] >= 0 && col[c] < n ? cell[col[c]] : "";
    snprintf(p->label, sizeof p->label, "%s", *v[C_POINT] ? v[C_POINT] : "");
    if (!*p->label)
        snprintf(p->label, sizeof p->label, "line %u", line);
    double x;
    if (!*v[C_IMAGES]) {
        ftsa_cli_error(CMD, "%s: line %u: images: missing", csv, line);
        return -1;
    }
    if (number(csv, line, "images", v[C_IMAGES], &x))
        return -1;
    if (x < 1 || x > 10000 || x != floor(x)) {
        ftsa_cli_error(CMD, "%s: line %u: images: %s is not a whole number in 1..10000", csv,
                       line, v[C_IMAGES]);
        return -1;
    }
    p->images = (uint32_t)x;
    int has_ber = *v[C_BER] != 0, has_map = *v[C_MAP] != 0;
    if (has_ber == has_map) {
        ftsa_cli_error(CMD, "%s: line %u: give exactly one of ber and fault_map", csv, line);
        return -1;
    }
    p->ber = -1, p->vdd = NAN;
    if (has_ber) {
        if (number(csv, line, "ber", v[C_BER], &p->ber))
            return -1;
        if (p->ber < 0 || p->ber > 1) {
            ftsa_cli_error(CMD, "%s: line %u: ber: %s is outside 0..1", csv, line, v[C_BER]);
            return -1;
        }
    }
    if (*v[C_VDD] && number(csv, line, "vdd", v[C_VDD], &p->vdd))
        return -1;
    if (has_map)
        snprintf(p->map, sizeof p->map, "%s%s", v[C_MAP][0] == '/' ? "" : dir, v[C_MAP]);
    if (*v[C_ACC] && *v[C_ERRORS]) {
        ftsa_cli_error(CMD, "%s: line %u: give accuracy or errors, not both", csv, line);
        return -1;
    }
    if (*v[C_ACC]) {
        if (number(csv, line, "accuracy", v[C_ACC], &p->measured))
            return -1;
    } else if (*v[C_ERRORS]) {
        if (number(csv, line, "errors", v[C_ERRORS], &x))
            return -1;
        if (x < 0 || x > p->images) {
            ftsa_cli_error(CMD, "%s: line %u: errors: %s is outside 0..%u images", csv, line,
                           v[C_ERRORS], p->images);
            return -1;
        }
        p->measured = 1.0 - x / p->images;
    } else {
        ftsa_cli_error(CMD, "%s: line %u: no measured accuracy or errors", csv, line);
        return -1;
    }
    if (p->measured < 0 || p->measured > 1) {
        ftsa_cli_error(CMD, "%s: line %u: accuracy: %g is outside 0..1", csv, line, p->measured);
        return -1;
    }
    return 0;
}

static int read_csv(const char *csv, point_t **out, uint32_t *n_out)
{
    ftsa_err_t err = {0};
    uint8_t *buf;
    size_t len;
    if (ftsa_read_file(csv, MAX_CSV_BYTES, &buf, &len, &err)) {
        ftsa_cli_error(CMD, "%s", err.msg);
        return -1;
    }
    char dir[1024] = "";
    const char *slash = strrchr(csv, '/');
    if (slash && (size_t)(slash - csv + 1) < sizeof dir)
        memcpy(dir, csv, (size_t)(slash - csv + 1));
    point_t *pts = NULL;
    uint32_t n = 0, line = 0;
    int col[C_COUNT], have_header = 0, rc = 0;
    for (char *l = (char *)buf, *next; l && !rc; l = next) {
        next = strchr(l, '\n');
        if (next)
            *next++ = 0;
        line++;
        char *t = trim(l), *cell[32];
        if (!*t || *t == '#')
            continue;
        int k = split(t, cell, 32);
        if (!have_header) {
            for (int c = 0; c < C_COUNT; c++) {
                col[c] = -1;
                for (int i = 0; i < k; i++)
                    if (!strcmp(cell[i], col_names[c]))
                        col[c] = i;
            }
            for (int i = 0; i < k; i++) {
                int known = 0;
                for (int c = 0; c < C_COUNT; c++)
                    known |= col[c] == i;
                if (!known) {
                    ftsa_cli_error(CMD, "%s: line %u: unknown column '%s' (point, ber, vdd, "
                                   "fault_map, images, accuracy, errors)", csv, line, cell[i]);
                    rc = -1;
                }
            }
            have_header = 1;
            continue;
        }
        if (n == MAX_POINTS) {
            ftsa_cli_error(CMD, "%s: more than %u points", csv, MAX_POINTS);
            rc = -1;
            break;
        }
        point_t *np = realloc(pts, (n + 1) * sizeof *pts);
        if (!np) {
            ftsa_cli_error(CMD, "out of memory");
            rc = -1;
            break;
        }
        pts = np;
        memset(&pts[n], 0, sizeof pts[n]);
        rc = parse_point(csv, dir, line, cell, k, col, &pts[n]);
        n++;
    }
    free(buf);
    if (!rc && !n) {
        ftsa_cli_error(CMD, "%s: no measured points", csv);
        rc = -1;
    }
    if (rc) {
        free(pts);
        return -1;
    }
    *out = pts;
    *n_out = n;
    return 0;
}

/* ------------------------------------------------------------ simulation */

typedef struct {
    const char *csv, *model, *backend, *data, *out;
    uint32_t array_n, trials, first;
    ftsa_mem_t memory;
    ftsa_fault_kind_t kind;
    uint64_t seed;
    double max_error;
} sil_args_t;

/* The whole of SRAM-space memory mem of the RTL build as a draw region. */
static int whole_memory(const sil_args_t *a, ftsa_sram_region_t *r)
{
    /* SRAM-space memory -> the hardware memory holding its word 0, element width. */
    static const uint32_t hw_mem[FTSA_MEM_COUNT] = {FTSA_HW_MEM_WGT, FTSA_HW_MEM_ACT0,
                                                    FTSA_HW_MEM_ACC, FTSA_HW_MEM_PAR,
                                                    FTSA_HW_MEM_THR};
    static const uint32_t elem[FTSA_MEM_COUNT] = {8, 8, 32, 32, 8};
    ftsa_err_t err = {0};
    ftsa_hw_cfg_t hw;
    ftsa_hwm_t *geom;
    ftsa_hwm_default_cfg(a->array_n, &hw);
    if (ftsa_hwm_create(&hw, &geom, &err)) {
        ftsa_cli_error(CMD, "--array: %s", err.msg);
        return -1;
    }
    uint32_t m = hw_mem[a->memory];
    *r = (ftsa_sram_region_t){.mem = a->memory,
                              .count = ftsa_hwm_mem_depth(geom, m) * (a->memory == FTSA_MEM_ACT ? 2 : 1),
                              .word_bits = ftsa_hwm_mem_width(geom, m),
                              .elem_bits = elem[a->memory]};
    ftsa_hwm_destroy(geom);
    return 0;
}

static int accuracy(ftsa_dev_t *dev, const ftsa_dataset_t *ds, const sil_args_t *a,
                    const ftsa_fault_list_t *list, uint32_t images, double *acc)
{
    ftsa_err_t err = {0};
    uint32_t correct;
    if (ftsa_dev_set_faults(dev, list, &err) ||
        ftsa_dev_classify(dev, ds, a->first, images, NULL, &correct, &err)) {
        ftsa_cli_error(CMD, "%s", err.msg);
        return -1;
    }
    *acc = (double)correct / images;
    return 0;
}

static int simulate(const sil_args_t *a, ftsa_dev_t *dev, const ftsa_dataset_t *ds,
                    const ftsa_sram_region_t *region, uint32_t index, point_t *p)
{
    ftsa_err_t err = {0};
    if ((uint64_t)a->first + p->images > ds->count) {
        ftsa_cli_error(CMD, "%s: --first %u + %u images: the test set has %u", p->label, a->first,
                       p->images, ds->count);
        return -1;
    }
    ftsa_fault_list_t list;
    ftsa_faults_init(&list);
    int rc = 0;
    if (p->ber < 0) {
        p->trials = 1;
        if (ftsa_faults_read(p->map, &list, &err)) {
            ftsa_cli_error(CMD, "%s: %s", p->label, err.msg);
            rc = -1;
        } else
            rc = accuracy(dev, ds, a, &list, p->images, &p->sim);
        ftsa_faults_free(&list);
        return rc;
    }
    double sum = 0, sum2 = 0;
    ftsa_fault_spec_t spec = {.kind = a->kind};
    p->trials = a->trials;
    for (uint32_t t = 0; t < a->trials && !rc; t++) {
        double acc;
        ftsa_faults_free(&list);
        ftsa_faults_init(&list);
        uint64_t seed = a->seed + 1000ull * index + t;
        list.seed = seed;
        if (ftsa_faults_gen_sram_ber(region, &spec, p->ber, seed, &list, &err)) {
            ftsa_cli_error(CMD, "%s: %s", p->label, err.msg);
            rc = -1;
        } else if (!(rc = accuracy(dev, ds, a, &list, p->images, &acc))) {
            sum += acc;
            sum2 += acc * acc;
        }
    }
    ftsa_faults_free(&list);
    p->sim = sum / a->trials;
    double var = a->trials > 1 ? (sum2 - sum * sum / a->trials) / (a->trials - 1) : 0;
    p->sd = var > 0 ? sqrt(var) : 0;
    return rc;
}

/* ------------------------------------------------------------ report */

static double rel_error(const point_t *p)
{
    return p->measured > 0 ? fabs(p->sim - p->measured) / p->measured : fabs(p->sim - p->measured);
}

static void report(const sil_args_t *a, const point_t *pts, uint32_t n, FILE *csv)
{
    printf("%s: %u measured points, simulated on %s (%ux%u array), %s faults in the %s "
           "SRAM, %u trials per BER point\n\n", a->csv, n, a->backend, a->array_n, a->array_n,
           ftsa_fault_kind_name(a->kind), ftsa_mem_name(a->memory), a->trials);
    printf("%-16s %-22s %7s %9s %18s %9s %8s\n", "point", "condition", "images", "measured",
           "simulated (sd)", "abs (pp)", "rel");
    if (csv)
        fprintf(csv, "point,ber,vdd,fault_map,images,measured,simulated,sd,trials,abs_error,"
                     "rel_error\n");
    double abs_sum = 0, rel_sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        const point_t *p = &pts[i];
        char cond[64];
        if (p->ber >= 0)
            snprintf(cond, sizeof cond, "BER %g", p->ber);
        else if (!isnan(p->vdd))
            snprintf(cond, sizeof cond, "%.3f V, fault map", p->vdd);
        else
            snprintf(cond, sizeof cond, "fault map");
        double ab = fabs(p->sim - p->measured), re = rel_error(p);
        abs_sum += ab, rel_sum += re;
        printf("%-16s %-22s %7u %8.2f%% %9.2f%% (%5.2f) %9.2f %7.2f%%\n", p->label, cond,
               p->images, 100 * p->measured, 100 * p->sim, 100 * p->sd, 100 * ab, 100 * re);
        if (csv) {
            fprintf(csv, "%s,", p->label);
            if (p->ber >= 0)
                fprintf(csv, "%g", p->ber);
            fprintf(csv, ",");
            if (!isnan(p->vdd))
                fprintf(csv, "%g", p->vdd);
            fprintf(csv, ",%s,%u,%.6f,%.6f,%.6f,%u,%.6f,%.6f\n", p->ber < 0 ? p->map : "",
                    p->images, p->measured, p->sim, p->sd, p->trials, ab, re);
        }
    }
    printf("\nmean absolute error %.2f percentage points, mean relative error %.2f%% over %u "
           "points\n", 100 * abs_sum / n, 100 * rel_sum / n, n);
}

/* ------------------------------------------------------------ command */

static int pick(const char *opt, const char *text, const char *(*name)(int), int count, int *out)
{
    for (int i = 0; i < count; i++)
        if (!strcmp(text, name(i))) {
            *out = i;
            return 0;
        }
    ftsa_cli_error(CMD, "%s: unknown value '%s'", opt, text);
    return -1;
}
static const char *mem_name(int k) { return ftsa_mem_name((ftsa_mem_t)k); }
static const char *kind_name(int k) { return ftsa_fault_kind_name((ftsa_fault_kind_t)k); }

static int parse(int argc, char **argv, sil_args_t *a)
{
    static const struct option opts[] = {
        {"measured", required_argument, 0, 'M'}, {"model", required_argument, 0, 'm'},
        {"backend", required_argument, 0, 'b'},  {"array", required_argument, 0, 'n'},
        {"memory", required_argument, 0, 'y'},   {"kind", required_argument, 0, 'k'},
        {"trials", required_argument, 0, 't'},   {"seed", required_argument, 0, 's'},
        {"first", required_argument, 0, 'F'},    {"data", required_argument, 0, 'd'},
        {"csv", required_argument, 0, 'c'},      {"max-error", required_argument, 0, 'e'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0},
    };
    int c, v;
    optind = 0;
    while ((c = ftsa_cli_getopt(CMD, argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'M': a->csv = optarg; break;
        case 'm': a->model = optarg; break;
        case 'b': a->backend = optarg; break;
        case 'd': a->data = optarg; break;
        case 'c': a->out = optarg; break;
        case 'n':
            if (ftsa_cli_u32(CMD, "--array", optarg, 4, 64, &a->array_n))
                return FTSA_EXIT_USAGE;
            break;
        case 'y':
            if (pick("--memory", optarg, mem_name, FTSA_MEM_COUNT, &v))
                return FTSA_EXIT_USAGE;
            a->memory = (ftsa_mem_t)v;
            break;
        case 'k':
            if (pick("--kind", optarg, kind_name, FTSA_FAULT_SEU, &v))
                return FTSA_EXIT_USAGE;
            a->kind = (ftsa_fault_kind_t)v;
            break;
        case 't':
            if (ftsa_cli_u32(CMD, "--trials", optarg, 1, 1000, &a->trials))
                return FTSA_EXIT_USAGE;
            break;
        case 's':
            if (ftsa_cli_u64(CMD, "--seed", optarg, &a->seed))
                return FTSA_EXIT_USAGE;
            break;
        case 'F':
            if (ftsa_cli_u32(CMD, "--first", optarg, 0, 100000, &a->first))
                return FTSA_EXIT_USAGE;
            break;
        case 'e':
            if (ftsa_cli_double(CMD, "--max-error", optarg, &a->max_error))
                return FTSA_EXIT_USAGE;
            if (!(a->max_error >= 0)) {
                ftsa_cli_error(CMD, "--max-error: %s is not a non-negative percentage", optarg);
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
    if (!a->csv) {
        ftsa_cli_error(CMD, "--measured CSV is required");
        return FTSA_EXIT_USAGE;
    }
    return FTSA_EXIT_OK;
}

static int compare(const sil_args_t *a)
{
    point_t *pts;
    uint32_t n;
    ftsa_sram_region_t region;
    if (whole_memory(a, &region) || read_csv(a->csv, &pts, &n))
        return FTSA_EXIT_FAIL;
    ftsa_err_t err = {0};
    ftsa_net_t net;
    ftsa_dataset_t ds = {0};
    ftsa_dev_t *dev = NULL;
    FILE *out = NULL;
    int rc = FTSA_EXIT_FAIL;
    if (ftsa_model_load(a->model, &net, &err)) {
        ftsa_cli_error(CMD, "%s", err.msg);
        free(pts);
        return FTSA_EXIT_FAIL;
    }
    ftsa_dev_opts_t o = {.array_n = a->array_n};
    if (ftsa_dataset_load(a->data, FTSA_SPLIT_TEST, &ds, &err) ||
        ftsa_dev_open(a->backend, &net, &o, &dev, &err)) {
        ftsa_cli_error(CMD, "%s", err.msg);
        goto out;
    }
    for (uint32_t i = 0; i < n; i++)
        if (simulate(a, dev, &ds, &region, i, &pts[i]))
            goto out;
    if (a->out && !(out = fopen(a->out, "w"))) {
        ftsa_cli_error(CMD, "cannot write %s: %s", a->out, strerror(errno));
        goto out;
    }
    report(a, pts, n, out);
    if (out && fclose(out)) {
        out = NULL;
        ftsa_cli_error(CMD, "cannot write %s", a->out);
        goto out;
    }
    out = NULL;
    double rel = 0;
    for (uint32_t i = 0; i < n; i++)
        rel += rel_error(&pts[i]);
    rel = 100 * rel / n;
    rc = FTSA_EXIT_OK;
    if (a->max_error >= 0 && rel > a->max_error) {
        printf("mean relative error %.2f%% exceeds --max-error %g%%\n", rel, a->max_error);
        rc = FTSA_EXIT_FAIL;
    }
out:
    if (out)
        fclose(out);
    ftsa_dev_close(dev);
    ftsa_dataset_free(&ds);
    ftsa_net_free(&net);
    free(pts);
    return rc;
}

int ftsa_cmd_silicon(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "compare")) {
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
            usage(stdout);
            return FTSA_EXIT_OK;
        }
        ftsa_cli_error("silicon", "expected 'compare' (ftsa silicon compare --measured CSV)");
        return FTSA_EXIT_USAGE;
    }
    sil_args_t a = {.model = ftsa_cli_default_model(), .backend = "cmodel", .array_n = 8,
                    .trials = 5, .seed = 1, .memory = FTSA_MEM_WEIGHT, .kind = FTSA_FAULT_FLIP,
                    .max_error = -1};
    int rc = parse(argc - 1, argv + 1, &a);
    if (rc)
        return rc < 0 ? FTSA_EXIT_OK : rc;
    return compare(&a);
}
