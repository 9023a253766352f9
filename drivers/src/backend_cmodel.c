/* The C-model back end.  Two paths, the same results:
 *  - untimed (no fault, or tensor-space faults): the reference model computes
 *    each layer in bulk (ref.h) with faulty parameters and stored outputs;
 *  - timed (SRAM-space faults): the cycle-accurate model (hwmodel.h) runs the
 *    compiled command stream as the RTL does, so stuck-at cells, upsets at a
 *    cycle and read disturb act exactly where and when they do in the RTL.
 * Per-layer cycles come from the cycle-accurate model on either path. */
#include <stdlib.h>
#include <string.h>

#include "backends.h"
#include "ftsa/hwmodel.h"
#include "ftsa/ref.h"
#include "ref_classify.h"
#include "sram_faults.h"

struct ftsa_backend {
    const ftsa_net_t *pristine;
    ftsa_net_t faulty; /* pristine with parameter faults applied (when faults are set) */
    int has_faulty;
    ftsa_ref_t ref;
    /* the cycle-accurate path; hwm is NULL when the net does not compile */
    ftsa_err_t hw_err; /* why not */
    ftsa_program_t prog;
    ftsa_hwm_t *hwm;
    uint8_t *host;
    int8_t **out;
    uint8_t *unpacked; /* per layer: out[] holds the last inference's output; the
                        * others are read from host memory when asked for */
    ftsa_layer_stats_t *stats;
    ftsa_port_fault_t *pf; /* the SRAM-space faults in force */
    uint32_t n_pf;
    uint64_t seed;
    int timed, upsets;
    int tracing; /* an access trace forces the timed path */
    int last_timed; /* the last inference ran on the timed path */
    ftsa_trace_t *trace;
    /* classify on the untimed path: threads, and the kept fault-free run */
    uint32_t threads;   /* 0: every online core */
    size_t reuse_bytes; /* bound of gold; 0: no reuse */
    ftsa_golden_t gold;
    uint32_t start;     /* first layer the faults in force can change (n_layers: none) */
    uint32_t *chans, n_chans; /* the only output channels of start they change (0: all) */
    int clean;          /* ref is the pristine network without masks */
};

static void hw_free(ftsa_backend_t *be)
{
    ftsa_hw_outputs_free(be->pristine, be->out, be->stats);
    free(be->unpacked);
    free(be->host);
    free(be->pf);
    ftsa_hwm_destroy(be->hwm);
    ftsa_program_free(&be->prog);
    be->out = NULL, be->stats = NULL, be->host = NULL, be->pf = NULL, be->hwm = NULL;
    be->unpacked = NULL;
}

/* Install the SRAM-space faults in force on the model (after clearing it). */
static ftsa_status_t hw_install(ftsa_backend_t *be, ftsa_err_t *err)
{
    ftsa_hwm_clear_faults(be->hwm);
    for (uint32_t i = 0; i < be->n_pf; i++) {
        const ftsa_port_fault_t *f = &be->pf[i];
        ftsa_status_t st;
        if (f->kind == FTSA_FAULT_SEU)
            st = ftsa_hwm_fault_upset(be->hwm, f->mem, f->cycle, f->addr, f->mask, err);
        else if (f->kind == FTSA_FAULT_READ_DISTURB)
            st = ftsa_hwm_fault_rd(be->hwm, f->mem, f->addr, f->bit, f->prob, be->seed, err);
        else
            st = ftsa_hwm_fault_mask(be->hwm, f->mem, (ftsa_hwm_mask_t)f->kind, f->addr, f->mask,
                                     err);
        if (st)
            return st;
    }
    return FTSA_OK;
}

/* Layer l's output of the last inference, from host memory on first use:
 * most callers look at a few layers only. */
static const int8_t *hw_output(const ftsa_backend_t *be, uint32_t l)
{
    if (!be->unpacked[l]) {
        ftsa_program_unpack(&be->prog, &be->prog.layers[l], be->host, be->out[l]);
        be->unpacked[l] = 1;
    }
    return be->out[l];
}

/* Reload what the setup stream makes resident (weights, parameters,
 * thresholds), fault-free, then install the faults in force: every inference
 * under upsets starts from the same SRAM contents. */
