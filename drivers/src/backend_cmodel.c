/* The C-model back end: the reference model behind the driver API. */
#include <stdlib.h>

#include "backends.h"
#include "ftsa/ref.h"

struct ftsa_backend {
    ftsa_ref_t ref;
};

static ftsa_status_t cm_open(ftsa_backend_t **be, const ftsa_net_t *net, const ftsa_dev_opts_t *opts,
                             ftsa_err_t *err)
{
    (void)opts;
    ftsa_backend_t *b = calloc(1, sizeof *b);
    if (!b)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    ftsa_status_t st = ftsa_ref_init(&b->ref, net, err);
    if (st) {
        free(b);
        return st;
    }
    *be = b;
    return FTSA_OK;
}

static ftsa_status_t cm_infer(ftsa_backend_t *be, const int8_t *input, ftsa_err_t *err)
{
    (void)err;
    ftsa_ref_run(&be->ref, input);
    return FTSA_OK;
}

static const int8_t *cm_layer_output(const ftsa_backend_t *be, uint32_t layer)
{
    return ftsa_ref_output(&be->ref, layer);
}

static void cm_close(ftsa_backend_t *be)
{
    ftsa_ref_free(&be->ref);
    free(be);
}

const ftsa_backend_ops_t ftsa_backend_cmodel = {
    .name = "cmodel",
    .summary = "bit-exact C model of the accelerator",
    .open = cm_open,
    .infer = cm_infer,
    .layer_output = cm_layer_output,
    .layer_stats = NULL,
    .close = cm_close,
};
