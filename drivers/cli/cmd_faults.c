/* ftsa faults gen: draw a fault list; ftsa run: run images under a fault list. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ftsa/dataset.h"
#include "ftsa/driver.h"
#include "ftsa/faults.h"
#include "ftsa/hw_regs.h"
#include "ftsa/model_file.h"
#include "ftsa/outcome.h"

/* --bits: "all", "msb", "lsb", a range "A-B", a single bit "N", or a mask
 * "0xNN", over the bits of one element of width bits (what names it). */
static int parse_bits(const char *cmd, const char *text, uint32_t width, const char *what,
                      uint32_t *mask)
{
    uint32_t all = width >= 32 ? UINT32_MAX : (1u << width) - 1u;
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
    else if (!strncmp(text, "0x", 2) && sscanf(text, "%x%c", &a, &extra) == 1 && a && !(a & ~all))
        *mask = a;
    else if (sscanf(text, "%u%c", &a, &extra) == 1 && a < width)
        *mask = 1u << a;
    else {
        ftsa_cli_error(cmd, "--bits: '%s' is not all, msb, lsb, N, A-B or 0xMASK within %u-bit %s",
                       text, width, what);
        return -1;
    }
    return 0;
}

/* An inclusive range "A-B" (or a single "A") of unsigned integers. */
static int parse_range(const char *cmd, const char *opt, const char *text, uint64_t *lo,
                       uint64_t *hi)
{
    unsigned long long a, b;
    char extra;
    int n = sscanf(text, "%llu-%llu%c", &a, &b, &extra);
    if (text[0] < '0' || text[0] > '9' || (n != 1 && n != 2) || (n == 2 && a > b) ||
        (n == 1 && strchr(text, '-'))) {
        ftsa_cli_error(cmd, "%s: '%s' is not a range A-B of integers with A <= B", opt, text);
        return -1;
    }
    *lo = a;
    *hi = n == 2 ? b : a;
    return 0;
}

static int parse_name(const char *cmd, const char *opt, const char *text, const char *(*name)(int),
                      int count, const char *choices, int *out)
{
    for (int k = 0; k < count; k++)
        if (!strcmp(text, name(k))) {
            *out = k;
            return 0;
        }
    ftsa_cli_error(cmd, "%s: unknown value '%s' (%s)", opt, text, choices);
    return -1;
}

static const char *kind_name(int k) { return ftsa_fault_kind_name((ftsa_fault_kind_t)k); }
static const char *tensor_name(int k) { return ftsa_tensor_name((ftsa_tensor_t)k); }
static const char *mem_name(int k) { return ftsa_mem_name((ftsa_mem_t)k); }

static void gen_usage(FILE *out)
{
    fprintf(out,
            "usage: ftsa faults gen (--ber P | --count K) [--model FILE] [--tensor T] [--layer N]\n"
            "                       [--bits B] [--kind K] [--seed S] [--out FILE]\n"
            "       ftsa faults gen (--ber P | --count K) --memory M [--words A-B] [--array N]\n"
            "                       [--model FILE] [--bits B] [--kind K] [--cycles A-B]\n"
            "                       [--prob P] [--seed S] [--out FILE]\n\n"
            "Draws a fault list over a logical tensor of the model, or with --memory over\n"
            "an SRAM of the accelerator (docs/faults.md).\n\n"
            "  --ber P       every bit of the region fails independently with probability P\n"
            "  --count K     exactly K distinct bits of the region fail\n"
            "  --model FILE  .ftsa model (default %s)\n"
            "  --tensor T    weights (default), bias or act\n"
            "  --layer N     one layer (default: every layer that has the tensor)\n"
            "  --bits B      all (default), msb, lsb, N, A-B or 0xMASK, within each element\n"
            "                (a tensor element; an SRAM word's 8-bit lanes for weight, act\n"
            "                and thr, its 32-bit lanes for acc and param)\n"
            "  --kind K      flip (default), sa0, sa1; with --memory also seu and rd\n"
            "  --seed S      random seed (default 1)\n"
            "  --out FILE    write the list here (default standard output)\n\n"
            "SRAM space (the RTL build's memories, sized for an N x N array):\n"
            "  --memory M    weight, act (both buffers: words 0..2*depth-1), acc, param, thr\n"
            "  --words A-B   word range, inclusive (default: the whole memory; with --model,\n"
            "                the words the model's inference accesses on the cycle-accurate\n"
            "                C model)\n"
            "  --array N     array side (default 8)\n"
            "  --cycles A-B  seu: run cycles, inclusive, each upset's cycle drawn uniformly\n"
            "                (default: the whole inference run of the model, from cycle 0)\n"
            "  --prob P      rd: flip probability per read, in (0, 1] (required for rd)\n",
            ftsa_cli_default_model());
}

