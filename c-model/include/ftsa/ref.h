/* Reference model: integer inference of a whole network, stage by stage as the
 * hardware does it (accumulate -> requantize -> activation/clip -> pool).  It is
 * the golden model every back end is compared with. */
#ifndef FTSA_REF_H
#define FTSA_REF_H

#include <stdint.h>

#include "ftsa/error.h"
#include "ftsa/faults.h"
#include "ftsa/net.h"

/* A weighted layer prepared for the GEMM kernel (ref.c).  Inputs enter as
 * unsigned bytes x + 128, so the kernel multiplies unsigned by signed bytes,
 * four products per 32-bit lane (the operation of x86's VNNI vpdpbusd). */
typedef struct {
    int8_t *wq;      /* weights packed [kq][oc][4], zero where no input byte matches */
    uint32_t *off;   /* [kq] offset of each group's four input bytes from a position's base */
    int32_t *bias;   /* [oc] folded bias minus 128 * sum(w[o]) (wrapping) */
    int32_t *mult;   /* [rows][oc] requantization multiplier, tiled once per row of a
                        kernel block */
    int32_t *shift;  /* [rows][oc] requantization shift, tiled the same way */
    int8_t *thr;     /* thresholds expanded to one per output element (NULL if unused) */
    uint32_t kq;     /* groups of four input bytes per output */
    uint32_t oc;     /* output channels */
    int8_t *wt;      /* fully connected, VNNI: wq as [oc][kq][4] (one channel's groups in a
                        row, for ftsa_ref_run_channels), else NULL */
} ftsa_ref_layer_t;

/* Per-network workspace: every layer's output stays readable after a run. */
typedef struct {
    const ftsa_net_t *net;
    int8_t **out;            /* out[i]: layer i output, ftsa_shape_elems(layers[i].out) */
    ftsa_ref_layer_t *layer; /* per layer; zeroed for layers without weights */
    int32_t *acc;            /* a block of accumulator rows, [pos][oc] */
    uint8_t *scratch;        /* a layer input as unsigned bytes (conv: framed with the
                                zero point), or a pooling row */
    ftsa_act_mask_t **act_masks; /* per layer: faults of the stored output, or NULL */
    uint32_t *n_act_masks;
    int borrowed;            /* layer and act_masks belong to another workspace */
} ftsa_ref_t;

/* Prepare a workspace for net (net must stay alive and unchanged). */
ftsa_status_t ftsa_ref_init(ftsa_ref_t *ref, const ftsa_net_t *net, ftsa_err_t *err);
void ftsa_ref_free(ftsa_ref_t *ref);
/* A second workspace over src's prepared layers and fault masks, with its own
 * outputs and scratch, so threads can run the same network at once.  src must
 * stay alive and unchanged while ref runs; free ref with ftsa_ref_free first. */
ftsa_status_t ftsa_ref_init_worker(ftsa_ref_t *ref, const ftsa_ref_t *src, ftsa_err_t *err);

/* Faulty cells in layer's stored output: after every run of the layer, each
 * listed element becomes ((v & and) | or) ^ xor before anything reads it.
 * Copies the masks; n = 0 removes them. */
ftsa_status_t ftsa_ref_set_act_masks(ftsa_ref_t *ref, uint32_t layer, const ftsa_act_mask_t *masks,
                                     uint32_t n, ftsa_err_t *err);

/* Run one inference on a quantized input (ftsa_shape_elems(net->input) values). */
void ftsa_ref_run(ftsa_ref_t *ref, const int8_t *input);
/* Run layers [first, n_layers) on in, the input of layer first (the output
 * of layer first - 1, or the network input when first is 0); the outputs of
 * the layers before first are left as they were. */
void ftsa_ref_run_from(ftsa_ref_t *ref, uint32_t first, const int8_t *in);
/* Recompute only output channels ch[0..n) of weighted layer i from in (its
 * input) into its stored output, whose other channels are kept as they are
 * (the caller puts the fault-free ones there), then apply its faults. */
void ftsa_ref_run_channels(ftsa_ref_t *ref, uint32_t i, const int8_t *in, const uint32_t *ch,
                           uint32_t n);
/* Output of layer i from the last run. */
static inline const int8_t *ftsa_ref_output(const ftsa_ref_t *ref, uint32_t i)
{
    return ref->out[i];
}
/* Index of the largest value of the last layer (first wins ties). */
uint32_t ftsa_ref_argmax(const ftsa_ref_t *ref);
uint32_t ftsa_argmax_i8(const int8_t *v, uint32_t n);

#endif
