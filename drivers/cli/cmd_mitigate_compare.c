/* ftsa compare-mitigations: the same fault campaign on several models (the
 * unprotected one and its protected variants) and one report comparing them
 * (docs/mitigations.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "ftsa/campaign.h"
#include "ftsa/mitigate.h"

#define MAX_VARIANTS 16

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ftsa compare-mitigations [CONFIG] --variant NAME=MODEL ... [--KEY VALUE ...]\n"
            "                                [--fresh] [--no-report] [--quiet] [--threads N]\n\n"
            "Runs the same fault campaign (ftsa campaign's config file and keys; per_layer\n"
            "defaults to off here) on every variant's model, in OUT/NAME, so that every\n"
            "variant sees the same fault lists, then writes OUT/report.html, compare.json and\n"
            "compare.svg/png: accuracy against fault rate with confidence bands, AUC,\n"
            "fault-free accuracy and threshold memory of each variant.  Interrupted, it\n"
            "resumes where it stopped.  Example:\n\n"
            "  ftsa compare-mitigations --variant unprotected=models/lenet5.ftsa \\\n"
            "      --variant ranger=r.ftsa --variant clipact=c.ftsa --variant fitact=f.ftsa \\\n"
            "      --ber 'logspace(1e-4, 1e-1, 7)' --trials 10 --images 1000 --out cmp\n\n"
            "  --variant NAME=MODEL  a variant (2..%d; NAME: letters, digits, '-', '_')\n"
            "  --fresh               discard earlier results in the variants' directories\n"
            "  --no-report           no per-variant plots and reports (the comparison is\n"
            "                        still written)\n"
            "  --quiet, -q           no progress output\n"
            "  --threads N           threads (default: every core); same results\n",
            MAX_VARIANTS);
}

typedef struct {
    char name[64];
    const char *model;
} variant_arg_t;

typedef struct {
    ftsa_camp_config_t cfg;
    variant_arg_t v[MAX_VARIANTS];
    uint32_t n;
    int fresh, no_report, quiet;
} args_t;

static int add_variant(args_t *a, const char *text)
{
    const char *eq = strchr(text, '=');
    size_t len = eq ? (size_t)(eq - text) : 0;
    if (!eq || !len || len >= sizeof a->v[0].name || !eq[1]) {
        ftsa_cli_error("compare-mitigations", "--variant '%s' is not NAME=MODEL", text);
        return -1;
    }
    if (strspn(text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != len) {
        ftsa_cli_error("compare-mitigations", "--variant '%s': names take letters, digits, '-', '_'",
                       text);
        return -1;
    }
    if (a->n == MAX_VARIANTS) {
        ftsa_cli_error("compare-mitigations", "more than %d variants", MAX_VARIANTS);
        return -1;
    }
    for (uint32_t k = 0; k < a->n; k++)
        if (strlen(a->v[k].name) == len && !strncmp(a->v[k].name, text, len)) {
            ftsa_cli_error("compare-mitigations", "variant name '%.*s' given twice", (int)len, text);
            return -1;
        }
    memcpy(a->v[a->n].name, text, len);
    a->v[a->n].name[len] = '\0';
    a->v[a->n++].model = eq + 1;
    return 0;
}

/* Config files (the operands) first, so that flags override them whatever
 * the order; then the flags. */
