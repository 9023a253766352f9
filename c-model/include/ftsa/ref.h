/* Reference model: integer inference of a whole network, stage by stage as the
 * hardware does it (accumulate -> requantize -> activation/clip -> pool).  It is
 * the golden model every back end is compared with. */
#ifndef FTSA_REF_H
#define FTSA_REF_H

#include <stdint.h>

#include "ftsa/error.h"
#include "ftsa/faults.h"
#include "ftsa/net.h"

/* Dot-product rows are padded to a multiple of this many bytes. */
#define FTSA_REF_LANE 32u

/* Per-network workspace: every layer's output stays readable after a run. */
typedef struct {
    const ftsa_net_t *net;
    int8_t **out;      /* out[i]: layer i output, ftsa_shape_elems(layers[i].out) */
    int32_t **bias;    /* folded bias per weighted layer (NULL otherwise) */
    int8_t **wpad;     /* weights with rows zero-padded to FTSA_REF_LANE (NULL otherwise) */
    int8_t *cols;      /* one padded input row (a conv window or the fc input) */
    int8_t **thr;      /* thresholds expanded to one per output element (NULL if unused) */
    int32_t *acc;      /* one layer's accumulators, channel-major */
    int8_t *framed;    /* conv input framed with zero-point padding */
    ftsa_act_mask_t **act_masks; /* per layer: faults of the stored output, or NULL */
    uint32_t *n_act_masks;
} ftsa_ref_t;

/* Prepare a workspace for net (net must stay alive and unchanged). */
ftsa_status_t ftsa_ref_init(ftsa_ref_t *ref, const ftsa_net_t *net, ftsa_err_t *err);
void ftsa_ref_free(ftsa_ref_t *ref);

/* Faulty cells in layer's stored output: after every run of the layer, each
 * listed element becomes ((v & and) | or) ^ xor before anything reads it.
 * Copies the masks; n = 0 removes them. */
ftsa_status_t ftsa_ref_set_act_masks(ftsa_ref_t *ref, uint32_t layer, const ftsa_act_mask_t *masks,
                                     uint32_t n, ftsa_err_t *err);

/* Run one inference on a quantized input (ftsa_shape_elems(net->input) values). */
void ftsa_ref_run(ftsa_ref_t *ref, const int8_t *input);
/* Output of layer i from the last run. */
static inline const int8_t *ftsa_ref_output(const ftsa_ref_t *ref, uint32_t i)
{
    return ref->out[i];
}
/* Index of the largest value of the last layer (first wins ties). */
uint32_t ftsa_ref_argmax(const ftsa_ref_t *ref);
uint32_t ftsa_argmax_i8(const int8_t *v, uint32_t n);

#endif
