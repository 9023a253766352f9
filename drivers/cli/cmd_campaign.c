/* ftsa campaign: fault-injection sweeps with statistics, plots and a report,
 * resumable and shardable over MPI (docs/campaigns.md). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "ftsa/camp_comm.h"
#include "ftsa/campaign.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ftsa campaign [[--config] CONFIG] [--KEY VALUE ...] [--fresh] [--no-report]\n"
            "                     [--quiet] [--dry-run] [--threads N]\n\n"
            "Sweeps seeded fault draws over a network: for every target region, fault kind\n"
            "and bit error rate (or fault count), runs TRIALS trials on the same test images\n"
            "and writes trials.csv, summary.json, plots and report.html to the output\n"
            "directory.  Killed and restarted with the same command, it resumes.  Under\n"
            "'mpirun -np K' the trials are sharded over K ranks with identical results.\n\n"
            "CONFIG is a file of 'key = value' lines; every key is also a flag (--KEY VALUE\n"
            "or --KEY=VALUE, '-' and '_' alike) that overrides the file.  Keys:\n"
            "  model FILE        .ftsa model (default %s)\n"
            "  backend NAME      back end (default cmodel)\n"
            "  data DIR          Fashion-MNIST directory (default $FTSA_DATA_DIR or %s)\n"
            "  out DIR           output directory (default campaign-out)\n"
            "  faults LIST       fault kinds: sa0, sa1, flip (default flip)\n"
            "  tensors LIST      weights, bias, act (default weights)\n"
            "  layers LIST|all   one region per listed layer, or all layers together (default all)\n"
            "  bits all|msb|LIST bits of each element faults may hit, e.g. 7 or 4-7 (default all)\n"
            "  ber LIST          bit error rates, or logspace(A, B, N)\n"
            "                    (default 1e-5, 3e-5, 1e-4, ..., 1e-1, 3e-1)\n"
            "  count LIST        fault counts per trial instead of BERs (also logspace)\n"
            "  trials N|auto     trials per point; auto: Leveugle et al. sample size (default 10)\n"
            "  margin X          error margin for trials = auto (default 0.05)\n"
            "  confidence X      confidence of intervals and of trials = auto (default 0.95)\n"
            "  images N          test images per trial (default 500)\n"
            "  first N           first test image (default 0)\n"
            "  seed N            campaign seed (default 1)\n"
            "  per_layer on|off  also sweep every layer alone (default on)\n"
            "  per_memory on|off also sweep weights, bias and act of all layers (default off)\n"
            "  array N           systolic array side for hardware back ends (default 8)\n\n"
            "  --fresh           discard results already in the output directory\n"
            "  --no-report       skip plots and report.html (statistics still written)\n"
            "  --quiet, -q       no progress or plan on stderr (the results table still prints)\n"
            "  --dry-run         print the resolved config and the plan, run nothing\n"
            "  --threads N       threads per process (default: every core); same results\n",
            ftsa_cli_default_model(), FTSA_FMNIST_DIR);
}

typedef struct {
    const char *config;
    int fresh, no_report, quiet, dry_run;
} flags_t;

enum { OPT_CONFIG = 256, OPT_FRESH, OPT_NO_REPORT, OPT_DRY_RUN, OPT_THREADS };

void ftsa_cli_camp_options(struct option *o, size_t cap, const struct option *fixed, size_t n_fixed)
{
    static char alias[FTSA_CLI_CAMP_MAX_OPTS][64];
    size_t n = 0;
    for (size_t i = 0; i < n_fixed && n + 1 < cap; i++)
        o[n++] = fixed[i];
    const char *const *keys = ftsa_camp_config_keys();
    for (int k = 0; keys[k] && n + 3 < cap && k < FTSA_CLI_CAMP_MAX_OPTS; k++) {
        o[n++] = (struct option){keys[k], required_argument, 0, FTSA_CLI_OPT_KEY + k};
        if (!strchr(keys[k], '_'))
            continue;
        snprintf(alias[k], sizeof alias[k], "%s", keys[k]);
        for (char *c = alias[k]; *c; c++)
            *c = *c == '_' ? '-' : *c;
        o[n++] = (struct option){alias[k], required_argument, 0, FTSA_CLI_OPT_KEY + k};
    }
    o[n] = (struct option){0, 0, 0, 0};
}

/* Pass 1 finds the config file and the plain flags; pass 2 applies --KEY VALUE
 * over the file's keys.  Returns an exit code, or -1 to go on. */