typedef struct {
    const char *model;
    int model_given;
    ftsa_tensor_region_t tensor;
    int tensor_given; /* --tensor or --layer */
    int memory;       /* ftsa_mem_t, or -1 for tensor space */
    uint64_t words[2], cycles[2];
    int words_given, cycles_given;
    uint32_t array_n;
    ftsa_fault_spec_t spec;
    int prob_given;
    const char *bits;
    uint64_t seed, count;
    double ber;
    int have_count;
    const char *out;
} gen_opts_t;

/* The hardware memory (FTSA_HW_MEM_*) holding SRAM-space memory mem's word 0,
 * and the width in bits of each element of its words. */
static uint32_t hw_mem_of(ftsa_mem_t mem, uint32_t *elem_bits)
{
    switch (mem) {
    case FTSA_MEM_WEIGHT: *elem_bits = 8; return FTSA_HW_MEM_WGT;
    case FTSA_MEM_ACT: *elem_bits = 8; return FTSA_HW_MEM_ACT0;
    case FTSA_MEM_ACC: *elem_bits = 32; return FTSA_HW_MEM_ACC;
    case FTSA_MEM_PARAM: *elem_bits = 32; return FTSA_HW_MEM_PAR;
    default: *elem_bits = 8; return FTSA_HW_MEM_THR;
    }
}

/* The span of words of mem (SRAM-space numbering) the traced run accessed:
 * [*first, *end); *end == 0 when none. */
static void used_words(const ftsa_trace_t *t, ftsa_mem_t mem, uint32_t act_depth, uint32_t *first,
                       uint32_t *end)
{
    uint32_t elem, hw = hw_mem_of(mem, &elem);
    *first = UINT32_MAX;
    *end = 0;
    for (size_t i = 0; i < t->n; i++) {
        const ftsa_access_t *a = &t->v[i];
        uint32_t word = a->addr;
        if (mem == FTSA_MEM_ACT && a->mem == FTSA_HW_MEM_ACT1)
            word += act_depth;
        else if (a->mem != hw)
            continue;
        if (word < *first)
            *first = word;
        if (word + 1 > *end)
            *end = word + 1;
    }
}

/* Defaults taken from one inference of the model on the cycle-accurate C
 * model: the words it accesses (unless --words) and the run's cycles (seu
 * without --cycles).  *run_cycles = the inference's length. */
