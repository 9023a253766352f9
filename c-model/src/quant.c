#include "ftsa/quant.h"

#include <math.h>

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
