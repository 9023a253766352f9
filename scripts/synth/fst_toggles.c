/* fst_toggles: switching activity of every traced signal in an FST waveform.
 *
 * usage: fst_toggles [--from T0] [--to T1] FILE.fst
 *        fst_toggles --changes SCOPE.NAME FILE.fst
 * The first form prints "# from=T0 to=T1 end_time=T signals=S" and then one
 * line per traced variable (an alias appears once per scope that shows it):
 *   scope \t name \t width \t bit toggles \t time high \t rises
 * over a window of the trace: value changes at times T0 < t <= T1 (from the
 * start of the trace without --from, to its end without --to) and time spent
 * high within [T0, T1).  Consecutive windows (--to T, then --from T) split
 * every count exactly.  A bit toggle is a 0<->1 change of one bit; changes
 * from or to x/z are not counted.  Time high and rises (0->1 changes: one per
 * cycle for a clock) are for 1-bit signals, else 0.  Parameters and real-valued
 * variables are skipped.
 * The second form prints "time \t value" for every value change of one
 * variable, named by its scope and name as the first form prints them.
 * Uses the FST reader that ships with Verilator (include/gtkwave/fstapi.c).
 * Exit status: 0, or 1 with a message on stderr. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fstapi.h"

typedef struct {
    uint64_t from, to; /* changes at from < t <= to; time high within [from, to) */
    int from_set;      /* without --from a change at time 0 counts too */
} fst_window_t;

typedef struct {
    uint32_t width;   /* bits; 0 for a skipped variable */
    char *value;      /* last value, '0'/'1'/'x'..., width characters */
    uint64_t toggles; /* 0<->1 bit changes in the window */
    uint64_t rises;   /* 0->1 changes in the window (1-bit signals) */
    uint64_t high;    /* time spent at 1 in the window (1-bit signals) */
    uint64_t since;   /* time of the last change */
} fst_signal_t;

typedef struct {
    fst_signal_t *sig; /* indexed by FST handle */
    uint64_t n_sig;
    fst_window_t win;
} fst_activity_t;

/* The dotted scope path of a hierarchy walk. */
typedef struct {
    char path[4096];
    size_t lens[256];
    int depth;
} fst_scope_t;

static int in_window(const fst_window_t *w, uint64_t t)
{
    return (t > w->from || (!w->from_set && t == w->from)) && t <= w->to;
}

/* Length of [a, b) within [from, to). */
static uint64_t overlap(const fst_window_t *w, uint64_t a, uint64_t b)
{
    uint64_t lo = a > w->from ? a : w->from, hi = b < w->to ? b : w->to;
    return hi > lo ? hi - lo : 0;
}

static void on_change(void *user, uint64_t time, fstHandle h, const unsigned char *value)
{
    fst_activity_t *a = user;
    if (h == 0 || h > a->n_sig)
        return;
    fst_signal_t *s = &a->sig[h - 1];
    if (!s->width || !s->value)
        return;
    if (s->width == 1 && s->value[0] == '1')
        s->high += overlap(&a->win, s->since, time);
    int counted = in_window(&a->win, time);
    for (uint32_t i = 0; i < s->width; i++) {
        char o = s->value[i], n = (char)value[i];
        if (counted && ((o == '0' && n == '1') || (o == '1' && n == '0'))) {
            s->toggles++;
            s->rises += s->width == 1 && n == '1';
        }
        s->value[i] = n;
    }
    s->since = time;
}

static int is_value_var(const struct fstHier *h)
{
    switch (h->u.var.typ) {
    case FST_VT_VCD_PARAMETER:
    case FST_VT_VCD_REAL:
    case FST_VT_VCD_REAL_PARAMETER:
    case FST_VT_VCD_EVENT:
    case FST_VT_GEN_STRING:
    case FST_VT_SV_SHORTREAL:
        return 0;
    default:
        return 1;
    }
}