static int model_defaults(const char *cmd, gen_opts_t *o, ftsa_sram_region_t *r,
                          uint64_t *run_cycles)
{
    ftsa_err_t err = {0};
    ftsa_net_t net;
    ftsa_trace_t trace;
    ftsa_cli_hw_run_t run;
    if (ftsa_model_load(o->model, &net, &err)) {
        ftsa_cli_error(cmd, "%s", err.msg);
        return FTSA_EXIT_FAIL;
    }
    ftsa_trace_init(&trace, o->array_n);
    ftsa_status_t st = ftsa_cli_hw_run(&net, o->array_n, &trace, &run, &err);
    ftsa_net_free(&net);
    int rc = FTSA_EXIT_OK;
    if (st) {
        ftsa_cli_error(cmd, "%s: %s", o->model, err.msg);
        rc = FTSA_EXIT_FAIL;
    } else {
        *run_cycles = run.infer_cycles;
        if (o->model_given && !o->words_given) {
            uint32_t first, end;
            used_words(&trace, r->mem, run.hw.act_depth, &first, &end);
            if (end) {
                r->first = first;
                r->count = end - first;
            } else {
                ftsa_cli_error(cmd, "%s: the inference never accesses the %s SRAM; give --words",
                               o->model, ftsa_mem_name(r->mem));
                rc = FTSA_EXIT_FAIL;
            }
        }
        if (o->spec.kind == FTSA_FAULT_SEU && !o->cycles_given)
            o->spec.cycle_first = 0, o->spec.cycle_end = run.infer_cycles;
        ftsa_cli_hw_run_free(&run);
    }
    ftsa_trace_free(&trace);
    return rc;
}

/* The SRAM region (geometry of the RTL build for --array) and, for seu, the
 * cycle range. */
static int sram_region(const char *cmd, gen_opts_t *o, ftsa_sram_region_t *r)
{
    ftsa_err_t err = {0};
    ftsa_hw_cfg_t hw;
    ftsa_hwm_t *geom;
    uint32_t elem, hw_mem = hw_mem_of((ftsa_mem_t)o->memory, &elem);
    ftsa_hwm_default_cfg(o->array_n, &hw);
    if (ftsa_hwm_create(&hw, &geom, &err)) {
        ftsa_cli_error(cmd, "--array: %s", err.msg);
        return FTSA_EXIT_USAGE;
    }
    uint64_t words = ftsa_hwm_mem_depth(geom, hw_mem) * (o->memory == FTSA_MEM_ACT ? 2ull : 1ull);
    *r = (ftsa_sram_region_t){.mem = (ftsa_mem_t)o->memory,
                              .count = (uint32_t)words,
                              .word_bits = ftsa_hwm_mem_width(geom, hw_mem),
                              .elem_bits = elem};
    ftsa_hwm_destroy(geom);
    const char *name = ftsa_mem_name(r->mem);
    if (o->words_given) {
        if (o->words[1] >= words) {
            ftsa_cli_error(cmd, "--words: %llu-%llu outside %s's words 0..%llu (N = %u)",
                           (unsigned long long)o->words[0], (unsigned long long)o->words[1], name,
                           (unsigned long long)words - 1, o->array_n);
            return FTSA_EXIT_USAGE;
        }
        r->first = (uint32_t)o->words[0];
        r->count = (uint32_t)(o->words[1] - o->words[0] + 1);
    }
    if (o->spec.kind == FTSA_FAULT_SEU && o->cycles_given)
        o->spec.cycle_first = o->cycles[0], o->spec.cycle_end = o->cycles[1] + 1;
    uint64_t run_cycles = 0;
    int need_run = (o->model_given && !o->words_given) ||
                   (o->spec.kind == FTSA_FAULT_SEU && !o->cycles_given);
    int rc = need_run ? model_defaults(cmd, o, r, &run_cycles) : FTSA_EXIT_OK;
    if (rc)
        return rc;
    fprintf(stderr, "%s words %u..%u of %u-bit words (N = %u)", name, r->first,
            r->first + r->count - 1, r->word_bits, o->array_n);
    if (o->spec.kind == FTSA_FAULT_SEU)
        fprintf(stderr, ", upsets in cycles %llu..%llu", (unsigned long long)o->spec.cycle_first,
                (unsigned long long)o->spec.cycle_end - 1);
    if (need_run)
        fprintf(stderr, " (inference of %s: %llu cycles)", o->model,
                (unsigned long long)run_cycles);
    fputc('\n', stderr);
    return FTSA_EXIT_OK;
}