static ftsa_status_t hw_setup(ftsa_backend_t *be, ftsa_err_t *err)
{
    ftsa_hwm_clear_faults(be->hwm);
    ftsa_status_t st = ftsa_hwm_run(be->hwm, be->host, be->prog.image_bytes, be->prog.setup_addr, err);
    return st ? st : hw_install(be, err);
}

static ftsa_status_t hw_infer(ftsa_backend_t *be, const int8_t *input, ftsa_err_t *err)
{
    ftsa_status_t st;
    if (be->upsets && (st = hw_setup(be, err)))
        return st;
    ftsa_program_pack_input(&be->prog, input, be->host);
    ftsa_hwm_set_trace(be->hwm, be->trace);
    st = ftsa_hwm_run(be->hwm, be->host, be->prog.image_bytes, be->prog.infer_addr, err);
    ftsa_hwm_set_trace(be->hwm, NULL);
    if (st)
        return st;
    ftsa_hw_read_outputs(&be->prog, be->pristine, be->host, NULL, be->stats);
    memset(be->unpacked, 0, be->pristine->n_layers);
    return FTSA_OK;
}

/* Compile for the array, make weights resident, and time one inference
 * (cycles do not depend on the data).  A net the hardware cannot run keeps
 * the untimed path only; hw_err says why. */
static ftsa_status_t hw_open(ftsa_backend_t *be, uint32_t array_n, ftsa_err_t *err)
{
    const ftsa_net_t *net = be->pristine;
    ftsa_hw_cfg_t hw;
    ftsa_hwm_default_cfg(array_n, &hw);
    ftsa_status_t st = ftsa_compile(net, &hw, &be->prog, &be->hw_err);
    if (st == FTSA_E_UNSUPPORTED)
        return FTSA_OK;
    if (st)
        return ftsa_fail(err, st, "%s", be->hw_err.msg);
    if ((st = ftsa_hwm_create(&hw, &be->hwm, err)))
        return st;
    if ((st = ftsa_hw_outputs_alloc(net, &be->out, &be->stats, err)))
        return st;
    if (!(be->unpacked = calloc(net->n_layers ? net->n_layers : 1, 1)))
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    if (!(be->host = malloc(be->prog.image_bytes)))
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    memcpy(be->host, be->prog.image, be->prog.image_bytes);
    int8_t *zero = calloc(1, ftsa_shape_elems(net->input));
    if (!zero)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    if (!(st = hw_setup(be, err)))
        st = hw_infer(be, zero, err);
    free(zero);
    return st;
}

static ftsa_status_t cm_open(ftsa_backend_t **be, const ftsa_net_t *net, const ftsa_dev_opts_t *opts,
                             ftsa_err_t *err)
{
    if (opts->trace_path)
        return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                         "the cmodel back end has no signals to trace (a waveform needs the RTL: "
                         "--backend rtl)");
    ftsa_backend_t *b = calloc(1, sizeof *b);
    if (!b)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    b->pristine = net;
    b->threads = opts->threads;
    b->start = net->n_layers;
    b->clean = 1;
    ftsa_status_t st = ftsa_ref_init(&b->ref, net, err);
    if (st) {
        free(b);
        return st;
    }
    if ((st = hw_open(b, opts->array_n ? opts->array_n : 8, err))) {
        hw_free(b);
        ftsa_ref_free(&b->ref);
        free(b);
        return st;
    }
    *be = b;
    return FTSA_OK;
}

static ftsa_status_t cm_infer(ftsa_backend_t *be, const int8_t *input, ftsa_err_t *err)
{
    be->last_timed = be->timed || be->tracing;
    if (be->last_timed)
        return hw_infer(be, input, err);
    ftsa_ref_run(&be->ref, input);
    return FTSA_OK;
}

static const int8_t *cm_layer_output(const ftsa_backend_t *be, uint32_t layer)
{
    return be->last_timed ? hw_output(be, layer) : ftsa_ref_output(&be->ref, layer);
}

static void cm_layer_stats(const ftsa_backend_t *be, uint32_t layer, ftsa_layer_stats_t *stats)
{
    if (be->stats)
        *stats = be->stats[layer];
    else
        *stats = (ftsa_layer_stats_t){0, ftsa_layer_macs(&be->pristine->layers[layer])};
}

