/* Fake quantization of weights for quantization-aware training. */
#include "fake_quant.h"

#include <string.h>

#include "ftsa/tnet.h"

float ftsa_tnet_channel_scale(const float *w, uint32_t fan_in, uint32_t weight_bits)
{
    float m = 0.0f;
    for (uint32_t i = 0; i < fan_in; i++)
        if (fabsf(w[i]) > m)
            m = fabsf(w[i]);
    /* An all-zero channel still needs a positive scale; any will do. */
    return m > 0.0f ? m / (float)ftsa_weight_qmax(weight_bits) : 1.0f;
}

void ftsa_tnet_fake_quant_weights(ftsa_tnet_t *net)
{
    memcpy(net->fq, net->params, net->n_params * sizeof *net->fq);
    int32_t qmax = ftsa_weight_qmax(net->weight_bits);
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const ftsa_tlayer_t *l = &net->layers[i];
        for (uint32_t oc = 0; l->fan_in && oc < l->out.c; oc++) {
            const float *w = net->params + l->w_off + (size_t)oc * l->fan_in;
            float *q = net->fq + l->w_off + (size_t)oc * l->fan_in;
            float s = ftsa_tnet_channel_scale(w, l->fan_in, net->weight_bits);
            for (uint32_t j = 0; j < l->fan_in; j++)
                q[j] = s * (float)ftsa_fq_weight_code(w[j], s, qmax);
        }
    }
}