static int upset_cmp(const void *a, const void *b)
{
    const ftsa_fault_t *x = a, *y = b;
    if (x->cycle != y->cycle)
        return x->cycle < y->cycle ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The RTL's fault port takes one upset per cycle: say when two drawn upsets
 * hit different words in one cycle (the rtl back end refuses such a list). */
static void note_upset_clashes(const ftsa_fault_list_t *list)
{
    ftsa_fault_t *v = malloc((list->n ? list->n : 1) * sizeof *v);
    if (!v)
        return;
    uint32_t n = 0, clashes = 0;
    for (uint32_t i = 0; i < list->n; i++)
        if (list->v[i].kind == FTSA_FAULT_SEU)
            v[n++] = list->v[i];
    qsort(v, n, sizeof *v, upset_cmp);
    for (uint32_t i = 1, counted = 0; i < n; i++) {
        if (v[i].cycle != v[i - 1].cycle)
            counted = 0;
        else if (v[i].index != v[i - 1].index && !counted)
            clashes++, counted = 1;
    }
    if (clashes)
        fprintf(stderr, "note: %u cycle%s hold%s upsets of several words: the rtl back end takes one "
                        "upset per cycle and will refuse this list (cmodel runs it)\n",
                clashes, clashes == 1 ? "" : "s", clashes == 1 ? "s" : "");
    free(v);
}

/* Draws the list over the SRAM or tensor region o names. */
static int gen_draw(const char *cmd, gen_opts_t *o, ftsa_fault_list_t *list, char *what,
                    size_t what_len, uint64_t *sites)
{
    ftsa_err_t err = {0};
    ftsa_status_t st;
    if (o->memory >= 0) {
        ftsa_sram_region_t r;
        uint32_t elem, mask;
        hw_mem_of((ftsa_mem_t)o->memory, &elem);
        if (parse_bits(cmd, o->bits, elem, "lanes", &mask))
            return FTSA_EXIT_USAGE;
        int rc = sram_region(cmd, o, &r);
        if (rc)
            return rc;
        r.bit_mask = mask;
        *sites = ftsa_sram_region_bits(&r);
        snprintf(what, what_len, "the %s SRAM", ftsa_mem_name(r.mem));
        st = o->have_count ? ftsa_faults_gen_sram_count(&r, &o->spec, o->count, o->seed, list, &err)
                           : ftsa_faults_gen_sram_ber(&r, &o->spec, o->ber, o->seed, list, &err);
    } else {
        if (parse_bits(cmd, o->bits, ftsa_tensor_bits(o->tensor.tensor),
                       ftsa_tensor_name(o->tensor.tensor), &o->tensor.bit_mask))
            return FTSA_EXIT_USAGE;
        ftsa_net_t net;
        if (ftsa_model_load(o->model, &net, &err)) {
            ftsa_cli_error(cmd, "%s", err.msg);
            return FTSA_EXIT_FAIL;
        }
        st = o->have_count ? ftsa_faults_gen_count(&net, &o->tensor, o->spec.kind, o->count,
                                                   o->seed, list, &err)
                           : ftsa_faults_gen_ber(&net, &o->tensor, o->spec.kind, o->ber, o->seed,
                                                 list, &err);
        *sites = ftsa_region_bits(&net, &o->tensor);
        snprintf(what, what_len, "%s", o->model);
        ftsa_net_free(&net);
    }
    if (st) {
        ftsa_cli_error(cmd, "%s", err.msg);
        return FTSA_EXIT_FAIL;
    }
    return FTSA_EXIT_OK;
}

/* Options that belong to one space only, and kinds that need their parameter. */
static int gen_check(const char *cmd, const gen_opts_t *o)
{
    if ((o->ber >= 0.0) == o->have_count) {
        ftsa_cli_error(cmd, "give exactly one of --ber and --count");
        return -1;
    }
    if (o->memory >= 0 && o->tensor_given) {
        ftsa_cli_error(cmd, "--memory (SRAM space) excludes --tensor and --layer (tensor space)");
        return -1;
    }
    if (o->memory < 0 && (o->words_given || o->cycles_given || o->prob_given || o->array_n)) {
        ftsa_cli_error(cmd, "--words, --cycles, --prob and --array need --memory (SRAM space)");
        return -1;
    }
    if (o->memory < 0 && o->spec.kind != FTSA_FAULT_SA0 && o->spec.kind != FTSA_FAULT_SA1 &&
        o->spec.kind != FTSA_FAULT_FLIP) {
        ftsa_cli_error(cmd, "--kind %s needs an SRAM (--memory); tensor space takes sa0, sa1, flip",
                       ftsa_fault_kind_name(o->spec.kind));
        return -1;
    }
    if (o->cycles_given && o->spec.kind != FTSA_FAULT_SEU) {
        ftsa_cli_error(cmd, "--cycles is for --kind seu");
        return -1;
    }
    if (o->prob_given != (o->spec.kind == FTSA_FAULT_READ_DISTURB)) {
        ftsa_cli_error(cmd, o->prob_given ? "--prob is for --kind rd"
                                          : "--kind rd needs --prob P (flip probability per read)");
        return -1;
    }
    return 0;
}

static int faults_gen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"ber", required_argument, 0, 'r'},    {"count", required_argument, 0, 'c'},
        {"model", required_argument, 0, 'm'},  {"tensor", required_argument, 0, 't'},
        {"layer", required_argument, 0, 'l'},  {"bits", required_argument, 0, 'b'},
        {"kind", required_argument, 0, 'k'},   {"seed", required_argument, 0, 's'},
        {"out", required_argument, 0, 'o'},    {"memory", required_argument, 0, 'M'},
        {"words", required_argument, 0, 'w'},  {"array", required_argument, 0, 'n'},
        {"cycles", required_argument, 0, 'C'}, {"prob", required_argument, 0, 'p'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0},
    };
    const char *cmd = "faults gen";
    gen_opts_t o = {.model = ftsa_cli_default_model(),
                    .tensor = {.tensor = FTSA_TENSOR_WEIGHTS, .layer = FTSA_ALL_LAYERS},
                    .memory = -1,
                    .spec = {.kind = FTSA_FAULT_FLIP},
                    .bits = "all",
                    .seed = 1,
                    .ber = -1.0};
    int c, v;
    optind = 0;
    while ((c = ftsa_cli_getopt(cmd, argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            if (ftsa_cli_double(cmd, "--ber", optarg, &o.ber))
                return FTSA_EXIT_USAGE;
            if (!(o.ber >= 0.0 && o.ber <= 1.0)) {
                ftsa_cli_error(cmd, "--ber: %s is not a probability in [0, 1]", optarg);
                return FTSA_EXIT_USAGE;
            }
            break;
        case 'c':
            if (ftsa_cli_u64(cmd, "--count", optarg, &o.count))
                return FTSA_EXIT_USAGE;
            o.have_count = 1;
            break;
        case 'm': o.model = optarg, o.model_given = 1; break;
        case 't':
            if (parse_name(cmd, "--tensor", optarg, tensor_name, FTSA_TENSOR_COUNT,
                           "weights bias act", &v))
                return FTSA_EXIT_USAGE;
            o.tensor.tensor = (ftsa_tensor_t)v, o.tensor_given = 1;
            break;
        case 'l':
            if (ftsa_cli_u32(cmd, "--layer", optarg, 0, FTSA_MAX_LAYERS - 1, &o.tensor.layer))
                return FTSA_EXIT_USAGE;
            o.tensor_given = 1;
            break;
        case 'b': o.bits = optarg; break;
        case 'k':
            if (parse_name(cmd, "--kind", optarg, kind_name, FTSA_FAULT_KIND_COUNT,
                           "sa0 sa1 flip; with --memory also seu rd", &v))
                return FTSA_EXIT_USAGE;
            o.spec.kind = (ftsa_fault_kind_t)v;
            break;
        case 's':
            if (ftsa_cli_u64(cmd, "--seed", optarg, &o.seed))
                return FTSA_EXIT_USAGE;
            break;
        case 'o': o.out = optarg; break;
        case 'M':
            if (parse_name(cmd, "--memory", optarg, mem_name, FTSA_MEM_COUNT,
                           "weight act acc param thr", &o.memory))
                return FTSA_EXIT_USAGE;
            break;
        case 'w':
            if (parse_range(cmd, "--words", optarg, &o.words[0], &o.words[1]))
                return FTSA_EXIT_USAGE;
            o.words_given = 1;
            break;
        case 'n':
            if (ftsa_cli_u32(cmd, "--array", optarg, 4, 64, &o.array_n))
                return FTSA_EXIT_USAGE;
            break;
        case 'C':
            if (parse_range(cmd, "--cycles", optarg, &o.cycles[0], &o.cycles[1]))
                return FTSA_EXIT_USAGE;
            if (o.cycles[1] == UINT64_MAX) {
                ftsa_cli_error(cmd, "--cycles: %s ends past the last cycle", optarg);
                return FTSA_EXIT_USAGE;
            }
            o.cycles_given = 1;
            break;
        case 'p':
            if (ftsa_cli_double(cmd, "--prob", optarg, &o.spec.prob))
                return FTSA_EXIT_USAGE;
            if (!(o.spec.prob > 0.0 && o.spec.prob <= 1.0)) {
                ftsa_cli_error(cmd, "--prob: %s is not a probability in (0, 1]", optarg);
                return FTSA_EXIT_USAGE;
            }
            o.prob_given = 1;
            break;
        case 'h': gen_usage(stdout); return FTSA_EXIT_OK;
        default: return FTSA_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        ftsa_cli_error(cmd, "unexpected argument '%s'", argv[optind]);
        return FTSA_EXIT_USAGE;
    }
    if (gen_check(cmd, &o))
        return FTSA_EXIT_USAGE;
    if (!o.array_n)
        o.array_n = 8;
    ftsa_fault_list_t list;
    ftsa_faults_init(&list);
    char what[1100];
    uint64_t sites = 0;
    int rc = gen_draw(cmd, &o, &list, what, sizeof what, &sites);
    if (!rc) {
        ftsa_err_t err = {0};
        if (o.out ? ftsa_faults_save(&list, o.out, &err) : ftsa_faults_write(&list, stdout, &err)) {
            ftsa_cli_error(cmd, "%s", err.msg);
            rc = FTSA_EXIT_FAIL;
        } else {
            fprintf(stderr, "%u faults over %llu bits of %s\n", list.n,
                    (unsigned long long)sites, what);
            note_upset_clashes(&list);
        }
    }
    ftsa_faults_free(&list);
    return rc;
}

int ftsa_cmd_faults(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "gen"))
        return faults_gen(argc - 1, argv + 1);
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: ftsa faults gen ...   draw a fault list (ftsa faults gen --help)\n");
        return FTSA_EXIT_OK;
    }
    if (argc >= 2)
        ftsa_cli_error("faults", "unknown subcommand '%s': gen (see ftsa help faults)", argv[1]);
    else
        ftsa_cli_error("faults", "expected a subcommand: gen (see ftsa help faults)");
    return FTSA_EXIT_USAGE;
}

