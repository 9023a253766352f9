/* The C-model back end: the reference model behind the driver API, with
 * tensor-space fault injection (faulty parameters, faulty stored outputs). */
#include <stdlib.h>

#include "backends.h"
#include "ftsa/ref.h"

struct ftsa_backend {
    const ftsa_net_t *pristine;
    ftsa_net_t faulty; /* pristine with parameter faults applied (when faults are set) */
    int has_faulty;
    ftsa_ref_t ref;
};

static ftsa_status_t cm_open(ftsa_backend_t **be, const ftsa_net_t *net, const ftsa_dev_opts_t *opts,
                             ftsa_err_t *err)
{
    (void)opts;
    ftsa_backend_t *b = calloc(1, sizeof *b);
    if (!b)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    b->pristine = net;
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

static void drop_faults(ftsa_backend_t *be)
{
    ftsa_ref_free(&be->ref);
    if (be->has_faulty)
        ftsa_net_free(&be->faulty);
    be->has_faulty = 0;
}

/* Tensor-space faults: parameters are faulty copies (the bias is folded from
 * the faulty weights, as a framework computing (x - zp) * w would); stored
 * outputs get masks applied after each layer. */
static ftsa_status_t cm_set_faults(ftsa_backend_t *be, const ftsa_fault_list_t *faults,
                                   ftsa_err_t *err)
{
    for (uint32_t i = 0; faults && i < faults->n; i++)
        if (faults->v[i].space == FTSA_SPACE_SRAM)
            return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                             "fault %u (%s %s): SRAM-space faults need the accelerator's memory "
                             "map, which the C model does not have yet; use tensor space",
                             faults->v[i].line ? faults->v[i].line : i,
                             ftsa_fault_kind_name(faults->v[i].kind),
                             ftsa_mem_name(faults->v[i].target));
    drop_faults(be);
    const ftsa_net_t *net = be->pristine;
    ftsa_status_t st = FTSA_OK;
    if (faults && faults->n) {
        if ((st = ftsa_net_clone(be->pristine, &be->faulty, err)))
            goto fail;
        be->has_faulty = 1;
        ftsa_faults_apply_params(faults, &be->faulty);
        net = &be->faulty;
    }
    if ((st = ftsa_ref_init(&be->ref, net, err)))
        goto fail;
    for (uint32_t l = 0; faults && l < net->n_layers; l++) {
        ftsa_act_mask_t *m;
        uint32_t n;
        if ((st = ftsa_faults_act_masks(faults, l, &m, &n, err)))
            goto fail;
        st = ftsa_ref_set_act_masks(&be->ref, l, m, n, err);
        free(m);
        if (st)
            goto fail;
    }
    return FTSA_OK;
fail:
    /* Leave a usable, fault-free device behind. */
    drop_faults(be);
    if (ftsa_ref_init(&be->ref, be->pristine, NULL) != FTSA_OK)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory restoring the device");
    return st;
}

static void cm_close(ftsa_backend_t *be)
{
    drop_faults(be);
    free(be);
}

const ftsa_backend_ops_t ftsa_backend_cmodel = {
    .name = "cmodel",
    .summary = "bit-exact C model of the accelerator",
    .open = cm_open,
    .infer = cm_infer,
    .layer_output = cm_layer_output,
    .layer_stats = NULL,
    .set_faults = cm_set_faults,
    .close = cm_close,
};
