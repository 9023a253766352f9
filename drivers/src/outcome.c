#include "ftsa/outcome.h"

#include <stdlib.h>
#include <string.h>

#include "ftsa/ref.h"

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
    for (uint32_t f = 0; f < list->n; f++) {
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
    ftsa_err_t ignore;
    ftsa_dev_set_faults(dev, NULL, st ? &ignore : err);
done:
    free(golden);
    free(faulty);
    free(input);
    return st;
}
