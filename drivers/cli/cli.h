/* Shared pieces of the ftsa command-line tool. */
#ifndef FTSA_CLI_H
#define FTSA_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "ftsa/compile.h"
#include "ftsa/hwmodel.h"
#include "ftsa/trace.h"

/* A subcommand: argv[0] is the subcommand name; returns the process exit code. */
typedef struct {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} ftsa_cmd_t;

int ftsa_cmd_eval(int argc, char **argv);
int ftsa_cmd_faults(int argc, char **argv);
int ftsa_cmd_run(int argc, char **argv);
int ftsa_cmd_profile(int argc, char **argv);
int ftsa_cmd_train(int argc, char **argv);
int ftsa_cmd_campaign(int argc, char **argv);
int ftsa_cmd_trace(int argc, char **argv);
int ftsa_cmd_perf(int argc, char **argv);
int ftsa_cmd_mitigate(int argc, char **argv);
int ftsa_cmd_compare_mitigations(int argc, char **argv);
int ftsa_cmd_export(int argc, char **argv);
int ftsa_cmd_equiv(int argc, char **argv);
int ftsa_cmd_silicon(int argc, char **argv);

/* Exit codes: 0 success, 1 run-time failure, 2 usage error. */
enum { FTSA_EXIT_OK = 0, FTSA_EXIT_FAIL = 1, FTSA_EXIT_USAGE = 2 };

/* Parse an unsigned integer option value in [min, max]; prints the error. */
int ftsa_cli_u32(const char *cmd, const char *opt, const char *text, uint32_t min, uint32_t max,
                 uint32_t *out);
int ftsa_cli_u64(const char *cmd, const char *opt, const char *text, uint64_t *out);
int ftsa_cli_double(const char *cmd, const char *opt, const char *text, double *out);
/* Print "ftsa CMD: message" to stderr. */
void ftsa_cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Default model path: $FTSA_MODEL, else the installed (or, in the build tree,
 * committed) LeNet-5 in ftsa_cli_models_dir(). */
const char *ftsa_cli_default_model(void);
/* The models directory, found relative to the running binary. */
const char *ftsa_cli_models_dir(void);
/* Monotonic seconds. */
double ftsa_cli_now(void);

/* The one option parser of every subcommand: getopt_long (GNU: options and
 * operands in any order, --opt=value or --opt value, unambiguous prefixes)
 * with its complaints as "ftsa CMD: unknown option '--x' (see 'ftsa help
 * CMD')" or "option '--x' needs a value".  Returns what getopt_long returns,
 * and '?' after such a message (the caller exits FTSA_EXIT_USAGE).  Set
 * optind = 0 before the first call on an argument vector. */
int ftsa_cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
                    const struct option *opts, int *longindex);
/* A back end name this build has, else "unknown back end" with the list
 * (a usage error). */
int ftsa_cli_backend(const char *cmd, const char *name);
/* An output path that can be created before the work starts: its directory
 * exists and is writable, and the path is not a directory.  Prints why not. */
int ftsa_cli_check_output(const char *cmd, const char *opt, const char *path);

/* Options for every campaign config key (spelt with '_' and with '-'), after
 * n_fixed fixed ones, into o (cap entries, zero-terminated): a key's option
 * returns FTSA_CLI_OPT_KEY + its index in ftsa_camp_config_keys(). */
#define FTSA_CLI_OPT_KEY 512
#define FTSA_CLI_CAMP_MAX_OPTS 64
void ftsa_cli_camp_options(struct option *o, size_t cap, const struct option *fixed, size_t n_fixed);

/* -q / -v: 0 quiet (errors only), 1 default, 2 verbose. */
enum { FTSA_CLI_QUIET = 0, FTSA_CLI_NORMAL = 1, FTSA_CLI_VERBOSE = 2 };

/* Progress on stderr: a bar redrawn in place on a terminal, else a log line
 * per 10% or per 30 s; nothing before `delay` seconds (so short runs stay
 * silent; -v shows it from the start) or when verbosity is quiet. */
typedef struct {
    const char *cmd, *unit; /* "eval", "images" */
    int tty, verbosity;
    double t0, last, delay;
    uint64_t total, last_logged;
    int shown;
} ftsa_cli_progress_t;

void ftsa_cli_progress_start(ftsa_cli_progress_t *p, const char *cmd, const char *unit,
                             uint64_t total, int verbosity, double delay);
/* done units so far; final 1 once at the end (ends the terminal line). */
void ftsa_cli_progress(ftsa_cli_progress_t *p, uint64_t done, int final);

/* JSON output: a string with escapes, and a number (null when not finite). */
void ftsa_cli_json_str(FILE *out, const char *s);
void ftsa_cli_json_num(FILE *out, double v);

/* One inference of a network on the cycle-accurate C model of the RTL build
 * (ftsa_hwm_default_cfg): compile for an N x N array, run the setup stream,
 * then one inference on a zero input (the schedule does not depend on the
 * data).  prog.image holds the host memory after the inference (cycle stamps
 * filled in); m is the model after it (memory geometry); both belong to run. */
typedef struct {
    ftsa_hw_cfg_t hw;
    ftsa_program_t prog;
    ftsa_hwm_t *m;
    uint64_t setup_cycles, infer_cycles; /* run cycles as ftsa_hwm_run_cycles counts them */
} ftsa_cli_hw_run_t;

/* trace, if not NULL, records the inference run's SRAM accesses.  On failure
 * run holds nothing to free. */
ftsa_status_t ftsa_cli_hw_run(const ftsa_net_t *net, uint32_t array_n, ftsa_trace_t *trace,
                              ftsa_cli_hw_run_t *run, ftsa_err_t *err);
void ftsa_cli_hw_run_free(ftsa_cli_hw_run_t *run);

#endif