static int parse_args(int argc, char **argv, ftsa_camp_config_t *cfg, flags_t *fl)
{
    static const struct option fixed[] = {
        {"config", required_argument, 0, OPT_CONFIG}, {"fresh", no_argument, 0, OPT_FRESH},
        {"no-report", no_argument, 0, OPT_NO_REPORT}, {"quiet", no_argument, 0, 'q'},
        {"dry-run", no_argument, 0, OPT_DRY_RUN},     {"help", no_argument, 0, 'h'},
        {"threads", required_argument, 0, OPT_THREADS},
    };
    static struct option opts[2 * FTSA_CLI_CAMP_MAX_OPTS];
    ftsa_cli_camp_options(opts, sizeof opts / sizeof opts[0], fixed, sizeof fixed / sizeof fixed[0]);
    const char *const *keys = ftsa_camp_config_keys();
    memset(fl, 0, sizeof *fl);
    for (int pass = 1; pass <= 2; pass++) {
        int c;
        optind = 0;
        while ((c = ftsa_cli_getopt("campaign", argc, argv, "hq", opts, NULL)) != -1) {
            if (c == '?')
                return FTSA_EXIT_USAGE;
            if (c == 'h') {
                usage(stdout);
                return FTSA_EXIT_OK;
            }
            if (pass == 2) {
                if (c == OPT_THREADS) {
                    if (ftsa_cli_u32("campaign", "--threads", optarg, 1, 1024, &cfg->threads))
                        return FTSA_EXIT_USAGE;
                    continue;
                }
                if (c < FTSA_CLI_OPT_KEY)
                    continue;
                ftsa_err_t err = {0};
                char where[96];
                snprintf(where, sizeof where, "command line (--%s)", keys[c - FTSA_CLI_OPT_KEY]);
                if (ftsa_camp_config_set(cfg, keys[c - FTSA_CLI_OPT_KEY], optarg, where, &err)) {
                    ftsa_cli_error("campaign", "%s", err.msg);
                    return FTSA_EXIT_USAGE;
                }
                continue;
            }
            switch (c) {
            case OPT_CONFIG:
                if (fl->config) {
                    ftsa_cli_error("campaign", "more than one config file");
                    return FTSA_EXIT_USAGE;
                }
                fl->config = optarg;
                break;
            case OPT_FRESH: fl->fresh = 1; break;
            case OPT_NO_REPORT: fl->no_report = 1; break;
            case 'q': fl->quiet = 1; break;
            case OPT_DRY_RUN: fl->dry_run = 1; break;
            default: break;
            }
        }
        if (pass == 1) {
            for (int i = optind; i < argc; i++) {
                if (fl->config) {
                    ftsa_cli_error("campaign", "unexpected argument '%s' (config is %s)", argv[i],
                                   fl->config);
                    return FTSA_EXIT_USAGE;
                }
                fl->config = argv[i];
            }
        }
        if (pass == 1 && fl->config) {
            ftsa_err_t err = {0};
            if (ftsa_camp_config_read(cfg, fl->config, &err)) {
                ftsa_cli_error("campaign", "%s", err.msg);
                return FTSA_EXIT_USAGE;
            }
        }
    }
    ftsa_err_t err = {0};
    if (ftsa_camp_config_check(cfg, &err)) {
        ftsa_cli_error("campaign", "%s%s%s", fl->config ? fl->config : "", fl->config ? ": " : "",
                       err.msg);
        return FTSA_EXIT_USAGE;
    }
    return -1;
}

static int make_dirs(const char *path)
{
    char buf[FTSA_CAMP_PATH_LEN];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = '\0';
            if (mkdir(buf, 0755) && errno != EEXIST)
                return -1;
            *p = c;
            if (!c)
                break;
        }
    }
    return 0;
}

