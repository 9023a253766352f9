/* Shared pieces of the ftsa command-line tool. */
#ifndef FTSA_CLI_H
#define FTSA_CLI_H

#include <stdint.h>

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
/* Default model path (the committed LeNet-5). */
const char *ftsa_cli_default_model(void);
/* Monotonic seconds. */
double ftsa_cli_now(void);

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