/* SRAM-space faults: the timed path.  A list mixes no tensor-space faults in. */
static ftsa_status_t set_sram_faults(ftsa_backend_t *be, const ftsa_fault_list_t *faults,
                                     ftsa_err_t *err)
{
    if (!be->hwm)
        return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                         "SRAM-space faults need the network on the accelerator: %s",
                         be->hw_err.msg);
    for (uint32_t i = 0; i < faults->n; i++)
        if (faults->v[i].space != FTSA_SPACE_SRAM)
            return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                             "fault %u: a list mixes SRAM-space and tensor-space faults; "
                             "inject them in separate runs",
                             faults->v[i].line ? faults->v[i].line : i);
    ftsa_port_fault_t *pf;
    uint32_t n;
    ftsa_status_t st = ftsa_port_faults(faults, &be->prog.hw, &pf, &n, err);
    if (st)
        return st;
    free(be->pf);
    be->pf = pf, be->n_pf = n, be->seed = faults->seed;
    be->upsets = 0;
    for (uint32_t i = 0; i < n; i++)
        be->upsets |= pf[i].kind == FTSA_FAULT_SEU;
    be->timed = 1;
    for (uint32_t l = 0; l < be->pristine->n_layers; l++)
        hw_output(be, l); /* the last inference's outputs, before a run changes host memory */
    return hw_setup(be, err);
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
/* Back to the untimed path with no SRAM-space faults. */
static void drop_sram_faults(ftsa_backend_t *be)
{
    be->timed = 0;
    free(be->pf);
    be->pf = NULL, be->n_pf = 0, be->upsets = 0;
}

/* Channels of the start layer the parameter faults change, when they are
 * few enough that recomputing them one by one beats the whole layer in the
 * vector kernel: fully connected layers, an eighth of the channels or fewer
 * (a conv channel alone, recomputed at every position, costs about as much
 * as the whole layer in the kernel). */
static void set_channels(ftsa_backend_t *be, const ftsa_net_t *net)
{
    be->n_chans = 0;
    if (be->start >= net->n_layers)
        return;
    const ftsa_layer_t *l = &net->layers[be->start];
    if (l->kind != FTSA_LAYER_FC)
        return;
    uint32_t *ch = realloc(be->chans, l->out.c * sizeof *ch);
    if (!ch)
        return; /* the whole layer, then */
    be->chans = ch;
    uint32_t n = ftsa_changed_channels(be->pristine, net, be->start, ch);
    if ((uint64_t)n * 8 <= l->out.c)
        be->n_chans = n;
}

static ftsa_status_t cm_set_faults(ftsa_backend_t *be, const ftsa_fault_list_t *faults,
                                   ftsa_err_t *err)
{
    uint32_t n_layers = be->pristine->n_layers;
    drop_sram_faults(be);
    be->start = n_layers;
    be->n_chans = 0;
    if ((!faults || !faults->n) && be->clean)
        return FTSA_OK; /* already the fault-free device: a trial that drew nothing costs nothing */
    be->clean = 0;
    for (uint32_t i = 0; faults && i < faults->n; i++)
        if (faults->v[i].space == FTSA_SPACE_SRAM) {
            drop_faults(be);
            be->start = 0; /* the timed path runs whole inferences */
            ftsa_status_t st = set_sram_faults(be, faults, err);
            if (ftsa_ref_init(&be->ref, be->pristine, NULL) != FTSA_OK)
                return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
            be->clean = 1;
            if (st)
                drop_sram_faults(be), be->start = n_layers;
            return st;
        }
    if (be->tracing && faults && faults->n)
        return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                         "tensor-space faults run on the untimed path, which has no access trace");
    drop_faults(be);
    const ftsa_net_t *net = be->pristine;
    ftsa_status_t st = FTSA_OK;
    if (faults && faults->n) {
        if ((st = ftsa_net_clone(be->pristine, &be->faulty, err)))
            goto fail;
        be->has_faulty = 1;
        ftsa_faults_apply_params(faults, &be->faulty);
        net = &be->faulty;
        be->start = ftsa_first_changed_layer(be->pristine, net);
        set_channels(be, net);
    }
    if ((st = ftsa_ref_init(&be->ref, net, err)))
        goto fail;
    be->clean = !be->has_faulty;
    for (uint32_t l = 0; faults && l < net->n_layers; l++) {
        ftsa_act_mask_t *m;
        uint32_t n;
        if ((st = ftsa_faults_act_masks(faults, l, &m, &n, err)))
            goto fail;
        st = ftsa_ref_set_act_masks(&be->ref, l, m, n, err);
        free(m);
        if (st)
            goto fail;
        if (n)
            be->clean = 0;
        if (n && l < be->start)
            be->start = l, be->n_chans = 0; /* the stored output of layer l changes after it runs */
    }
    return FTSA_OK;