static void print_plan(const ftsa_camp_t *camp, FILE *out)
{
    fprintf(out, "campaign: %s (%s) on %s, %u curves x %u rates = %u points, %" PRIu64
                 " trials of %u images; fault-free accuracy %.2f%%; config hash %016" PRIx64 "\n",
            camp->cfg.model, camp->net.name, camp->cfg.backend, camp->plan.n_curves,
            camp->cfg.n_rates, camp->plan.n_points, camp->plan.n_trials, camp->cfg.images,
            100.0 * camp->base_correct / camp->cfg.images, camp->hash);
}

static void print_summary(const ftsa_camp_t *camp, const ftsa_camp_summary_t *s)
{
    const ftsa_camp_config_t *cfg = &camp->cfg;
    printf("fault-free accuracy %.2f%% on test images %u..%u\n", s->base_acc, cfg->first,
           cfg->first + cfg->images - 1);
    printf("%-24s", cfg->mode == FTSA_CAMP_MODE_BER ? "curve \\ BER" : "curve \\ faults");
    for (uint32_t i = 0; i < cfg->n_rates; i++)
        printf(cfg->mode == FTSA_CAMP_MODE_BER ? " %8.2g" : " %8.0f", cfg->rates[i]);
    printf("   AUC(log) <=1%% loss\n");
    for (uint32_t c = 0; c < camp->plan.n_curves; c++) {
        const ftsa_camp_curve_t *cv = &camp->plan.curves[c];
        printf("%-24s", cv->name);
        for (uint32_t i = 0; i < cfg->n_rates; i++)
            printf(" %8.2f", s->points[cv->first_point + i].acc.mean);
        /* Undefined figures read "-" (an AUC of one rate) and "none" (no rate
         * within 1% of the fault-free accuracy), never nan. */
        double auc = s->curves[c].auc_log, tol = s->curves[c].tolerance[1];
        if (isfinite(auc))
            printf("   %8.4f", auc);
        else
            printf("   %8s", "-");
        if (isnan(tol))
            printf(" %9s\n", "none");
        else
            printf(" %9.3g\n", tol);
    }
}

/* Run this rank's share of the pending trials: pending index i goes to rank i mod size. */
static int run_share(ftsa_camp_t *camp, const ftsa_camp_comm_t *comm, const ftsa_camp_journal_t *j,
                     const char *path, int quiet)
{
    ftsa_err_t err = {0};
    const ftsa_camp_plan_t *plan = &camp->plan;
    uint8_t *done = calloc(plan->n_trials ? plan->n_trials : 1, 1);
    if (!done) {
        ftsa_cli_error("campaign", "out of memory");
        return -1;
    }
    for (uint32_t i = 0; i < j->n; i++)
        done[ftsa_camp_trial_index(plan, j->rows[i].point, j->rows[i].trial)] = 1;
    uint64_t pending = plan->n_trials - j->n, mine = 0;
    for (uint64_t i = comm->rank; i < pending; i += comm->size)
        mine++;
    int fd = -1, rc = 0;
    if (mine && ftsa_camp_journal_open(path, &fd, &err)) {
        ftsa_cli_error("campaign", "%s", err.msg);
        free(done);
        return -1;
    }
    ftsa_cli_progress_t pr;
    ftsa_cli_progress_start(&pr, "campaign", "trials", mine,
                            quiet || comm->rank != 0 ? FTSA_CLI_QUIET : FTSA_CLI_NORMAL, 0.0);
    uint64_t k = 0, ran = 0, idx = 0;
    for (uint32_t p = 0; p < plan->n_points && !rc; p++) {
        for (uint32_t t = 0; t < plan->points[p].trials && !rc; t++, idx++) {
            if (done[idx])
                continue;
            if (k++ % comm->size != (uint64_t)comm->rank)
                continue;
            ftsa_camp_row_t row;
            if (ftsa_camp_run_trial(camp, p, t, &row, &err) ||
                ftsa_camp_journal_append(camp, fd, &row, &err)) {
                ftsa_cli_error("campaign", "%s", err.msg);
                rc = -1;
                break;
            }
            ftsa_cli_progress(&pr, ++ran, 0);
        }
    }
    if (!rc && mine)
        ftsa_cli_progress(&pr, ran, 1);
    if (fd >= 0)
        close(fd);
    free(done);
    return rc;
}

