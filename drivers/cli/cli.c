#include "cli.h"

#include "ftsa/numparse.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void ftsa_cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "ftsa %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Decimal or 0x hex (ftsa/numparse.h): "010" is refused, never octal 8. */
int ftsa_cli_u64(const char *cmd, const char *opt, const char *text, uint64_t *out)
{
    ftsa_num_status_t st = ftsa_parse_u64(text, out);
    if (st) {
        ftsa_cli_error(cmd, "%s: '%s' %s", opt, text,
                       st == FTSA_NUM_SYNTAX ? "is not a non-negative integer (decimal or 0x hex)"
                                             : ftsa_num_reason(st));
        return -1;
    }
    return 0;
}

int ftsa_cli_u32(const char *cmd, const char *opt, const char *text, uint32_t min, uint32_t max,
                 uint32_t *out)
{
    uint64_t v;
    if (ftsa_cli_u64(cmd, opt, text, &v))
        return -1;
    if (v < min || v > max) {
        ftsa_cli_error(cmd, "%s: %llu is outside %u..%u", opt, (unsigned long long)v, min, max);
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

int ftsa_cli_double(const char *cmd, const char *opt, const char *text, double *out)
{
    ftsa_num_status_t st = ftsa_parse_double(text, out);
    if (st) {
        ftsa_cli_error(cmd, "%s: '%s' is not a %snumber", opt, text,
                       st == FTSA_NUM_RANGE ? "finite " : "");
        return -1;
    }
    return 0;
}

const char *ftsa_cli_default_model(void)
{
    const char *env = getenv("FTSA_MODEL");
    return env && *env ? env : FTSA_MODELS_DIR "/lenet5.ftsa";
}

double ftsa_cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

ftsa_status_t ftsa_cli_hw_run(const ftsa_net_t *net, uint32_t array_n, ftsa_trace_t *trace,
                              ftsa_cli_hw_run_t *run, ftsa_err_t *err)
{
    memset(run, 0, sizeof *run);
    ftsa_hwm_default_cfg(array_n, &run->hw);
    ftsa_status_t st = ftsa_compile(net, &run->hw, &run->prog, err);
    if (st)
        return st;
    int8_t *input = calloc(ftsa_shape_elems(net->input), 1);
    if (!input)
        st = ftsa_fail(err, FTSA_E_NOMEM, "out of memory for the input");
    else if (!(st = ftsa_hwm_create(&run->hw, &run->m, err))) {
        ftsa_hwm_set_trace(run->m, trace);
        st = ftsa_hwm_run(run->m, run->prog.image, run->prog.image_bytes, run->prog.setup_addr,
                          err);
        run->setup_cycles = ftsa_hwm_run_cycles(run->m);
        ftsa_program_pack_input(&run->prog, input, run->prog.image);
        if (!st)
            st = ftsa_hwm_run(run->m, run->prog.image, run->prog.image_bytes,
                              run->prog.infer_addr, err);
        run->infer_cycles = ftsa_hwm_run_cycles(run->m);
        ftsa_hwm_set_trace(run->m, NULL);
    }
    free(input);
    if (st)
        ftsa_cli_hw_run_free(run);
    return st;
}

void ftsa_cli_hw_run_free(ftsa_cli_hw_run_t *run)
{
    ftsa_hwm_destroy(run->m);
    ftsa_program_free(&run->prog);
    memset(run, 0, sizeof *run);
}