/* ---- ftsa run ---------------------------------------------------------------- */

static void run_usage(FILE *out)
{
    fprintf(out,
            "usage: ftsa run --faults LIST [--model FILE] [--backend NAME] [--images N]\n"
            "                [--first I] [--data DIR] [--per-image FILE] [--outcomes FILE]\n"
            "                [--trace FILE] [--json] [-q|-v]\n\n"
            "Runs test images fault-free and under the fault list on the same back end;\n"
            "prints both accuracies and how many predictions the faults changed.\n\n"
            "  --faults LIST     fault list (ftsa faults gen, docs/faults.md)\n"
            "  --model FILE      .ftsa model (default %s)\n"
            "  --backend NAME    back end (default cmodel)\n"
            "  --images N        number of test images (default 1000)\n"
            "  --first I         first test image (default 0)\n"
            "  --per-image FILE  CSV: image, label, fault-free and faulty prediction, changed\n"
            "  --outcomes FILE   inject each fault alone and write its outcome class (masked,\n"
            "                    output-changed, sdc) to a CSV; prints the class totals\n"
            "  --trace FILE      waveform of the whole run, fault-free then faulty (rtl back\n"
            "                    end; FILE.vcd or FILE.fst; keep --images small)\n"
            "  --json            print the results as one JSON object\n"
            "  -q, --quiet       no progress on stderr\n"
            "  -v, --verbose     progress from the start (by default after 2 s)\n",
            ftsa_cli_default_model());
}

