#include "ftsa/driver.h"

#include <stdlib.h>
#include <string.h>

#include "ftsa/ref.h"
#include "backends.h"

struct ftsa_dev {
    const ftsa_backend_ops_t *ops;
    ftsa_backend_t *be;
    const ftsa_net_t *net;
};

static const ftsa_backend_ops_t *const backend_list[] = {
    &ftsa_backend_cmodel,
#ifdef FTSA_HAVE_RTL
    &ftsa_backend_rtl,
#endif
#ifdef FTSA_HAVE_SYSTEMC
    &ftsa_backend_systemc,
#endif
    NULL,
};

const ftsa_backend_ops_t *const *ftsa_backends(void)
{
    return backend_list;
}

const ftsa_backend_ops_t *ftsa_backend_find(const char *name)
{
    for (const ftsa_backend_ops_t *const *b = backend_list; *b; b++)
        if (!strcmp((*b)->name, name))
            return *b;
    return NULL;
}

ftsa_status_t ftsa_dev_open(const char *backend_name, const ftsa_net_t *net,
                            const ftsa_dev_opts_t *opts, ftsa_dev_t **dev, ftsa_err_t *err)
{
    const ftsa_backend_ops_t *ops = ftsa_backend_find(backend_name);
    if (!ops) {
        char names[256] = "";
        for (const ftsa_backend_ops_t *const *b = backend_list; *b; b++) {
            strncat(names, b == backend_list ? "" : ", ", sizeof names - strlen(names) - 1);
            strncat(names, (*b)->name, sizeof names - strlen(names) - 1);
        }
        return ftsa_fail(err, FTSA_E_UNSUPPORTED, "unknown back end '%s' (this build has: %s)",
                         backend_name, names);
    }
    ftsa_status_t st = ftsa_net_validate(net, err);
    if (st)
        return st;
    ftsa_dev_opts_t def = {0};
    ftsa_dev_t *d = calloc(1, sizeof *d);
    if (!d)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for a device");
    d->ops = ops;
    d->net = net;
    st = ops->open(&d->be, net, opts ? opts : &def, err);
    if (st) {
        free(d);
        ftsa_err_prefix(err, "back end %s: ", ops->name);
        return st;
    }
    *dev = d;
    return FTSA_OK;
}

ftsa_status_t ftsa_dev_infer(ftsa_dev_t *dev, const int8_t *input, ftsa_err_t *err)
{
    return dev->ops->infer(dev->be, input, err);
}

const int8_t *ftsa_dev_layer_output(const ftsa_dev_t *dev, uint32_t layer)
{
    return layer < dev->net->n_layers ? dev->ops->layer_output(dev->be, layer) : NULL;
}

const int8_t *ftsa_dev_output(const ftsa_dev_t *dev)
{
    return ftsa_dev_layer_output(dev, dev->net->n_layers - 1);
}

uint32_t ftsa_dev_argmax(const ftsa_dev_t *dev)
{
    return ftsa_argmax_i8(ftsa_dev_output(dev), ftsa_shape_elems(ftsa_net_output_shape(dev->net)));
}

void ftsa_dev_layer_stats(const ftsa_dev_t *dev, uint32_t layer, ftsa_layer_stats_t *stats)
{
    memset(stats, 0, sizeof *stats);
    if (dev->ops->layer_stats && layer < dev->net->n_layers)
        dev->ops->layer_stats(dev->be, layer, stats);
}

ftsa_status_t ftsa_dev_set_faults(ftsa_dev_t *dev, const ftsa_fault_list_t *faults,
                                  ftsa_err_t *err)
{
    static const ftsa_fault_list_t none = {0};
    if (!faults)
        faults = &none;
    ftsa_status_t st = ftsa_faults_check_tensor(faults, dev->net, err);
    if (st)
        return st;
    if (!dev->ops->set_faults) {
        if (faults->n == 0)
            return FTSA_OK;
        return ftsa_fail(err, FTSA_E_UNSUPPORTED, "back end %s does not inject faults",
                         dev->ops->name);
    }
    return dev->ops->set_faults(dev->be, faults, err);
}

ftsa_status_t ftsa_dev_set_access_trace(ftsa_dev_t *dev, ftsa_trace_t *t, ftsa_err_t *err)
{
    if (!dev->ops->set_access_trace)
        return ftsa_fail(err, FTSA_E_UNSUPPORTED, "back end %s does not trace SRAM accesses",
                         dev->ops->name);
    return dev->ops->set_access_trace(dev->be, t, err);
}

ftsa_status_t ftsa_dev_classify(ftsa_dev_t *dev, const ftsa_dataset_t *ds, uint32_t first,
                                uint32_t count, uint8_t *pred, uint32_t *correct, ftsa_err_t *err)
{
    const ftsa_net_t *net = dev->net;
    uint32_t n = ftsa_shape_elems(net->input);
    if (ds->rows * ds->cols != n)
        return ftsa_fail(err, FTSA_E_INVALID,
                         "the network expects %ux%ux%u inputs, the data set has %ux%u images",
                         net->input.h, net->input.w, net->input.c, ds->rows, ds->cols);
    if (first > ds->count || count > ds->count - first)
        return ftsa_fail(err, FTSA_E_INVALID, "images %u..%u requested, the data set has %u",
                         first, first + count, ds->count);
    if (dev->ops->classify) {
        int done = 0;
        ftsa_status_t st = dev->ops->classify(dev->be, ds, first, count, pred, correct, &done, err);
        if (st || done)
            return st;
    }
    int8_t *input = malloc(n);
    if (!input)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    uint32_t ok = 0;
    ftsa_status_t st = FTSA_OK;
    for (uint32_t i = first; i < first + count; i++) {
        ftsa_net_quantize_pixels(net, ftsa_dataset_image(ds, i), input);
        if ((st = ftsa_dev_infer(dev, input, err))) {
            ftsa_err_prefix(err, "image %u: ", i);
            break;
        }
        uint32_t p = ftsa_dev_argmax(dev);
        if (pred)
            pred[i - first] = (uint8_t)p;
        ok += p == ds->labels[i];
    }
    free(input);
    *correct = ok;
    return st;
}

ftsa_status_t ftsa_dev_set_reuse(ftsa_dev_t *dev, size_t bytes, ftsa_err_t *err)
{
    return dev->ops->set_reuse ? dev->ops->set_reuse(dev->be, bytes, err) : FTSA_OK;
}

const ftsa_net_t *ftsa_dev_net(const ftsa_dev_t *dev)
{
    return dev->net;
}

const char *ftsa_dev_backend_name(const ftsa_dev_t *dev)
{
    return dev->ops->name;
}

void ftsa_dev_close(ftsa_dev_t *dev)
{
    if (!dev)
        return;
    dev->ops->close(dev->be);
    free(dev);
}
