/* Fault campaigns: sweeps of seeded fault draws over a network, with
 * statistics, resumable results and sharding over processes.
 * docs/campaigns.md describes the config keys, outputs and statistics.
 *
 * Life cycle: ftsa_camp_config_defaults -> ftsa_camp_config_read / _set ->
 * ftsa_camp_open (loads model and data, expands the plan, measures the
 * fault-free baseline) -> ftsa_camp_run_trial for each pending (point, trial)
 * -> ftsa_camp_summarize -> ftsa_camp_write_summary / ftsa_camp_write_report. */
#ifndef FTSA_CAMPAIGN_H
#define FTSA_CAMPAIGN_H

#include <stdint.h>
#include <stdio.h>

#include "ftsa/camp_stats.h"
#include "ftsa/dataset.h"
#include "ftsa/driver.h"
#include "ftsa/error.h"
#include "ftsa/faults.h"
#include "ftsa/net.h"

#define FTSA_CAMP_PATH_LEN 1024
#define FTSA_CAMP_MAX_RATES 128
#define FTSA_CAMP_MAX_LAYERS 64
#define FTSA_CAMP_MAX_TRIALS 1000000u
/* Largest config file read (docs/campaigns.md). */
#define FTSA_CAMP_CONFIG_MAX (1u << 20)

typedef enum { FTSA_CAMP_MODE_BER = 0, FTSA_CAMP_MODE_COUNT = 1 } ftsa_camp_mode_t;

/* Which bits of an element faults may hit. */
typedef enum {
    FTSA_CAMP_BITS_ALL = 0, /* every bit */
    FTSA_CAMP_BITS_MSB = 1, /* the top bit of the element (sign bit) */
    FTSA_CAMP_BITS_MASK = 2 /* the bits of bit_mask */
} ftsa_camp_bits_t;

typedef struct {
    char model[FTSA_CAMP_PATH_LEN];
    char backend[64];
    char data[FTSA_CAMP_PATH_LEN]; /* "" = $FTSA_DATA_DIR or the default */
    char out[FTSA_CAMP_PATH_LEN];
    uint32_t kinds;   /* bit k set: fault kind k (sa0, sa1, flip) */
    uint32_t tensors; /* bit t set: tensor t (weights, bias, act) */
    uint32_t n_layers;                   /* 0: all layers as one region */
    uint32_t layers[FTSA_CAMP_MAX_LAYERS]; /* else one region per listed layer */
    ftsa_camp_bits_t bits;
    uint32_t bit_mask;
    ftsa_camp_mode_t mode;
    uint32_t n_rates;
    double rates[FTSA_CAMP_MAX_RATES]; /* BERs in (0, 1] or fault counts, ascending */
    uint32_t trials;   /* per point; 0 = pick by Leveugle et al. from margin/confidence */
    double margin;     /* error margin for trials = auto */
    double confidence; /* confidence level of intervals and of trials = auto */
    uint32_t images, first; /* test-set images [first, first + images) in every trial */
    uint64_t seed;
    int per_layer, per_memory;
    uint32_t array_n;
    /* SRAM space (space = sram): faults over words of one memory of the
     * accelerator as built for array_n, instead of the tensors above. */
    int sram;
    ftsa_mem_t memory;
    uint32_t words_first, words_count; /* words_count 0: the whole memory */
    /* How, not what (no config keys, not hashed: the results do not depend on them). */
    uint32_t threads;    /* classify threads of this process; 0 = every online core */
    int no_reuse;        /* 1: every trial recomputes every layer (benchmarks, tests) */
    size_t golden_bytes; /* bound of the kept fault-free run; 0 = FTSA_CAMP_GOLDEN_BYTES */
} ftsa_camp_config_t;

/* Default bound of the fault-free layer outputs a campaign keeps (per
 * process): LeNet-5 needs 9.3 kB per image, 4.6 MB for 500 images. */
#define FTSA_CAMP_GOLDEN_BYTES ((size_t)64 << 20)

void ftsa_camp_config_defaults(ftsa_camp_config_t *cfg);
/* Set one key from text; where names the source ("file.cfg:12" or
 * "command line") for the error message, which also names the key. */
ftsa_status_t ftsa_camp_config_set(ftsa_camp_config_t *cfg, const char *key, const char *value,
                                   const char *where, ftsa_err_t *err);
/* Set the key of a command-line flag (without its dashes; '-' and '_' alike),
 * naming "command line (--key)" in errors. */
ftsa_status_t ftsa_camp_config_set_flag(ftsa_camp_config_t *cfg, const char *flag,
                                        const char *value, ftsa_err_t *err);
/* Read "key = value" lines ('#' comments, blank lines) from path (at most
 * FTSA_CAMP_CONFIG_MAX bytes). */
ftsa_status_t ftsa_camp_config_read(ftsa_camp_config_t *cfg, const char *path, ftsa_err_t *err);
/* The same from text[0..len) (may hold NULs, which are an error); name is the
 * file name for messages. */
ftsa_status_t ftsa_camp_config_parse(ftsa_camp_config_t *cfg, const char *text, size_t len,
                                     const char *name, ftsa_err_t *err);
