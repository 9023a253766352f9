/* Quantization rounding shared by QAT (fake quantization) and export, so the
 * fine-tuned float weights and activations are exactly what the int8 model
 * computes with. */
#ifndef FTSA_TRAIN_FAKE_QUANT_H
#define FTSA_TRAIN_FAKE_QUANT_H

#include <math.h>
#include <stdint.h>

/* Symmetric weight code: round(w / scale) clamped to [-qmax, qmax]. */
static inline int32_t ftsa_fq_weight_code(float w, float scale, int32_t qmax)
{
    double v = round((double)w / (double)scale);
    return v > qmax ? qmax : v < -qmax ? -qmax : (int32_t)v;
}

/* Activation code as ftsa_quantize_value computes it, without the clamp:
 * round(y / scale) + zp. */
static inline double ftsa_fq_act_code(float y, float scale, int32_t zp)
{
    return round((double)y / (double)scale) + zp;
}

#endif
