/* Quantized network description, shared by the C model, the driver, the
 * trainer and the file format.
 *
 * Tensors are int8 in HWC order (channel fastest).  A layer reads the previous
 * layer's output (the first reads the network input).  Conv2d and fully
 * connected layers carry the whole post-accumulation pipeline of the hardware:
 * accumulate -> bias -> requantize -> activation/clip.  Max pool, global average
 * pool and flatten keep their input's quantization. */
#ifndef FTSA_NET_H
#define FTSA_NET_H

#include <stdint.h>

#include "ftsa/error.h"
#include "ftsa/quant.h"

typedef enum {
    FTSA_LAYER_CONV2D = 0,
    FTSA_LAYER_MAXPOOL = 1,
    FTSA_LAYER_AVGPOOL_GLOBAL = 2,
    FTSA_LAYER_FC = 3,
    FTSA_LAYER_FLATTEN = 4,
    FTSA_LAYER_KIND_COUNT
} ftsa_layer_kind_t;

/* Where the activation threshold comes from. */
typedef enum {
    FTSA_THR_LAYER = 0,   /* one threshold for the layer (a register in hardware) */
    FTSA_THR_CHANNEL = 1, /* one per output channel (threshold SRAM) */
    FTSA_THR_NEURON = 2,  /* one per output element (threshold SRAM) */
    FTSA_THR_SOURCE_COUNT
} ftsa_thr_source_t;

typedef struct {
    uint32_t h, w, c;
} ftsa_shape_t;

/* Limits the loader enforces, so a corrupt file cannot ask for absurd memory. */
#define FTSA_MAX_DIM 4096u
#define FTSA_MAX_ELEMS (1u << 24)
#define FTSA_MAX_LAYERS 256u
#define FTSA_MAX_KERNEL 15u

typedef struct {
    ftsa_layer_kind_t kind;
    ftsa_shape_t in, out;

    /* conv2d: kernel kh x kw, stride, pad on every side (padding reads in_zp).
     * maxpool: window kh x kw, stride. */
    uint32_t kh, kw, stride, pad;

    /* Quantization of input and output activations. */
    float in_scale, out_scale;
    int32_t in_zp, out_zp;

    /* conv2d / fc only, all owned by the layer:
     * weights: conv OHWI [out.c][kh][kw][in.c]; fc [out][in] with in = h*w*c.
     * bias, multiplier, shift, w_scale: one per output channel. */
    int8_t *weights;
    int32_t *bias;
    int32_t *multiplier;
    int8_t *shift;
    float *w_scale;

    /* Activation stage (conv2d / fc only; FTSA_ACT_NONE elsewhere). */
    ftsa_act_mode_t act;
    ftsa_thr_source_t thr_src;
    int8_t *thr; /* 1, out.c or out elements, per thr_src; NULL when act has no threshold */

    /* Activation profile (conv2d / fc, when the net is profiled): the largest
     * requantized output, before the activation stage, of each output element
     * over the profiling images.  Per-channel and per-layer maxima follow. */
    int8_t *prof_max;
} ftsa_layer_t;

typedef struct {
    char name[64];
    ftsa_shape_t input;
    float in_scale;
    int32_t in_zp;
    uint32_t n_layers;
    ftsa_layer_t *layers;
    uint32_t prof_images; /* images behind prof_max; 0 = not profiled */
} ftsa_net_t;

static inline uint32_t ftsa_shape_elems(ftsa_shape_t s)
{
    return s.h * s.w * s.c;
}

const char *ftsa_layer_kind_name(ftsa_layer_kind_t kind);
const char *ftsa_act_mode_name(ftsa_act_mode_t mode);
const char *ftsa_thr_source_name(ftsa_thr_source_t src);

/* True for layers with weights and the requantize/activation pipeline. */
static inline int ftsa_layer_has_weights(const ftsa_layer_t *l)
{
    return l->kind == FTSA_LAYER_CONV2D || l->kind == FTSA_LAYER_FC;
}
/* Weight count (0 for layers without weights). */
uint32_t ftsa_layer_weight_count(const ftsa_layer_t *l);
/* Inputs per output (the dot-product length): kh*kw*in.c or in elements. */
uint32_t ftsa_layer_fan_in(const ftsa_layer_t *l);
/* Thresholds stored for the layer's thr_src (0 when act needs none). */
uint32_t ftsa_layer_thr_count(const ftsa_layer_t *l);
static inline int ftsa_act_needs_thr(ftsa_act_mode_t a)
{
    return a == FTSA_ACT_CLIP || a == FTSA_ACT_SAT;
}
/* Threshold for output element idx (HWC index) and channel ch. */
int8_t ftsa_layer_thr_at(const ftsa_layer_t *l, uint32_t idx, uint32_t ch);
/* Multiply-accumulates per inference. */
uint64_t ftsa_layer_macs(const ftsa_layer_t *l);

/* Output shape of a layer kind for an input shape; FTSA_E_INVALID if the
 * geometry is impossible (kernel larger than padded input, zero stride, ...). */
ftsa_status_t ftsa_layer_out_shape(const ftsa_layer_t *l, ftsa_shape_t in, ftsa_shape_t *out,
                                   ftsa_err_t *err);

/* Check every invariant: shapes chain, limits, parameter ranges, arrays
 * present exactly where needed, thresholds in int8 range of the output. */
ftsa_status_t ftsa_net_validate(const ftsa_net_t *net, ftsa_err_t *err);

/* Allocate the per-layer arrays for l's kind/shape/act (zeroed). l->in, out
 * and geometry must be set.  Frees nothing on failure (call ftsa_layer_free). */
ftsa_status_t ftsa_layer_alloc(ftsa_layer_t *l, ftsa_err_t *err);
void ftsa_layer_free(ftsa_layer_t *l);

/* Network life cycle.  ftsa_net_init zeroes; ftsa_net_free releases everything. */
void ftsa_net_init(ftsa_net_t *net);
void ftsa_net_free(ftsa_net_t *net);
/* Append a layer (copied by value; the net takes ownership of its arrays). */
ftsa_status_t ftsa_net_append(ftsa_net_t *net, const ftsa_layer_t *layer, ftsa_err_t *err);
/* Deep copy. */
ftsa_status_t ftsa_net_clone(const ftsa_net_t *src, ftsa_net_t *dst, ftsa_err_t *err);
/* Output shape of the last layer (the input shape for an empty net). */
ftsa_shape_t ftsa_net_output_shape(const ftsa_net_t *net);
/* Largest activation tensor anywhere in the net, in elements. */
uint32_t ftsa_net_max_act_elems(const ftsa_net_t *net);

/* Convert raw 8-bit pixels to the network's int8 input quantization. */
void ftsa_net_quantize_pixels(const ftsa_net_t *net, const uint8_t *pixels, int8_t *out);

#endif