fail:
    /* Leave a usable, fault-free device behind. */
    drop_faults(be);
    be->start = n_layers, be->n_chans = 0;
    if (ftsa_ref_init(&be->ref, be->pristine, NULL) != FTSA_OK)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory restoring the device");
    be->clean = 1;
    return st;
}

/* Only inference runs are traced: setup runs go unrecorded. */
static ftsa_status_t cm_set_access_trace(ftsa_backend_t *be, ftsa_trace_t *t, ftsa_err_t *err)
{
    if (t && !be->hwm)
        return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                         "access traces need the network on the accelerator: %s", be->hw_err.msg);
    if (t && be->has_faulty)
        return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                         "tensor-space faults run on the untimed path, which has no access trace");
    be->tracing = t != NULL;
    be->trace = t;
    if (t)
        t->array_n = be->prog.hw.array_n;
    return FTSA_OK;
}

/* The untimed path's classify: over threads, and from the kept fault-free
 * run when reuse is on.  The timed path (SRAM-space faults) and traced runs
 * go image by image through the driver's loop: a timed inference starts
 * from the reloaded SRAM contents, not from a layer boundary, so it is
 * recomputed whole (only a trial that drew no fault skips it, as the list is
 * then empty and the device untimed). */
static ftsa_status_t cm_classify(ftsa_backend_t *be, const ftsa_dataset_t *ds, uint32_t first,
                                 uint32_t count, uint8_t *pred, uint32_t *correct, int *done,
                                 ftsa_err_t *err)
{
    if (be->timed || be->tracing)
        return FTSA_OK;
    *done = 1;
    be->last_timed = 0;
    const ftsa_golden_t *g = NULL;
    if (be->reuse_bytes) {
        if (!ftsa_golden_matches(&be->gold, ds, first, count)) {
            ftsa_ref_t pristine;
            ftsa_status_t st = be->clean ? FTSA_OK : ftsa_ref_init(&pristine, be->pristine, err);
            if (st)
                return st;
            st = ftsa_golden_build(&be->gold, be->clean ? &be->ref : &pristine, ds, first, count,
                                   be->reuse_bytes, be->threads, err);
            if (!be->clean)
                ftsa_ref_free(&pristine);
            if (st)
                return st;
        }
        g = &be->gold;
    }
    ftsa_ref_start_t from = {be->start, be->chans, be->n_chans};
    return ftsa_ref_classify(&be->ref, ds, first, count, g, &from, be->threads, pred, correct, err);
}

static ftsa_status_t cm_set_reuse(ftsa_backend_t *be, size_t bytes, ftsa_err_t *err)
{
    (void)err;
    if (bytes != be->reuse_bytes)
        ftsa_golden_free(&be->gold);
    be->reuse_bytes = bytes;
    return FTSA_OK;
}

static void cm_close(ftsa_backend_t *be)
{
    ftsa_golden_free(&be->gold);
    free(be->chans);
    drop_faults(be);
    hw_free(be);
    free(be);
}

const ftsa_backend_ops_t ftsa_backend_cmodel = {
    .name = "cmodel",
    .summary = "bit-exact C model of the accelerator",
    .open = cm_open,
    .infer = cm_infer,
    .layer_output = cm_layer_output,
    .layer_stats = cm_layer_stats,
    .set_faults = cm_set_faults,
    .set_access_trace = cm_set_access_trace,
    .classify = cm_classify,
    .set_reuse = cm_set_reuse,
    .close = cm_close,
};
