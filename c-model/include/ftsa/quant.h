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

/* The hot arithmetic is defined inline here, once, so that the C model's
 * loops over channels vectorize; everything else lives in quant.c. */

/* a * b / 2^31 rounded to nearest, ties toward +infinity (gemmlowp's nudge);
 * INT32_MIN * INT32_MIN saturates to INT32_MAX. */
static inline int32_t ftsa_sat_rounding_doubling_high_mul(int32_t a, int32_t b)
{
    int overflow = a == INT32_MIN && b == INT32_MIN;
    int64_t ab = (int64_t)a * (int64_t)b;
    /* gemmlowp: (ab + nudge) / 2^31 truncated, nudge = 2^30 if ab >= 0 else
     * 1 - 2^30.  For ab < 0 the truncation is a ceiling, and
     * ceil((ab + 1 - 2^30) / 2^31) = floor((ab + 2^30) / 2^31): both signs are
     * one arithmetic shift (>> of a negative int64 is arithmetic with gcc and clang). */
    int32_t hi = (int32_t)((ab + (1ll << 30)) >> 31);
    return overflow ? INT32_MAX : hi;
}

/* x / 2^exponent rounded half away from zero; exponent in [0, 31]. */
static inline int32_t ftsa_rounding_divide_by_pot(int32_t x, int exponent)
{
    int32_t mask = (int32_t)((1u << exponent) - 1u);
    int32_t remainder = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    /* >> on a negative int32 is an arithmetic shift with gcc and clang. */
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* TFLite MultiplyByQuantizedMultiplier; shift in [FTSA_SHIFT_MIN, FTSA_SHIFT_MAX]. */
static inline int32_t ftsa_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int shift)
{
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    int32_t shifted = (int32_t)((uint32_t)x << left); /* wraps, like the hardware */
    return ftsa_rounding_divide_by_pot(ftsa_sat_rounding_doubling_high_mul(shifted, multiplier), right);
}

/* Requantize an accumulator to int8: multiplier, shift, + zero point, clamp. */
static inline int8_t ftsa_requantize(int32_t acc, int32_t multiplier, int shift, int32_t out_zp)
{
    /* |zp| <= 128: clamping the scaled value to [-256, 255] first changes no
     * result and keeps the sum in 32 bits. */
    int32_t v = ftsa_multiply_by_quantized_multiplier(acc, multiplier, shift);
    v = (v < -256 ? -256 : v > 255 ? 255 : v) + out_zp;
    return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
}

/* TFLite QuantizeMultiplier: real = multiplier * 2^(shift - 31).  real >= 0.
 * Results outside the representable shift range become (0, 0) for tiny reals
 * and saturate to (INT32_MAX, FTSA_SHIFT_MAX) for huge ones. */
void ftsa_quantize_multiplier(double real, int32_t *multiplier, int *shift);
/* Activation stage applied to requantized int8 values.  "Zero" is the output
 * zero point zp; thr is a threshold in the same quantized domain. */
typedef enum {
    FTSA_ACT_NONE = 0,   /* identity */
    FTSA_ACT_RELU = 1,   /* max(q, zp) */
    FTSA_ACT_CLIP = 2,   /* FT-ClipAct clip-to-zero: q if zp <= q <= thr, else zp */
    FTSA_ACT_SAT = 3,    /* Ranger saturate: min(max(q, zp), thr) */
    FTSA_ACT_COUNT
} ftsa_act_mode_t;

static inline int8_t ftsa_activate(int8_t q, ftsa_act_mode_t mode, int8_t zp, int8_t thr)
{
    switch (mode) {
    case FTSA_ACT_RELU: return q < zp ? zp : q;
    case FTSA_ACT_CLIP: return (q < zp || q > thr) ? zp : q;
    case FTSA_ACT_SAT: return q < zp ? zp : q > thr ? thr : q;
    case FTSA_ACT_NONE:
    default: return q;
    }
}

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