/* Rank 0: the complete journal, sorted, then statistics, summary and report. */
static int finish(ftsa_camp_t *camp, const char *path, const flags_t *fl)
{
    ftsa_err_t err = {0};
    ftsa_camp_journal_t j;
    ftsa_camp_summary_t s;
    char spath[FTSA_CAMP_PATH_LEN + 32];
    if (ftsa_camp_journal_load(camp, path, &j, &err)) {
        ftsa_cli_error("campaign", "%s", err.msg);
        return FTSA_EXIT_FAIL;
    }
    int rc = FTSA_EXIT_FAIL;
    if (ftsa_camp_journal_rewrite(camp, path, &j, &err) || ftsa_camp_summarize(camp, &j, &s, &err)) {
        ftsa_cli_error("campaign", "%s", err.msg);
        goto out;
    }
    snprintf(spath, sizeof spath, "%s/summary.json", camp->cfg.out);
    if (ftsa_camp_write_summary(camp, &s, spath, &err)) {
        ftsa_cli_error("campaign", "%s", err.msg);
        goto out_s;
    }
    print_summary(camp, &s); /* the result: --quiet silences progress only */
    if (!fl->no_report) {
        int plotted;
        if (ftsa_camp_write_report(camp, &s, &plotted, &err)) {
            ftsa_cli_error("campaign", "%s", err.msg);
            goto out_s;
        }
        if (!plotted)
            fprintf(stderr, "ftsa campaign: gnuplot not found; report without plots\n");
        printf("report %s/report.html\n", camp->cfg.out);
    }
    rc = FTSA_EXIT_OK;
out_s:
    ftsa_camp_summary_free(&s);
out:
    ftsa_camp_journal_free(&j);
    return rc;
}

/* Rank 0: drop torn lines and make sure the file exists with its header
 * before any rank appends. */
static int prepare_journal(ftsa_camp_t *camp, const char *path, const flags_t *fl)
{
    ftsa_err_t err = {0};
    if (fl->fresh) {
        /* Results of the previous campaign go too, so none can pass for this one's. */
        static const char *const outputs[] = {"summary.json", "report.html", "curves.dat",
                                              "tolerance.dat"};
        for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
            char old[FTSA_CAMP_PATH_LEN + 32];
            snprintf(old, sizeof old, "%s/%s", camp->cfg.out, outputs[i]);
            unlink(old);
        }
        if (unlink(path) && errno != ENOENT) {
            ftsa_cli_error("campaign", "%s: cannot remove: %s", path, strerror(errno));
            return -1;
        }
    }
    ftsa_camp_journal_t j;
    if (ftsa_camp_journal_load(camp, path, &j, &err)) {
        ftsa_cli_error("campaign", "%s", err.msg);
        return -1;
    }
    int rc = 0;
    if (access(path, F_OK) || j.dropped) {
        if (ftsa_camp_journal_rewrite(camp, path, &j, &err)) {
            ftsa_cli_error("campaign", "%s", err.msg);
            rc = -1;
        }
    }
    if (!rc && !fl->quiet && (j.n || j.dropped))
        fprintf(stderr, "campaign: resuming, %u of %" PRIu64 " trials done%s\n", j.n,
                camp->plan.n_trials, j.dropped ? " (dropped torn or duplicate lines)" : "");
    ftsa_camp_journal_free(&j);
    return rc;
}

/* One campaign process group per output directory: a second `ftsa campaign`
 * on the same directory would append the same trials twice.  The lock goes
 * away with the process, also on SIGKILL.  Returns the fd or -1. */
static int lock_out_dir(const char *dir)
{
    char path[FTSA_CAMP_PATH_LEN + 32];
    snprintf(path, sizeof path, "%s/.lock", dir);
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    if (fd < 0) {
        ftsa_cli_error("campaign", "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB)) {
        ftsa_cli_error("campaign", "%s: another ftsa campaign is running in this directory", dir);
        close(fd);
        return -1;
    }
    return fd;
}

static int write_config_copy(const ftsa_camp_config_t *cfg)
{
    char path[FTSA_CAMP_PATH_LEN + 32];
    snprintf(path, sizeof path, "%s/campaign.cfg", cfg->out);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "# Resolved configuration of this campaign (ftsa campaign %s).\n", path);
    ftsa_camp_config_write(cfg, f);
    return fclose(f) ? -1 : 0;
}