/* Per-fault outcome classes to a CSV, with totals on report. */
static ftsa_status_t write_outcomes(ftsa_dev_t *dev, const ftsa_dataset_t *ds, uint32_t first,
                                   uint32_t images, const ftsa_fault_list_t *list, const char *path,
                                   FILE *report, ftsa_err_t *err)
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
        fprintf(report, "outcomes of %u faults, each alone (%s):", list->n, path);
        for (int k = 0; k < FTSA_OUTCOME_COUNT; k++)
            fprintf(report, " %s %u", ftsa_outcome_name((ftsa_outcome_t)k), totals[k]);
        fprintf(report, "\n");
    }
    free(o);
    return st;
}

/* ftsa_dev_classify in slices, with progress (done counts from `base`). */
static ftsa_status_t classify(ftsa_dev_t *dev, const ftsa_dataset_t *ds, uint32_t first,
                              uint32_t images, uint8_t *pred, uint32_t *correct,
                              ftsa_cli_progress_t *pr, uint64_t base, ftsa_err_t *err)
{
    enum { SLICE = 16 };
    *correct = 0;
    for (uint32_t k = 0; k < images; k += SLICE) {
        uint32_t n = images - k < SLICE ? images - k : SLICE, ok;
        ftsa_status_t st = ftsa_dev_classify(dev, ds, first + k, n, pred + k, &ok, err);
        if (st)
            return st;
        *correct += ok;
        ftsa_cli_progress(pr, base + k + n, 0);
    }
    return FTSA_OK;
}

