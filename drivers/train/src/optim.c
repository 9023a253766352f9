/* Optimizers (SGD with momentum, Adam) and the learning-rate schedule. */
#include <math.h>

#include "ftsa/train.h"

#define ADAM_BETA1 0.9
#define ADAM_BETA2 0.999
#define ADAM_EPS 1e-8
#define PI 3.14159265358979323846

double ftsa_train_lr(const ftsa_train_cfg_t *cfg, uint32_t epoch, uint32_t b, uint32_t batches)
{
    int qat = epoch >= cfg->epochs;
    double peak = qat ? cfg->qat_lr : cfg->lr;
    uint32_t e = qat ? epoch - cfg->epochs : epoch;
    uint32_t phase_epochs = qat ? cfg->qat_epochs : cfg->epochs;
    double frac = (e + (double)b / batches) / phase_epochs;
    switch (cfg->schedule) {
    case FTSA_SCHED_COSINE: return peak * 0.5 * (1.0 + cos(PI * frac));
    case FTSA_SCHED_STEP: return frac < 0.5 ? peak : frac < 0.75 ? peak * 0.1 : peak * 0.01;
    case FTSA_SCHED_CONST:
    default: return peak;
    }
}

static void sgd_range(float *restrict w, const float *restrict g, float *restrict m, size_t n,
                      float lr, float mu, float wd)
{
    for (size_t i = 0; i < n; i++) {
        m[i] = mu * m[i] + g[i] + wd * w[i];
        w[i] -= lr * m[i];
    }
}

static void adam_range(float *restrict w, const float *restrict g, float *restrict m,
                       float *restrict v, size_t n, float lr, float c1, float c2, float wd)
{
    const float b1 = (float)ADAM_BETA1, b2 = (float)ADAM_BETA2, eps = (float)ADAM_EPS;
    for (size_t i = 0; i < n; i++) {
        float gi = g[i] + wd * w[i];
        m[i] = b1 * m[i] + (1.0f - b1) * gi;
        v[i] = b2 * v[i] + (1.0f - b2) * gi * gi;
        w[i] -= lr * (m[i] / c1) / (sqrtf(v[i] / c2) + eps);
    }
}

void ftsa_adam_step(float *w, const float *g, float *m, float *v, size_t n, uint64_t step, double lr)
{
    float c1 = (float)(1.0 - pow(ADAM_BETA1, (double)step));
    float c2 = (float)(1.0 - pow(ADAM_BETA2, (double)step));
    adam_range(w, g, m, v, n, (float)lr, c1, c2, 0.0f);
}

void ftsa_opt_step(const ftsa_train_cfg_t *cfg, ftsa_tnet_t *net, float *m, float *v,
                   uint64_t step, double lr)
{
    float c1 = (float)(1.0 - pow(ADAM_BETA1, (double)step));
    float c2 = (float)(1.0 - pow(ADAM_BETA2, (double)step));
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const ftsa_tlayer_t *l = &net->layers[i];
        if (!l->fan_in)
            continue;
        /* Weights then biases; biases are not decayed. */
        size_t off[2] = {l->w_off, l->b_off};
        size_t len[2] = {(size_t)l->fan_in * l->out.c, l->out.c};
        for (int part = 0; part < 2; part++) {
            float wd = part == 0 ? (float)cfg->weight_decay : 0.0f;
            float *w = net->params + off[part];
            const float *g = net->grads + off[part];
            if (cfg->optimizer == FTSA_OPT_ADAM)
                adam_range(w, g, m + off[part], v + off[part], len[part], (float)lr, c1, c2, wd);
            else
                sgd_range(w, g, m + off[part], len[part], (float)lr, (float)cfg->momentum, wd);
        }
    }
}