int ftsa_cmd_campaign(int argc, char **argv)
{
    ftsa_camp_config_t cfg;
    ftsa_camp_config_defaults(&cfg);
    snprintf(cfg.model, sizeof cfg.model, "%s", ftsa_cli_default_model());
    flags_t fl;
    int rc = parse_args(argc, argv, &cfg, &fl);
    if (rc >= 0)
        return rc;
    if (ftsa_cli_backend("campaign", cfg.backend))
        return FTSA_EXIT_USAGE;
    ftsa_err_t err = {0};
    ftsa_camp_comm_t comm;
    if (ftsa_camp_comm_init(&comm, &err)) {
        ftsa_cli_error("campaign", "%s", err.msg);
        return FTSA_EXIT_FAIL;
    }
    char path[FTSA_CAMP_PATH_LEN + 32];
    snprintf(path, sizeof path, "%s/trials.csv", cfg.out);
    ftsa_camp_t camp;
    ftsa_status_t st = ftsa_camp_open(&cfg, &camp, &err);
    int fail = st != FTSA_OK;
    if (fail)
        ftsa_cli_error("campaign", "%s", err.msg);
    if (ftsa_camp_comm_any(&comm, fail)) {
        ftsa_camp_comm_finalize(&comm);
        if (!fail)
            ftsa_camp_close(&camp);
        return st == FTSA_E_INVALID ? FTSA_EXIT_USAGE : FTSA_EXIT_FAIL;
    }
    if (fl.dry_run) {
        if (comm.rank == 0) {
            ftsa_camp_config_write(&cfg, stdout);
            print_plan(&camp, stdout);
            for (uint32_t c = 0; c < camp.plan.n_curves; c++)
                printf("  curve %u: %s, %" PRIu64 " sites, %u trials per point\n", c,
                       camp.plan.curves[c].name, camp.plan.curves[c].sites,
                       camp.plan.points[camp.plan.curves[c].first_point].trials);
        }
        ftsa_camp_close(&camp);
        ftsa_camp_comm_finalize(&comm);
        return FTSA_EXIT_OK;
    }
    rc = FTSA_EXIT_FAIL;
    int lock_fd = -1;
    if (comm.rank == 0) {
        fail = make_dirs(cfg.out) != 0;
        if (fail)
            ftsa_cli_error("campaign", "%s: cannot create the output directory: %s", cfg.out,
                           strerror(errno));
        if (!fail && (lock_fd = lock_out_dir(cfg.out)) < 0)
            fail = 1;
        if (!fail && write_config_copy(&cfg))
            fail = 1, ftsa_cli_error("campaign", "%s: cannot write campaign.cfg", cfg.out);
        if (!fail)
            fail = prepare_journal(&camp, path, &fl) != 0;
        if (!fail && !fl.quiet) {
            print_plan(&camp, stderr);
            if (comm.size > 1)
                fprintf(stderr, "campaign: %d MPI ranks; progress shows rank 0's share\n",
                        comm.size);
        }
    }
    if (ftsa_camp_comm_any(&comm, fail))
        goto out;
    ftsa_camp_journal_t j;
    fail = ftsa_camp_journal_load(&camp, path, &j, &err) != FTSA_OK;
    if (fail)
        ftsa_cli_error("campaign", "%s", err.msg);
    /* Everyone has read the same journal before anyone appends to it. */
    if (ftsa_camp_comm_any(&comm, fail)) {
        ftsa_camp_journal_free(&j);
        goto out;
    }
    fail = run_share(&camp, &comm, &j, path, fl.quiet) != 0;
    ftsa_camp_journal_free(&j);
    if (ftsa_camp_comm_any(&comm, fail))
        goto out;
    rc = comm.rank == 0 ? finish(&camp, path, &fl) : FTSA_EXIT_OK;
out:
    if (lock_fd >= 0)
        close(lock_fd);
    ftsa_camp_close(&camp);
    ftsa_camp_comm_finalize(&comm);
    return rc;
}
