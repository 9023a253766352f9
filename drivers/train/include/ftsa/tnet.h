/* Float32 training network: the layers of the quantized ftsa_net_t, in the
 * same HWC layout and weight order, with forward and backward passes.
 *
 * Activations are batch-major HWC (channel fastest), so flatten is a no-op and
 * the weights map one to one onto the C model: conv OHWI [oc][k][k][ic], fully
 * connected [out][in] with in in HWC order.  All parameters live in one flat
 * array (each layer's weights, then its bias), which keeps the optimizer and
 * the checkpoint a single loop over floats.  Matrix products use CBLAS. */
#ifndef FTSA_TNET_H
#define FTSA_TNET_H

#include <stddef.h>
#include <stdint.h>

#include "ftsa/error.h"
#include "ftsa/net.h"

typedef enum {
    FTSA_TL_CONV2D = 0,
    FTSA_TL_MAXPOOL,
    FTSA_TL_AVGPOOL_GLOBAL,
    FTSA_TL_FC,
    FTSA_TL_FLATTEN,
    FTSA_TL_RELU,
    FTSA_TL_KIND_COUNT
} ftsa_tl_kind_t;

typedef struct {
    ftsa_tl_kind_t kind;
    ftsa_shape_t in, out;
    uint32_t k, stride, pad; /* conv kernel / pool window k x k; pad: conv only */
    uint32_t fan_in;         /* conv k*k*in.c, fc in elements, else 0 */
    size_t w_off, b_off;     /* into the net's parameter arrays (weighted layers) */

    /* Output quantization, set by calibration.  A quantization point is the
     * output of a conv/fc layer, or of the ReLU fused after one. */
    int qpoint;
    float q_scale;
    int32_t q_zp;

    /* Workspaces (max_batch samples), owned. */
    float *y;         /* forward output */
    float *dy;        /* gradient of the loss w.r.t. y */
    float *cols;      /* conv: im2col rows, kept for the weight gradient */
    uint32_t *argmax; /* maxpool: input index of each output */
    uint8_t *pass;    /* fake-quant: 1 where the straight-through gradient passes */

    /* ReLU only, FitAct's bounded ReLU when bound is set (not owned):
     * y = max(0, x) * sigmoid(bound_k * (bound[i] - x)), one bound per output
     * element; backward adds d loss / d bound into bound_grad (summed over
     * the batch; the caller zeroes it). */
    const float *bound;
    float *bound_grad;
    float bound_k;
} ftsa_tlayer_t;

typedef struct {
    ftsa_shape_t input;
    uint32_t n_layers;
    ftsa_tlayer_t *layers;
    uint32_t max_batch;

    size_t n_params;
    float *params; /* weights and biases, the values being trained */
    float *grads;  /* d loss / d params from the last backward pass */
    float *fq;     /* fake-quantized copy of params used by forward in QAT */

    /* Quantization-aware mode: forward uses per-channel fake-quantized weights
     * (weight_bits) and fake-quantizes every calibrated quantization point. */
    int qat;
    uint32_t weight_bits;

    int want_input_grad; /* backward also fills input_grad (tests) */
    float *input_grad;
    float *scratch; /* conv input-gradient rows, shared */
} ftsa_tnet_t;

/* Build: init with the input shape, append layers, then finalize to allocate
 * for batches of up to max_batch samples.  Shapes are checked as layers are
 * appended.  After a failure, ftsa_tnet_free releases what was allocated. */
void ftsa_tnet_init(ftsa_tnet_t *net, ftsa_shape_t input);
ftsa_status_t ftsa_tnet_add_conv(ftsa_tnet_t *net, uint32_t out_c, uint32_t k, uint32_t stride,
                                 uint32_t pad, ftsa_err_t *err);
ftsa_status_t ftsa_tnet_add_maxpool(ftsa_tnet_t *net, uint32_t k, uint32_t stride, ftsa_err_t *err);
ftsa_status_t ftsa_tnet_add_avgpool(ftsa_tnet_t *net, ftsa_err_t *err);
ftsa_status_t ftsa_tnet_add_fc(ftsa_tnet_t *net, uint32_t out, ftsa_err_t *err);
ftsa_status_t ftsa_tnet_add_flatten(ftsa_tnet_t *net, ftsa_err_t *err);
ftsa_status_t ftsa_tnet_add_relu(ftsa_tnet_t *net, ftsa_err_t *err);
ftsa_status_t ftsa_tnet_finalize(ftsa_tnet_t *net, uint32_t max_batch, ftsa_err_t *err);
void ftsa_tnet_free(ftsa_tnet_t *net);

/* The model-zoo architectures on 28x28x1 inputs: "lenet5", "mlp"
 * (784-256-256-10).  Finalized for max_batch. */
ftsa_status_t ftsa_tnet_build_arch(ftsa_tnet_t *net, const char *arch, uint32_t max_batch,
                                   ftsa_err_t *err);
/* Comma-separated list of the names ftsa_tnet_build_arch accepts. */
const char *ftsa_tnet_arch_names(void);

/* He-normal weights (std sqrt(2/fan_in)) and zero biases, from seed. */
void ftsa_tnet_init_params(ftsa_tnet_t *net, uint64_t seed);
/* A hash of the layer structure, to refuse checkpoints from another net. */
uint64_t ftsa_tnet_signature(const ftsa_tnet_t *net);
static inline uint32_t ftsa_tnet_classes(const ftsa_tnet_t *net)
{
    return ftsa_shape_elems(net->layers[net->n_layers - 1].out);
}

/* Forward n <= max_batch samples (n * input elements, HWC); returns the
 * logits (n x classes), valid until the next call. */
const float *ftsa_tnet_forward(ftsa_tnet_t *net, const float *x, uint32_t n);
/* Backward after forward on the same x: dlogits (n x classes) -> grads (and
 * input_grad when want_input_grad). */
void ftsa_tnet_backward(ftsa_tnet_t *net, const float *x, uint32_t n, const float *dlogits);

/* Mean softmax cross-entropy of n rows of logits against labels; fills
 * dlogits (may be NULL) with its gradient and *correct (may be NULL) with the
 * number of rows whose argmax is the label. */
double ftsa_softmax_xent(const float *logits, const uint8_t *labels, uint32_t n, uint32_t classes,
                         float *dlogits, uint32_t *correct);

/* Pixels (0..255) to the float input the int8 model sees: p / 255. */
void ftsa_tnet_pixels_to_input(const uint8_t *pixels, size_t count, float *x);

/* Largest magnitude integer of a symmetric weight_bits code: 2^(bits-1) - 1. */
static inline int32_t ftsa_weight_qmax(uint32_t weight_bits)
{
    return (int32_t)((1u << (weight_bits - 1)) - 1);
}
/* Per-output-channel symmetric scale of a weighted layer: max|w| / qmax. */
float ftsa_tnet_channel_scale(const float *w, uint32_t fan_in, uint32_t weight_bits);
/* Refresh net->fq from net->params (QAT weights; biases copied). */
void ftsa_tnet_fake_quant_weights(ftsa_tnet_t *net);

#endif
