/* fst_toggles: switching activity of every traced signal in an FST waveform.
 *
 * usage: fst_toggles FILE.fst
 * Prints "# end_time=T signals=S" and then one line per traced variable (an
 * alias appears once per scope that shows it):
 *   scope \t name \t width \t bit toggles \t time high (1-bit signals; else 0)
 * A bit toggle is a 0<->1 change of one bit; changes from or to x/z are not
 * counted.  Parameters and real-valued variables are skipped.  Uses the FST
 * reader that ships with Verilator (include/gtkwave/fstapi.c).
 * Exit status: 0, or 1 with a message on stderr. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fstapi.h"

typedef struct {
    uint32_t width;     /* bits; 0 for a skipped variable */
    char *value;        /* last value, '0'/'1'/'x'..., width characters */
    uint64_t toggles;   /* 0<->1 bit changes */
    uint64_t high;      /* time spent at 1 (1-bit signals) */
    uint64_t since;     /* time of the last change */
} fst_signal_t;

typedef struct {
    fst_signal_t *sig;  /* indexed by FST handle */
    uint64_t n_sig;
} fst_activity_t;

static void on_change(void *user, uint64_t time, fstHandle h, const unsigned char *value)
{
    fst_activity_t *a = user;
    if (h == 0 || h > a->n_sig)
        return;
    fst_signal_t *s = &a->sig[h - 1];
    if (!s->width || !s->value)
        return;
    if (s->width == 1 && s->value[0] == '1')
        s->high += time - s->since;
    for (uint32_t i = 0; i < s->width; i++) {
        char o = s->value[i], n = (char)value[i];
        if ((o == '0' && n == '1') || (o == '1' && n == '0'))
            s->toggles++;
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

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fst_toggles FILE.fst\n");
        return 1;
    }
    void *ctx = fstReaderOpen(argv[1]);
    if (!ctx) {
        fprintf(stderr, "fst_toggles: cannot open %s as FST\n", argv[1]);
        return 1;
    }
    fst_activity_t a = {0};
    a.n_sig = fstReaderGetMaxHandle(ctx);
    a.sig = calloc(a.n_sig ? a.n_sig : 1, sizeof *a.sig);
    if (!a.sig) {
        fprintf(stderr, "fst_toggles: out of memory\n");
        return 1;
    }

    /* First pass over the hierarchy: widths of the handles to count. */
    struct fstHier *h;
    fstReaderIterateHierRewind(ctx);
    while ((h = fstReaderIterateHier(ctx))) {
        if (h->htyp != FST_HT_VAR || !is_value_var(h) || h->u.var.handle == 0 ||
            h->u.var.handle > a.n_sig)
            continue;
        fst_signal_t *s = &a.sig[h->u.var.handle - 1];
        if (!s->value) {
            s->width = h->u.var.length;
            s->value = malloc(s->width + 1);
            if (!s->value) {
                fprintf(stderr, "fst_toggles: out of memory\n");
                return 1;
            }
            memset(s->value, 'x', s->width);
            s->value[s->width] = 0;
        }
    }

    fstReaderSetFacProcessMaskAll(ctx);
    if (!fstReaderIterBlocks(ctx, on_change, &a, NULL)) {
        fprintf(stderr, "fst_toggles: cannot read the value changes of %s\n", argv[1]);
        return 1;
    }
    uint64_t end = fstReaderGetEndTime(ctx);
    for (uint64_t i = 0; i < a.n_sig; i++)
        if (a.sig[i].width == 1 && a.sig[i].value && a.sig[i].value[0] == '1')
            a.sig[i].high += end - a.sig[i].since;

    /* Second pass: one line per variable, with its scope path. */
    char scope[4096] = "";
    size_t lens[256];
    int depth = 0;
    printf("# end_time=%" PRIu64 " signals=%" PRIu64 "\n", end, a.n_sig);
    fstReaderIterateHierRewind(ctx);
    while ((h = fstReaderIterateHier(ctx))) {
        if (h->htyp == FST_HT_SCOPE) {
            size_t len = strlen(scope);
            if (depth >= 256 || len + h->u.scope.name_length + 2 >= sizeof scope) {
                fprintf(stderr, "fst_toggles: hierarchy too deep\n");
                return 1;
            }
            lens[depth++] = len;
            snprintf(scope + len, sizeof scope - len, "%s%s", len ? "." : "", h->u.scope.name);
        } else if (h->htyp == FST_HT_UPSCOPE) {
            if (depth > 0)
                scope[lens[--depth]] = 0;
        } else if (h->htyp == FST_HT_VAR && is_value_var(h) && h->u.var.handle &&
                   h->u.var.handle <= a.n_sig) {
            const fst_signal_t *s = &a.sig[h->u.var.handle - 1];
            char name[1024];
            snprintf(name, sizeof name, "%.*s", (int)h->u.var.name_length, h->u.var.name);
            char *space = strchr(name, ' '); /* "a_i [7:0]": keep the name */
            if (space)
                *space = 0;
            printf("%s\t%s\t%u\t%" PRIu64 "\t%" PRIu64 "\n", scope, name, s->width, s->toggles,
                   s->width == 1 ? s->high : 0);
        }
    }
    fstReaderClose(ctx);
    for (uint64_t i = 0; i < a.n_sig; i++)
        free(a.sig[i].value);
    free(a.sig);
    return 0;
}
