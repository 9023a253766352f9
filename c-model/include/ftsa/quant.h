/* TFLite int8 quantization arithmetic: the one implementation used by the C
 * model, the driver, the trainer and the tests; the RTL mirrors it bit for bit.
 *
 * Scheme (TFLite): real = scale * (q - zero_point).  Weights are symmetric int8
 * with one scale per output channel; activations int8 with a zero point; bias
 * int32 with scale in_scale * w_scale[c].  Requantization multiplies the int32
 * accumulator by a fixed-point multiplier M in [2^30, 2^31) and a power of two:
 *   out = RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc << ls, M), rs)
 * with ls = max(shift, 0), rs = max(-shift, 0) (the double-rounding path), then
 * + output zero point and clamp to [-128, 127].  The left shift wraps in 32 bits,
 * as a hardware shifter does (TFLite leaves that overflow undefined). */
#ifndef FTSA_QUANT_H
#define FTSA_QUANT_H

#include <stdint.h>

#define FTSA_SHIFT_MIN (-31)
#define FTSA_SHIFT_MAX 31

/* a * b / 2^31 rounded to nearest, ties toward +infinity (gemmlowp's nudge);
 * INT32_MIN * INT32_MIN saturates to INT32_MAX. */
int32_t ftsa_sat_rounding_doubling_high_mul(int32_t a, int32_t b);
/* x / 2^exponent rounded half away from zero; exponent in [0, 31]. */
int32_t ftsa_rounding_divide_by_pot(int32_t x, int exponent);
/* TFLite MultiplyByQuantizedMultiplier; shift in [FTSA_SHIFT_MIN, FTSA_SHIFT_MAX]. */
int32_t ftsa_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int shift);
/* TFLite QuantizeMultiplier: real = multiplier * 2^(shift - 31).  real >= 0.
 * Results outside the representable shift range become (0, 0) for tiny reals
 * and saturate to (INT32_MAX, FTSA_SHIFT_MAX) for huge ones. */
void ftsa_quantize_multiplier(double real, int32_t *multiplier, int *shift);
/* Requantize an accumulator to int8: multiplier, shift, + zero point, clamp. */
int8_t ftsa_requantize(int32_t acc, int32_t multiplier, int shift, int32_t out_zp);

/* Activation stage applied to requantized int8 values.  "Zero" is the output
 * zero point zp; thr is a threshold in the same quantized domain. */
typedef enum {
    FTSA_ACT_NONE = 0,   /* identity */
    FTSA_ACT_RELU = 1,   /* max(q, zp) */
    FTSA_ACT_CLIP = 2,   /* FT-ClipAct clip-to-zero: q if zp <= q <= thr, else zp */
    FTSA_ACT_SAT = 3,    /* Ranger saturate: min(max(q, zp), thr) */
    FTSA_ACT_COUNT
} ftsa_act_mode_t;

int8_t ftsa_activate(int8_t q, ftsa_act_mode_t mode, int8_t zp, int8_t thr);

/* Real value -> int8 with scale and zero point, round half away from zero, clamp. */
int8_t ftsa_quantize_value(float real, float scale, int32_t zp);
float ftsa_dequantize_value(int8_t q, float scale, int32_t zp);

/* Hardware folds the input zero point into the bias so the array multiplies
 * plain int8 x int8: bias' = bias - in_zp * sum(w).  Computed in wrapping
 * 32-bit arithmetic, like the accumulator. */
int32_t ftsa_fold_bias(int32_t bias, int32_t in_zp, const int8_t *w, uint32_t n);

/* Wrapping 32-bit add, the accumulator's arithmetic. */
static inline int32_t ftsa_wrap_add(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

/* Global average pool rounding (TFLite): sum / count rounded half away from zero. */
int32_t ftsa_rounded_mean(int32_t sum, int32_t count);

#endif