static int parse(int argc, char **argv, args_t *a)
{
    enum { OPT_VARIANT = 256, OPT_FRESH, OPT_NO_REPORT, OPT_THREADS };
    static const struct option fixed[] = {
        {"variant", required_argument, 0, OPT_VARIANT}, {"fresh", no_argument, 0, OPT_FRESH},
        {"no-report", no_argument, 0, OPT_NO_REPORT},   {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},                  {"threads", required_argument, 0, OPT_THREADS},
    };
    static struct option opts[2 * FTSA_CLI_CAMP_MAX_OPTS];
    ftsa_cli_camp_options(opts, sizeof opts / sizeof opts[0], fixed, sizeof fixed / sizeof fixed[0]);
    const char *const *keys = ftsa_camp_config_keys();
    const char *cmd = "compare-mitigations";
    memset(a, 0, sizeof *a);
    ftsa_camp_config_defaults(&a->cfg);
    a->cfg.per_layer = 0;
    snprintf(a->cfg.out, sizeof a->cfg.out, "compare-out");
    for (int pass = 1; pass <= 2; pass++) {
        int c;
        optind = 0;
        while ((c = ftsa_cli_getopt(cmd, argc, argv, "hq", opts, NULL)) != -1) {
            if (c == '?')
                return FTSA_EXIT_USAGE;
            if (c == 'h') {
                usage(stdout);
                return FTSA_EXIT_OK;
            }
            if (pass == 1)
                continue;
            ftsa_err_t err = {0};
            switch (c) {
            case OPT_VARIANT:
                if (add_variant(a, optarg))
                    return FTSA_EXIT_USAGE;
                break;
            case OPT_FRESH: a->fresh = 1; break;
            case OPT_NO_REPORT: a->no_report = 1; break;
            case 'q': a->quiet = 1; break;
            case OPT_THREADS:
                if (ftsa_cli_u32(cmd, "--threads", optarg, 1, 1024, &a->cfg.threads))
                    return FTSA_EXIT_USAGE;
                break;
            default:
                if (ftsa_camp_config_set_flag(&a->cfg, keys[c - FTSA_CLI_OPT_KEY], optarg, &err)) {
                    ftsa_cli_error(cmd, "%s", err.msg);
                    return FTSA_EXIT_USAGE;
                }
            }
        }
        for (int i = optind; pass == 1 && i < argc; i++) {
            ftsa_err_t err = {0};
            if (ftsa_camp_config_read(&a->cfg, argv[i], &err)) {
                ftsa_cli_error(cmd, "%s", err.msg);
                return FTSA_EXIT_USAGE;
            }
        }
    }
    ftsa_err_t err = {0};
    if (a->n < 2) {
        ftsa_cli_error("compare-mitigations", "give at least two --variant NAME=MODEL");
        return FTSA_EXIT_USAGE;
    }
    if (ftsa_cli_backend("compare-mitigations", a->cfg.backend))
        return FTSA_EXIT_USAGE;
    snprintf(a->cfg.model, sizeof a->cfg.model, "%s", a->v[0].model); /* each run sets its own */
    if (ftsa_camp_config_check(&a->cfg, &err)) {
        ftsa_cli_error("compare-mitigations", "%s", err.msg);
        return FTSA_EXIT_USAGE;
    }
    return -1;
}

static void progress(void *ctx, uint64_t done, uint64_t total)
{
    const char *name = ctx;
    if (done == total || done % 50 == 0)
        fprintf(stderr, "compare-mitigations: %s: %llu/%llu trials\n", name,
                (unsigned long long)done, (unsigned long long)total);
}