/* Check cross-key consistency after all keys are set. */
ftsa_status_t ftsa_camp_config_check(const ftsa_camp_config_t *cfg, ftsa_err_t *err);
/* Write the config in the file format (all keys). */
void ftsa_camp_config_write(const ftsa_camp_config_t *cfg, FILE *out);
/* Names of the keys, NULL-terminated (for the CLI's flags). */
const char *const *ftsa_camp_config_keys(void);

/* A curve: one region and fault kind swept over every rate. */
typedef enum { FTSA_CAMP_SCOPE_TARGET = 0, FTSA_CAMP_SCOPE_LAYER = 1, FTSA_CAMP_SCOPE_MEMORY = 2 } ftsa_camp_scope_t;

typedef struct {
    char name[64]; /* e.g. "flip weights all", "flip weights L3", "flip weight SRAM" */
    ftsa_camp_scope_t scope;
    int sram;                 /* 1: faults over sram_region, 0: over region */
    ftsa_tensor_region_t region;
    ftsa_sram_region_t sram_region;
    ftsa_fault_kind_t kind;
    uint64_t sites;       /* fault sites (bits) of the region */
    uint32_t first_point; /* points [first_point, first_point + n_rates) */
} ftsa_camp_curve_t;

typedef struct {
    uint32_t curve;
    double rate;     /* BER or fault count */
    uint32_t trials;
    uint64_t first_trial; /* global index of the point's trial 0 */
} ftsa_camp_point_t;

typedef struct {
    uint32_t n_curves, n_points;
    ftsa_camp_curve_t *curves;
    ftsa_camp_point_t *points;
    uint64_t n_trials; /* over all points */
} ftsa_camp_plan_t;

/* The SRAM region of cfg (memory, words, bits) on the hardware built for
 * cfg->array_n. */
ftsa_status_t ftsa_camp_sram_region(const ftsa_camp_config_t *cfg, ftsa_sram_region_t *r,
                                    ftsa_err_t *err);

/* Expand cfg over net into curves and points. */
ftsa_status_t ftsa_camp_plan_build(const ftsa_camp_config_t *cfg, const ftsa_net_t *net,
                                   ftsa_camp_plan_t *plan, ftsa_err_t *err);
void ftsa_camp_plan_free(ftsa_camp_plan_t *plan);

/* One trial's result: a row of trials.csv. */
typedef struct {
    uint32_t point, trial;
    uint64_t trial_seed;
    uint32_t images, correct;
    uint32_t faults; /* faults injected */
} ftsa_camp_row_t;

typedef struct {
    ftsa_camp_config_t cfg;
    ftsa_net_t net;
    ftsa_dataset_t ds;
    ftsa_dev_t *dev;
    ftsa_camp_plan_t plan;
    uint64_t hash;          /* of everything that decides the results (config, model bytes) */
    uint32_t base_correct;  /* fault-free correct images */
    ftsa_fault_list_t list; /* scratch, reused by every trial */
} ftsa_camp_t;

/* Load model and test set, open the device, build the plan, hash the
 * config and measure the fault-free baseline.  Free with ftsa_camp_close. */
ftsa_status_t ftsa_camp_open(const ftsa_camp_config_t *cfg, ftsa_camp_t *camp, ftsa_err_t *err);
void ftsa_camp_close(ftsa_camp_t *camp);
/* Seed of (point, trial): an independent stream of cfg.seed, so results do
 * not depend on which process runs the trial or when. */
uint64_t ftsa_camp_trial_seed(uint64_t seed, uint32_t point, uint32_t trial);
/* Draw a curve's faults at one rate (a BER, or a fault count in count mode)
 * from seed into list (appended). */
ftsa_status_t ftsa_camp_draw(const ftsa_net_t *net, const ftsa_camp_curve_t *cv,
                             ftsa_camp_mode_t mode, double rate, uint64_t seed,
                             ftsa_fault_list_t *list, ftsa_err_t *err);
/* Draw the trial's faults, install them and classify the images. */
ftsa_status_t ftsa_camp_run_trial(ftsa_camp_t *camp, uint32_t point, uint32_t trial,
                                  ftsa_camp_row_t *row, ftsa_err_t *err);
/* Global index of (point, trial) in plan order. */
uint64_t ftsa_camp_trial_index(const ftsa_camp_plan_t *plan, uint32_t point, uint32_t trial);

/* trials.csv: the journal of finished trials (journal.c). */
typedef struct {
    ftsa_camp_row_t *rows; /* sorted by (point, trial), no duplicates */
    uint32_t n;
    uint32_t dropped; /* torn, corrupt or duplicated lines skipped */
} ftsa_camp_journal_t;

/* Read path (a missing file is an empty journal).  Rows of another campaign
 * (hash) or outside the plan are an error. */
ftsa_status_t ftsa_camp_journal_load(const ftsa_camp_t *camp, const char *path,
                                     ftsa_camp_journal_t *j, ftsa_err_t *err);
/* The same from text[0..len); name is the file name for messages. */
ftsa_status_t ftsa_camp_journal_parse(const ftsa_camp_t *camp, const char *text, size_t len,
                                      const char *name, ftsa_camp_journal_t *j, ftsa_err_t *err);
