#include "ftsa/profile.h"

#include <stdlib.h>
#include <string.h>

#include "ftsa/ref.h"

ftsa_status_t ftsa_profile_dataset(ftsa_net_t *net, const ftsa_dataset_t *ds, uint32_t first,
                                   uint32_t count, ftsa_err_t *err)
{
    uint32_t n_in = ftsa_shape_elems(net->input);
    if (ds->rows * ds->cols != n_in)
        return ftsa_fail(err, FTSA_E_INVALID,
                         "the network expects %ux%ux%u inputs, the data set has %ux%u images",
                         net->input.h, net->input.w, net->input.c, ds->rows, ds->cols);
    if (count == 0 || first > ds->count || count > ds->count - first)
        return ftsa_fail(err, FTSA_E_INVALID, "profiling images %u..%u: the data set has %u",
                         first, first + count, ds->count);
    /* Profile a copy whose activation stages are removed, so the maxima are
     * those of the requantized outputs whatever clipping net has. */
    ftsa_net_t plain;
    ftsa_status_t st = ftsa_net_clone(net, &plain, err);
    if (st)
        return st;
    for (uint32_t i = 0; i < plain.n_layers; i++) {
        ftsa_layer_t *l = &plain.layers[i];
        free(l->prof_max);
        l->prof_max = NULL;
        free(l->thr);
        l->thr = NULL;
        l->act = FTSA_ACT_NONE;
    }
    plain.prof_images = 0;
    ftsa_ref_t ref;
    int8_t *input = malloc(n_in);
    int8_t **maxima = calloc(net->n_layers, sizeof *maxima);
    if (!input || !maxima || (st = ftsa_ref_init(&ref, &plain, err))) {
        free(input);
        free(maxima);
        ftsa_net_free(&plain);
        return st ? st : ftsa_fail(err, FTSA_E_NOMEM, "out of memory for profiling");
    }
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const ftsa_layer_t *l = &net->layers[i];
        if (!ftsa_layer_has_weights(l))
            continue;
        maxima[i] = malloc(ftsa_shape_elems(l->out));
        if (!maxima[i]) {
            st = ftsa_fail(err, FTSA_E_NOMEM, "out of memory for profiling");
            goto out;
        }
        memset(maxima[i], -128, ftsa_shape_elems(l->out));
    }
    for (uint32_t img = first; img < first + count; img++) {
        ftsa_net_quantize_pixels(&plain, ftsa_dataset_image(ds, img), input);
        ftsa_ref_run(&ref, input);
        for (uint32_t i = 0; i < net->n_layers; i++) {
            if (!maxima[i])
                continue;
            const int8_t *o = ftsa_ref_output(&ref, i);
            uint32_t n = ftsa_shape_elems(net->layers[i].out);
            for (uint32_t k = 0; k < n; k++)
                maxima[i][k] = o[k] > maxima[i][k] ? o[k] : maxima[i][k];
        }
    }
    for (uint32_t i = 0; i < net->n_layers; i++) {
        free(net->layers[i].prof_max);
        net->layers[i].prof_max = maxima[i];
        maxima[i] = NULL;
    }
    net->prof_images = count;
out:
    for (uint32_t i = 0; i < net->n_layers; i++)
        free(maxima[i]);
    free(maxima);
    free(input);
    ftsa_ref_free(&ref);
    ftsa_net_free(&plain);
    return st;
}

int8_t ftsa_profile_layer_max(const ftsa_layer_t *l)
{
    int8_t m = -128;
    uint32_t n = ftsa_shape_elems(l->out);
    for (uint32_t k = 0; k < n; k++)
        m = l->prof_max[k] > m ? l->prof_max[k] : m;
    return m;
}

int8_t ftsa_profile_channel_max(const ftsa_layer_t *l, uint32_t channel)
{
    int8_t m = -128;
    uint32_t n = ftsa_shape_elems(l->out);
    for (uint32_t k = channel; k < n; k += l->out.c)
        m = l->prof_max[k] > m ? l->prof_max[k] : m;
    return m;
}
