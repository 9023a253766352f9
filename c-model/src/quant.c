#include "ftsa/quant.h"

#include <math.h>

int32_t ftsa_sat_rounding_doubling_high_mul(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN)
        return INT32_MAX;
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? (1ll << 30) : (1 - (1ll << 30));
    return (int32_t)((ab + nudge) / (1ll << 31)); /* C division truncates toward zero */
}

int32_t ftsa_rounding_divide_by_pot(int32_t x, int exponent)
{
    int32_t mask = (int32_t)((1ull << exponent) - 1u);
    int32_t remainder = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    /* >> on a negative int32 is an arithmetic shift with gcc and clang. */
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t ftsa_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int shift)
{
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    int32_t shifted = (int32_t)((uint32_t)x << left); /* wraps, like the hardware */
    return ftsa_rounding_divide_by_pot(ftsa_sat_rounding_doubling_high_mul(shifted, multiplier), right);
}

void ftsa_quantize_multiplier(double real, int32_t *multiplier, int *shift)
{
    if (!(real > 0.0)) {
        *multiplier = 0;
        *shift = 0;
        return;
    }
    int exp;
    double q = frexp(real, &exp); /* real = q * 2^exp, q in [0.5, 1) */
    int64_t q_fixed = (int64_t)llround(q * (double)(1ll << 31));
    if (q_fixed == (1ll << 31)) {
        q_fixed /= 2;
        ++exp;
    }
    if (exp < FTSA_SHIFT_MIN) {
        *multiplier = 0;
        *shift = 0;
        return;
    }
    if (exp > FTSA_SHIFT_MAX) {
        *multiplier = INT32_MAX;
        *shift = FTSA_SHIFT_MAX;
        return;
    }
    *multiplier = (int32_t)q_fixed;
    *shift = exp;
}

static inline int8_t clamp_i8(int32_t v)
{
    return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
}

int8_t ftsa_requantize(int32_t acc, int32_t multiplier, int shift, int32_t out_zp)
{
    int32_t scaled = ftsa_multiply_by_quantized_multiplier(acc, multiplier, shift);
    /* scaled + zp may exceed int32 only by |zp| <= 128: compute in 64 bits. */
    int64_t v = (int64_t)scaled + out_zp;
    return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
}

int8_t ftsa_activate(int8_t q, ftsa_act_mode_t mode, int8_t zp, int8_t thr)
{
    switch (mode) {
    case FTSA_ACT_RELU: return q < zp ? zp : q;
    case FTSA_ACT_CLIP: return (q < zp || q > thr) ? zp : q;
    case FTSA_ACT_SAT: return q < zp ? zp : q > thr ? thr : q;
    case FTSA_ACT_NONE:
    default: return q;
    }
}

int8_t ftsa_quantize_value(float real, float scale, int32_t zp)
{
    double v = round((double)real / (double)scale) + zp;
    if (!(v >= -128.0)) /* also catches NaN */
        return -128;
    return clamp_i8(v > 127.0 ? 127 : (int32_t)v);
}

float ftsa_dequantize_value(int8_t q, float scale, int32_t zp)
{
    return scale * (float)((int32_t)q - zp);
}

int32_t ftsa_fold_bias(int32_t bias, int32_t in_zp, const int8_t *w, uint32_t n)
{
    uint32_t sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum += (uint32_t)(int32_t)w[i];
    return (int32_t)((uint32_t)bias - (uint32_t)in_zp * sum);
}

int32_t ftsa_rounded_mean(int32_t sum, int32_t count)
{
    return sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}