void ftsa_camp_journal_free(ftsa_camp_journal_t *j);
/* Replace path with the header and j's rows, atomically (temp file + rename). */
ftsa_status_t ftsa_camp_journal_rewrite(const ftsa_camp_t *camp, const char *path,
                                        const ftsa_camp_journal_t *j, ftsa_err_t *err);
/* Open path for appending (writing the header if it is new); returns an fd. */
ftsa_status_t ftsa_camp_journal_open(const char *path, int *fd, ftsa_err_t *err);
/* Append one row with a single write() and fsync it. */
ftsa_status_t ftsa_camp_journal_append(const ftsa_camp_t *camp, int fd, const ftsa_camp_row_t *row,
                                       ftsa_err_t *err);
/* Format a row as its CSV line (with newline) into buf; returns its length. */
size_t ftsa_camp_row_format(const ftsa_camp_t *camp, const ftsa_camp_row_t *row, char *buf,
                            size_t size);

/* Single-process run (runner.c): load the journal at path (resuming), run
 * every missing trial in plan order appending it, then rewrite the journal
 * sorted and return it complete in *j (free with ftsa_camp_journal_free).
 * progress (may be NULL) is called after each trial with (done, to do). */
typedef void (*ftsa_camp_progress_fn)(void *ctx, uint64_t done, uint64_t total);
ftsa_status_t ftsa_camp_run_all(ftsa_camp_t *camp, const char *path, ftsa_camp_progress_fn progress,
                                void *ctx, ftsa_camp_journal_t *j, ftsa_err_t *err);

/* Results of a finished campaign (summary.c). */
#define FTSA_CAMP_N_LOSSES 4
extern const double ftsa_camp_losses[FTSA_CAMP_N_LOSSES]; /* 0, 1, 5, 10 percentage points */

typedef struct {
    ftsa_stats_t acc;    /* accuracy in percent over the point's trials */
    double mean_faults;
    double leveugle_n;   /* trials Leveugle's formula asks for (margin, confidence) */
    double margin;       /* margin the trials achieve */
} ftsa_camp_point_stats_t;

typedef struct {
    double auc_linear, auc_log;             /* FT-ClipAct AUC, two x normalizations */
    double tolerance[FTSA_CAMP_N_LOSSES];   /* highest rate within each loss; NaN if none */
} ftsa_camp_curve_stats_t;

typedef struct {
    double base_acc; /* fault-free accuracy in percent */
    ftsa_camp_point_stats_t *points;
    ftsa_camp_curve_stats_t *curves;
} ftsa_camp_summary_t;

/* Statistics of a complete journal (every trial of the plan present). */
ftsa_status_t ftsa_camp_summarize(const ftsa_camp_t *camp, const ftsa_camp_journal_t *j,
                                  ftsa_camp_summary_t *s, ftsa_err_t *err);
void ftsa_camp_summary_free(ftsa_camp_summary_t *s);
/* FT-ClipAct AUC of one curve: rates ascending, accuracies in percent. */
double ftsa_camp_auc(const double *rate, const double *acc, uint32_t n, double base_acc, int log_x);
/* Highest rate r_k with base - acc_j <= loss for every j <= k; NaN if the first fails. */
double ftsa_camp_tolerance(const double *rate, const double *acc, uint32_t n, double base_acc,
                           double loss);
ftsa_status_t ftsa_camp_write_summary(const ftsa_camp_t *camp, const ftsa_camp_summary_t *s,
                                      const char *path, ftsa_err_t *err);

/* Plots through gnuplot (SVG and PNG) and report.html in cfg.out (report.c).
 * *plotted is 0 when gnuplot is unavailable (the report then says so). */
ftsa_status_t ftsa_camp_write_report(const ftsa_camp_t *camp, const ftsa_camp_summary_t *s,
                                     int *plotted, ftsa_err_t *err);

/* Comparison of campaigns that differ only in the model (compare.c): the same
 * plan, seed and images, so every variant saw the same fault lists (checked:
 * same plan shape, trial seeds and fault counts).  Each variant's first
 * curve is compared. */
typedef struct {
    const char *name;                /* e.g. "unprotected", "ranger" */
    const char *dir;                 /* its campaign's directory, relative to out */
    const ftsa_camp_t *camp;
    const ftsa_camp_summary_t *s;
    const ftsa_camp_journal_t *j;    /* complete, sorted */
    uint64_t thr_bytes;              /* threshold memory of its model */
} ftsa_camp_variant_t;

/* Write out/compare.json, compare.dat, compare.gp, compare.svg/png (through
 * gnuplot; *plotted 0 without it) and out/report.html. */
ftsa_status_t ftsa_camp_write_comparison(const char *out, const ftsa_camp_variant_t *v, uint32_t n,
                                         int *plotted, ftsa_err_t *err);

/* FNV-1a 64-bit hash, chained through h (start with FTSA_FNV_INIT). */
#define FTSA_FNV_INIT 0xcbf29ce484222325ULL
uint64_t ftsa_camp_fnv(uint64_t h, const void *data, size_t len);

#endif
