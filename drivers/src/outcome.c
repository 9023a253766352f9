#include "ftsa/outcome.h"

#include <stdlib.h>
#include <string.h>

#include "ftsa/hw_regs.h"
#include "ftsa/hwmodel.h"
#include "ftsa/ref.h"
#include "sram_faults.h"

const char *ftsa_outcome_name(ftsa_outcome_t o)
{
    static const char *names[] = {"never-read", "overwritten", "masked", "output-changed", "sdc"};
    return (unsigned)o < FTSA_OUTCOME_COUNT ? names[o] : "?";
}

/* Run the images, keeping every network output (count x n_out bytes). */
static ftsa_status_t run_all(ftsa_dev_t *dev, const ftsa_dataset_t *ds, uint32_t first,
                             uint32_t count, const ftsa_net_t *net, int8_t *outputs, int8_t *input,
                             ftsa_err_t *err)
{
    uint32_t n_out = ftsa_shape_elems(ftsa_net_output_shape(net));
    for (uint32_t i = 0; i < count; i++) {
        ftsa_net_quantize_pixels(net, ftsa_dataset_image(ds, first + i), input);
        ftsa_status_t st = ftsa_dev_infer(dev, input, err);
        if (st)
            return st;
        memcpy(outputs + (size_t)i * n_out, ftsa_dev_output(dev), n_out);
    }
    return FTSA_OK;
}

/* The SRAM access trace of one fault-free inference (the schedule does not
 * depend on the data); 0 when the back end cannot trace. */
static int schedule(ftsa_dev_t *dev, const int8_t *input, ftsa_trace_t *t)
{
    ftsa_err_t ignore;
    if (ftsa_dev_set_access_trace(dev, t, &ignore))
        return 0;
    int ok = ftsa_dev_infer(dev, input, &ignore) == FTSA_OK;
    ftsa_dev_set_access_trace(dev, NULL, &ignore);
    return ok;
}

/* Never read / overwritten, known from the schedule alone for an SRAM-space
 * fault: a permanent fault on a word no inference reads, or an upset whose
 * word is next written (or never accessed again) rather than read.  Anything
 * else is FTSA_OUTCOME_COUNT (run the images to know). */
static ftsa_outcome_t from_schedule(const ftsa_trace_t *t, const ftsa_fault_t *f)
{
    if (f->space != FTSA_SPACE_SRAM)
        return FTSA_OUTCOME_COUNT;
    ftsa_hw_cfg_t hw;
    ftsa_hwm_default_cfg(t->array_n, &hw);
    ftsa_fault_list_t one = {.v = (ftsa_fault_t *)f, .n = 1, .cap = 1};
    ftsa_port_fault_t *pf;
    uint32_t n;
    ftsa_err_t ignore;
    if (ftsa_port_faults(&one, &hw, &pf, &n, &ignore) || n != 1) {
        free(pf);
        return FTSA_OUTCOME_COUNT;
    }
    uint32_t mem = pf->mem, addr = pf->addr;
    free(pf);
    int seu = f->kind == FTSA_FAULT_SEU;
    for (size_t i = 0; i < t->n; i++) {
        const ftsa_access_t *a = &t->v[i];
        if (a->mem != mem || a->addr != addr)
            continue;
        if (!seu) {
            if (!a->we)
                return FTSA_OUTCOME_COUNT; /* read: run the images */
            continue;
        }
        if (a->cycle < f->cycle || (a->cycle == f->cycle && !a->we))
            continue; /* before the upset (a read in its cycle does not see it) */
        return a->we ? FTSA_OUTCOME_OVERWRITTEN : FTSA_OUTCOME_COUNT;
    }
    return FTSA_OUTCOME_NEVER_READ;
}

ftsa_status_t ftsa_fault_outcomes(ftsa_dev_t *dev, const ftsa_dataset_t *ds, uint32_t first,
                                  uint32_t count, const ftsa_fault_list_t *list,
                                  ftsa_fault_outcome_t *out, ftsa_err_t *err)
{
    const ftsa_net_t *net = ftsa_dev_net(dev);
    uint32_t n_in = ftsa_shape_elems(net->input), n_out = ftsa_shape_elems(ftsa_net_output_shape(net));
    if (ds->rows * ds->cols != n_in || first > ds->count || count > ds->count - first || !count)
        return ftsa_fail(err, FTSA_E_INVALID, "images %u..%u do not fit the data set or the network",
                         first, first + count);
    int8_t *golden = malloc((size_t)count * n_out), *faulty = malloc((size_t)count * n_out);
    int8_t *input = malloc(n_in);
    ftsa_status_t st = FTSA_OK;
    if (!golden || !faulty || !input) {
        st = ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
        goto done;
    }
    if ((st = ftsa_dev_set_faults(dev, NULL, err)) ||
        (st = run_all(dev, ds, first, count, net, golden, input, err)))
        goto done;
    ftsa_trace_t sched;
    ftsa_trace_init(&sched, 0);
    int timed = 0;
    for (uint32_t f = 0; f < list->n && !timed; f++)
        timed = list->v[f].space == FTSA_SPACE_SRAM;
    timed = timed && schedule(dev, input, &sched);
    for (uint32_t f = 0; f < list->n; f++) {
        ftsa_outcome_t known = timed ? from_schedule(&sched, &list->v[f]) : FTSA_OUTCOME_COUNT;
        if (known != FTSA_OUTCOME_COUNT) {
            out[f] = (ftsa_fault_outcome_t){.outcome = known};
            continue;
        }
        ftsa_fault_list_t one = {.v = &list->v[f], .n = 1, .cap = 1, .seed = list->seed};
        if ((st = ftsa_dev_set_faults(dev, &one, err)) ||
            (st = run_all(dev, ds, first, count, net, faulty, input, err))) {
            ftsa_err_prefix(err, "fault %u: ", f);
            break;
        }
        ftsa_fault_outcome_t o = {.outcome = FTSA_OUTCOME_MASKED};
        for (uint32_t i = 0; i < count; i++) {
            const int8_t *g = golden + (size_t)i * n_out, *q = faulty + (size_t)i * n_out;
            if (memcmp(g, q, n_out)) {
                o.images_output_changed++;
                o.images_top1_changed += ftsa_argmax_i8(g, n_out) != ftsa_argmax_i8(q, n_out);
            }
        }
        if (o.images_top1_changed)
            o.outcome = FTSA_OUTCOME_SDC;
        else if (o.images_output_changed)
            o.outcome = FTSA_OUTCOME_OUTPUT;
        out[f] = o;
    }
    ftsa_trace_free(&sched);
    ftsa_err_t ignore;
    ftsa_dev_set_faults(dev, NULL, st ? &ignore : err);
done:
    free(golden);
    free(faulty);
    free(input);
    return st;
}