/* Follow the scope entries of a hierarchy walk; 0, or 1 with a message. */
static int scope_step(fst_scope_t *sc, const struct fstHier *h)
{
    if (h->htyp == FST_HT_SCOPE) {
        size_t len = strlen(sc->path);
        if (sc->depth >= 256 || len + h->u.scope.name_length + 2 >= sizeof sc->path) {
            fprintf(stderr, "fst_toggles: hierarchy too deep\n");
            return 1;
        }
        sc->lens[sc->depth++] = len;
        snprintf(sc->path + len, sizeof sc->path - len, "%s%s", len ? "." : "",
                 h->u.scope.name);
    } else if (h->htyp == FST_HT_UPSCOPE && sc->depth > 0) {
        sc->path[sc->lens[--sc->depth]] = 0;
    }
    return 0;
}

/* A counted variable of the walk (not a parameter, a real, a bad handle). */
static int is_counted(const struct fstHier *h, uint64_t n_sig)
{
    return h->htyp == FST_HT_VAR && is_value_var(h) && h->u.var.handle &&
           h->u.var.handle <= n_sig;
}

/* A variable's name without its range: "a_i [7:0]" -> "a_i". */
static void var_name(const struct fstHier *h, char *name, size_t size)
{
    snprintf(name, size, "%.*s", (int)h->u.var.name_length, h->u.var.name);
    char *space = strchr(name, ' ');
    if (space)
        *space = 0;
}

/* Allocate the per-handle state with the widths of the counted variables. */
static int alloc_signals(void *ctx, fst_activity_t *a)
{
    a->n_sig = fstReaderGetMaxHandle(ctx);
    a->sig = calloc(a->n_sig ? a->n_sig : 1, sizeof *a->sig);
    if (!a->sig)
        return 1;
    struct fstHier *h;
    fstReaderIterateHierRewind(ctx);
    while ((h = fstReaderIterateHier(ctx))) {
        if (!is_counted(h, a->n_sig))
            continue;
        fst_signal_t *s = &a->sig[h->u.var.handle - 1];
        if (s->value)
            continue;
        s->width = h->u.var.length;
        s->value = malloc(s->width + 1);
        if (!s->value)
            return 1;
        memset(s->value, 'x', s->width);
        s->value[s->width] = 0;
    }
    return 0;
}

static void free_signals(fst_activity_t *a)
{
    for (uint64_t i = 0; a->sig && i < a->n_sig; i++)
        free(a->sig[i].value);
    free(a->sig);
}

/* One line per variable, with its scope path. */
static int print_counts(void *ctx, const fst_activity_t *a)
{
    fst_scope_t sc = {.depth = 0};
    struct fstHier *h;
    fstReaderIterateHierRewind(ctx);
    while ((h = fstReaderIterateHier(ctx))) {
        if (scope_step(&sc, h))
            return 1;
        if (!is_counted(h, a->n_sig))
            continue;
        const fst_signal_t *s = &a->sig[h->u.var.handle - 1];
        char name[1024];
        var_name(h, name, sizeof name);
        printf("%s\t%s\t%u\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\n", sc.path, name, s->width,
               s->toggles, s->width == 1 ? s->high : 0, s->width == 1 ? s->rises : 0);
    }
    return 0;
}

static int count(void *ctx, const char *path, fst_window_t win)
{
    fst_activity_t a = {.win = win};
    if (alloc_signals(ctx, &a)) {
        free_signals(&a);
        fprintf(stderr, "fst_toggles: out of memory\n");
        return 1;
    }
    fstReaderSetFacProcessMaskAll(ctx);
    if (!fstReaderIterBlocks(ctx, on_change, &a, NULL)) {
        free_signals(&a);
        fprintf(stderr, "fst_toggles: cannot read the value changes of %s\n", path);
        return 1;
    }
    uint64_t end = fstReaderGetEndTime(ctx);
    for (uint64_t i = 0; i < a.n_sig; i++)
        if (a.sig[i].width == 1 && a.sig[i].value && a.sig[i].value[0] == '1')
            a.sig[i].high += overlap(&a.win, a.sig[i].since, end);
    printf("# from=%" PRIu64 " to=%" PRIu64 " end_time=%" PRIu64 " signals=%" PRIu64 "\n",
           win.from, win.to < end ? win.to : end, end, a.n_sig);
    int rc = print_counts(ctx, &a);
    free_signals(&a);
    return rc;
}