/* Run variant k's campaign into camp / j / s. */
static ftsa_status_t run_variant(const args_t *a, uint32_t k, ftsa_camp_t *camp,
                                 ftsa_camp_journal_t *j, ftsa_camp_summary_t *s, ftsa_err_t *err)
{
    ftsa_camp_config_t cfg = a->cfg;
    snprintf(cfg.model, sizeof cfg.model, "%s", a->v[k].model);
    if ((size_t)snprintf(cfg.out, sizeof cfg.out, "%s/%s", a->cfg.out, a->v[k].name) >= sizeof cfg.out)
        return ftsa_fail(err, FTSA_E_INVALID, "output path too long");
    if (mkdir(cfg.out, 0755) && errno != EEXIST)
        return ftsa_fail(err, FTSA_E_IO, "%s: cannot create: %s", cfg.out, strerror(errno));
    char path[FTSA_CAMP_PATH_LEN + 32];
    snprintf(path, sizeof path, "%s/campaign.cfg", cfg.out);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "# Resolved configuration of variant %s (ftsa compare-mitigations).\n",
                a->v[k].name);
        ftsa_camp_config_write(&cfg, f);
    }
    if (!f || fclose(f))
        return ftsa_fail(err, FTSA_E_IO, "%s: cannot write", path);
    snprintf(path, sizeof path, "%s/trials.csv", cfg.out);
    if (a->fresh && remove(path) && errno != ENOENT)
        return ftsa_fail(err, FTSA_E_IO, "%s: cannot remove: %s", path, strerror(errno));
    ftsa_status_t st = ftsa_camp_open(&cfg, camp, err);
    if (st)
        return st;
    if (!a->quiet)
        fprintf(stderr, "compare-mitigations: %s (%s): fault-free %.2f%%, %llu trials\n",
                a->v[k].name, cfg.model, 100.0 * camp->base_correct / cfg.images,
                (unsigned long long)camp->plan.n_trials);
    st = ftsa_camp_run_all(camp, path, a->quiet ? NULL : progress, (void *)a->v[k].name, j, err);
    if (!st && (st = ftsa_camp_summarize(camp, j, s, err)))
        ftsa_camp_journal_free(j);
    char spath[FTSA_CAMP_PATH_LEN + 32];
    snprintf(spath, sizeof spath, "%s/summary.json", cfg.out);
    int plotted;
    if (!st && ((st = ftsa_camp_write_summary(camp, s, spath, err)) ||
                (!a->no_report && (st = ftsa_camp_write_report(camp, s, &plotted, err))))) {
        ftsa_camp_summary_free(s);
        ftsa_camp_journal_free(j);
    }
    if (st)
        ftsa_camp_close(camp);
    return st;
}

static void print_table(const ftsa_camp_variant_t *v, uint32_t n)
{
    printf("%-14s %12s %9s %9s %10s\n", "variant", "fault-free %", "AUC(log)", "AUC(lin)",
           "thr bytes");
    for (uint32_t k = 0; k < n; k++)
        printf("%-14s %12.2f %9.4f %9.4f %10llu\n", v[k].name, v[k].s->base_acc,
               v[k].s->curves[0].auc_log, v[k].s->curves[0].auc_linear,
               (unsigned long long)v[k].thr_bytes);
}

int ftsa_cmd_compare_mitigations(int argc, char **argv)
{
    static args_t a;
    int rc = parse(argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (mkdir(a.cfg.out, 0755) && errno != EEXIST) {
        ftsa_cli_error("compare-mitigations", "%s: cannot create: %s", a.cfg.out, strerror(errno));
        return FTSA_EXIT_FAIL;
    }
    static ftsa_camp_t camps[MAX_VARIANTS];
    static ftsa_camp_journal_t js[MAX_VARIANTS];
    static ftsa_camp_summary_t ss[MAX_VARIANTS];
    ftsa_camp_variant_t v[MAX_VARIANTS];
    ftsa_err_t err = {0};
    ftsa_status_t st = FTSA_OK;
    uint32_t opened = 0;
    for (; opened < a.n; opened++) {
        if ((st = run_variant(&a, opened, &camps[opened], &js[opened], &ss[opened], &err))) {
            ftsa_err_prefix(&err, "variant %s: ", a.v[opened].name);
            break;
        }
        v[opened] = (ftsa_camp_variant_t){a.v[opened].name, a.v[opened].name, &camps[opened],
                                          &ss[opened], &js[opened],
                                          ftsa_mit_thr_bytes(&camps[opened].net)};
    }
    int plotted = 0;
    if (!st)
        st = ftsa_camp_write_comparison(a.cfg.out, v, a.n, &plotted, &err);
    if (st) {
        ftsa_cli_error("compare-mitigations", "%s", err.msg);
        rc = st == FTSA_E_INVALID ? FTSA_EXIT_USAGE : FTSA_EXIT_FAIL;
    } else {
        if (!a.quiet)
            print_table(v, a.n);
        if (!plotted)
            fprintf(stderr, "ftsa compare-mitigations: gnuplot not found; report without plot\n");
        printf("report %s/report.html\n", a.cfg.out);
        rc = FTSA_EXIT_OK;
    }
    for (uint32_t k = 0; k < opened; k++) {
        ftsa_camp_summary_free(&ss[k]);
        ftsa_camp_journal_free(&js[k]);
        ftsa_camp_close(&camps[k]);
    }
    return rc;
}