static void print_run_json(const char *model, const char *backend, const char *faults_path,
                           uint32_t n_faults, uint32_t first, uint32_t images, uint32_t ok_golden,
                           uint32_t ok_faulty, uint32_t changed)
{
    printf("{\"command\": \"run\", \"model\": ");
    ftsa_cli_json_str(stdout, model);
    printf(", \"backend\": ");
    ftsa_cli_json_str(stdout, backend);
    printf(", \"fault_list\": ");
    ftsa_cli_json_str(stdout, faults_path);
    printf(", \"faults\": %u, \"first\": %u, \"images\": %u, \"fault_free_correct\": %u, "
           "\"faulty_correct\": %u, \"changed\": %u, \"fault_free_accuracy\": ",
           n_faults, first, images, ok_golden, ok_faulty, changed);
    ftsa_cli_json_num(stdout, (double)ok_golden / images);
    printf(", \"faulty_accuracy\": ");
    ftsa_cli_json_num(stdout, (double)ok_faulty / images);
    printf("}\n");
}

int ftsa_cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"faults", required_argument, 0, 'f'},  {"model", required_argument, 0, 'm'},
        {"backend", required_argument, 0, 'b'}, {"images", required_argument, 0, 'n'},
        {"first", required_argument, 0, 'i'},   {"data", required_argument, 0, 'd'},
        {"per-image", required_argument, 0, 'p'}, {"outcomes", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},          {"json", no_argument, 0, 'j'},
        {"quiet", no_argument, 0, 'q'},         {"verbose", no_argument, 0, 'v'},
        {"trace", required_argument, 0, 't'},
        {0, 0, 0, 0},
    };
    const char *cmd = "run", *model = ftsa_cli_default_model(), *backend = "cmodel";
    const char *faults_path = NULL, *data = NULL, *per_image = NULL, *outcomes = NULL;
    ftsa_dev_opts_t dopts = {0};
    uint32_t images = 1000, first = 0;
    int c, json = 0, verbosity = FTSA_CLI_NORMAL;
    optind = 0;
    while ((c = ftsa_cli_getopt(cmd, argc, argv, "hqv", opts, NULL)) != -1) {
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
        case 'j': json = 1; break;
        case 'q': verbosity = FTSA_CLI_QUIET; break;
        case 'v': verbosity = FTSA_CLI_VERBOSE; break;
        case 't': dopts.trace_path = optarg; break;
        case 'h': run_usage(stdout); return FTSA_EXIT_OK;
        default: return FTSA_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        ftsa_cli_error(cmd, "unexpected argument '%s'", argv[optind]);
        return FTSA_EXIT_USAGE;
    }
    if (!faults_path) {
        ftsa_cli_error(cmd, "--faults LIST is required");
        return FTSA_EXIT_USAGE;
    }
    if (ftsa_cli_backend(cmd, backend))
        return FTSA_EXIT_USAGE;
    /* Outputs that cannot be written fail now, not after the runs. */
    if ((per_image && ftsa_cli_check_output(cmd, "--per-image", per_image)) ||
        (outcomes && ftsa_cli_check_output(cmd, "--outcomes", outcomes)))
        return FTSA_EXIT_FAIL;
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
        ftsa_dev_open(backend, &net, &dopts, &dev, &err))
        goto fail;
    if ((uint64_t)first + images > ds.count) {
        ftsa_cli_error(cmd, "--first %u --images %u: images %u..%llu requested, the test set has "
                            "%u (0..%u)", first, images, first,
                       (unsigned long long)first + images - 1, ds.count, ds.count - 1);
        rc = FTSA_EXIT_USAGE;
        goto out;
    }
    golden = malloc(images);
    faulty = malloc(images);
    if (!golden || !faulty) {
        ftsa_fail(&err, FTSA_E_NOMEM, "out of memory");
        goto fail;
    }
    uint32_t ok_golden, ok_faulty;
    ftsa_cli_progress_t pr;
    ftsa_cli_progress_start(&pr, cmd, "inferences", 2ull * images, verbosity, 2.0);
    if (classify(dev, &ds, first, images, golden, &ok_golden, &pr, 0, &err))
        goto fail;
    if (ftsa_dev_set_faults(dev, &list, &err)) {
        ftsa_err_prefix(&err, "%s: ", faults_path);
        goto fail;
    }
    if (classify(dev, &ds, first, images, faulty, &ok_faulty, &pr, images, &err))
        goto fail;
    ftsa_cli_progress(&pr, 2ull * images, 1);
    uint32_t changed = 0;
    for (uint32_t i = 0; i < images; i++)
        changed += golden[i] != faulty[i];
    if (json)
        print_run_json(model, backend, faults_path, list.n, first, images, ok_golden, ok_faulty,
                       changed);
    else {
        printf("model %s, back end %s, %u faults from %s, images %u..%u\n", model, backend, list.n,
               faults_path, first, first + images - 1);
        printf("fault-free accuracy %.2f%% (%u/%u)\n", 100.0 * ok_golden / images, ok_golden, images);
        printf("faulty accuracy     %.2f%% (%u/%u)\n", 100.0 * ok_faulty / images, ok_faulty, images);
        printf("predictions changed %u of %u (%.2f%%)\n", changed, images, 100.0 * changed / images);
    }
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
    /* With --json, standard output holds the JSON object only. */
    if (outcomes &&
        write_outcomes(dev, &ds, first, images, &list, outcomes, json ? stderr : stdout, &err))
        goto fail;
    rc = FTSA_EXIT_OK;
fail:
    if (rc)
        ftsa_cli_error(cmd, "%s", err.msg);
out:
    free(golden);
    free(faulty);
    ftsa_dev_close(dev);
    ftsa_faults_free(&list);
    ftsa_dataset_free(&ds);
    ftsa_net_free(&net);
    return rc;
}