typedef struct {
    fstHandle handle;
    uint32_t width;
} fst_watch_t;

static void on_watched_change(void *user, uint64_t time, fstHandle h, const unsigned char *value)
{
    const fst_watch_t *w = user;
    if (h == w->handle)
        printf("%" PRIu64 "\t%.*s\n", time, (int)w->width, (const char *)value);
}

static int changes(void *ctx, const char *path, const char *want)
{
    fst_scope_t sc = {.depth = 0};
    fst_watch_t w = {0, 0};
    uint64_t n_sig = fstReaderGetMaxHandle(ctx);
    struct fstHier *h;
    fstReaderIterateHierRewind(ctx);
    while (!w.handle && (h = fstReaderIterateHier(ctx))) {
        if (scope_step(&sc, h))
            return 1;
        if (!is_counted(h, n_sig))
            continue;
        char name[1024], full[sizeof sc.path + sizeof name + 1];
        var_name(h, name, sizeof name);
        snprintf(full, sizeof full, "%s.%s", sc.path, name);
        if (!strcmp(full, want))
            w = (fst_watch_t){h->u.var.handle, h->u.var.length};
    }
    if (!w.handle) {
        fprintf(stderr, "fst_toggles: no variable %s in %s\n", want, path);
        return 1;
    }
    fstReaderClrFacProcessMaskAll(ctx);
    fstReaderSetFacProcessMask(ctx, w.handle);
    if (!fstReaderIterBlocks(ctx, on_watched_change, &w, NULL)) {
        fprintf(stderr, "fst_toggles: cannot read the value changes of %s\n", path);
        return 1;
    }
    return 0;
}

static int parse_time(const char *opt, const char *s, uint64_t *t)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || errno || s[0] == '-') {
        fprintf(stderr, "fst_toggles: %s wants a time in trace units, got '%s'\n", opt, s);
        return 1;
    }
    *t = v;
    return 0;
}

int main(int argc, char **argv)
{
    fst_window_t win = {0, UINT64_MAX, 0};
    const char *watch = NULL, *path = NULL;
    for (int i = 1; i < argc; i++) {
        int has_arg = i + 1 < argc;
        if (!strcmp(argv[i], "--from") && has_arg) {
            if (parse_time("--from", argv[++i], &win.from))
                return 1;
            win.from_set = 1;
        } else if (!strcmp(argv[i], "--to") && has_arg) {
            if (parse_time("--to", argv[++i], &win.to))
                return 1;
        } else if (!strcmp(argv[i], "--changes") && has_arg) {
            watch = argv[++i];
        } else if (argv[i][0] != '-' && !path) {
            path = argv[i];
        } else {
            path = NULL;
            break;
        }
    }
    if (!path || (watch && (win.from_set || win.to != UINT64_MAX))) {
        fprintf(stderr, "usage: fst_toggles [--from T0] [--to T1] FILE.fst\n"
                        "       fst_toggles --changes SCOPE.NAME FILE.fst\n");
        return 1;
    }
    if (win.from_set && win.from >= win.to) {
        fprintf(stderr, "fst_toggles: empty window: --from %" PRIu64 " --to %" PRIu64 "\n",
                win.from, win.to);
        return 1;
    }
    void *ctx = fstReaderOpen(path);
    if (!ctx) {
        fprintf(stderr, "fst_toggles: cannot open %s as FST\n", path);
        return 1;
    }
    int rc = watch ? changes(ctx, path, watch) : count(ctx, path, win);
    fstReaderClose(ctx);
    return rc;
}
