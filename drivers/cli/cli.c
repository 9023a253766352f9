/* realpath */
#define _XOPEN_SOURCE 700
#include "cli.h"

#include "ftsa/driver.h"
#include "ftsa/numparse.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

/* The models directory relative to the running binary: FTSA_REL_MODELS once
 * installed (bin/../share/ftsa/models), share/ftsa/models beside it in the
 * build tree.  Never a path compiled in, so an installed tree can move. */
const char *ftsa_cli_models_dir(void)
{
    static char dir[PATH_MAX];
    if (dir[0])
        return dir;
    char exe[2048];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        snprintf(dir, sizeof dir, "%s", FTSA_REL_MODELS);
        return dir;
    }
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    *slash = 0;
    static const char *const rel[] = {FTSA_REL_MODELS, "share/ftsa/models"};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        char cand[sizeof exe + 32];
        snprintf(cand, sizeof cand, "%s/%s", exe, rel[i]);
        if (realpath(cand, dir))
            return dir;
    }
    snprintf(dir, sizeof dir, "%s/%s", exe, FTSA_REL_MODELS);
    return dir;
}

const char *ftsa_cli_default_model(void)
{
    static char path[4200];
    const char *env = getenv("FTSA_MODEL");
    if (env && *env)
        return env;
    if (!path[0])
        snprintf(path, sizeof path, "%s/lenet5.ftsa", ftsa_cli_models_dir());
    return path;
}

int ftsa_cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
                    const struct option *opts, int *longindex)
{
    char so[64];
    snprintf(so, sizeof so, ":%s", shortopts);
    opterr = 0;
    int c = getopt_long(argc, argv, so, opts, longindex);
    if (c != '?' && c != ':')
        return c;
    const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
    char shortname[3] = {'-', (char)optopt, 0};
    if (optopt && optopt < 128 && strchr(shortopts, optopt) && arg[0] == '-' && arg[1] != '-')
        arg = shortname;
    if (c == ':')
        ftsa_cli_error(cmd, "option '%s' needs a value", arg);
    else if (optopt && optopt < 128 && arg[1] != '-')
        ftsa_cli_error(cmd, "unknown option '-%c' (see 'ftsa help %s')", optopt, cmd);
    else
        ftsa_cli_error(cmd, "unknown option '%s' (see 'ftsa help %s')", arg, cmd);
    return '?';
}

int ftsa_cli_backend(const char *cmd, const char *name)
{
    if (ftsa_backend_find(name))
        return 0;
    char names[256] = "";
    for (const ftsa_backend_ops_t *const *b = ftsa_backends(); *b; b++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                 b == ftsa_backends() ? "" : ", ", (*b)->name);
    ftsa_cli_error(cmd, "unknown back end '%s' (this build has: %s)", name, names);
    return -1;
}

int ftsa_cli_check_output(const char *cmd, const char *opt, const char *path)
{
    struct stat sb;
    if (!*path) {
        ftsa_cli_error(cmd, "%s: empty path", opt);
        return -1;
    }
    if (!stat(path, &sb) && S_ISDIR(sb.st_mode)) {
        ftsa_cli_error(cmd, "%s: %s is a directory", opt, path);
        return -1;
    }
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    if (stat(dir, &sb) || !S_ISDIR(sb.st_mode)) {
        ftsa_cli_error(cmd, "%s: cannot create %s: directory %s does not exist", opt, path, dir);
        return -1;
    }
    if (access(dir, W_OK | X_OK)) {
        ftsa_cli_error(cmd, "%s: cannot create %s in %s: %s", opt, path, dir, strerror(errno));
        return -1;
    }
    return 0;
}

void ftsa_cli_progress_start(ftsa_cli_progress_t *p, const char *cmd, const char *unit,
                             uint64_t total, int verbosity, double delay)
{
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    p->unit = unit;
    p->tty = isatty(2);
    p->verbosity = verbosity;
    p->total = total;
    p->delay = verbosity >= FTSA_CLI_VERBOSE ? 0.0 : delay;
    p->t0 = p->last = ftsa_cli_now();
}

void ftsa_cli_progress(ftsa_cli_progress_t *p, uint64_t done, int final)
{
    if (p->verbosity <= FTSA_CLI_QUIET)
        return;
    double now = ftsa_cli_now(), el = now - p->t0;
    if (el < p->delay && !p->shown)
        return;
    double rate = el > 0 ? done / el : 0.0;
    double eta = rate > 0 ? (p->total - done) / rate : 0.0;
    double pct = p->total ? 100.0 * done / p->total : 100.0;
    if (p->tty) {
        if (!final && p->shown && now - p->last < 0.2)
            return;
        int width = 30, fill = p->total ? (int)(width * done / p->total) : width;
        fprintf(stderr, "\r[%.*s%*s] %3.0f%% %llu/%llu %s %.1f/s ETA %d:%02d ", fill,
                "##############################", width - fill, "", pct, (unsigned long long)done,
                (unsigned long long)p->total, p->unit, rate, (int)(eta / 60), (int)fmod(eta, 60));
        if (final)
            fputc('\n', stderr);
    } else {
        /* A log line per 10% or per 30 s. */
        uint64_t step = p->total / 10 ? p->total / 10 : 1;
        if (final ? done == p->last_logged : done - p->last_logged < step && now - p->last < 30.0)
            return;
        p->last_logged = done;
        fprintf(stderr, "%s: %llu/%llu %s (%.0f%%), %.1f %s/s, ETA %.0f s\n", p->cmd,
                (unsigned long long)done, (unsigned long long)p->total, p->unit, pct, rate,
                p->unit, eta);
    }
    p->shown = 1;
    p->last = now;
    fflush(stderr);
}

void ftsa_cli_json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(out, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(out, "\\u%04x", ch);
        else
            fputc(ch, out);
    }
    fputc('"', out);
}

void ftsa_cli_json_num(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, "%.10g", v);
    else
        fputs("null", out);
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
