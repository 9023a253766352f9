/* Thresholds of the clip unit: setting them, Ranger, clipping at the profile. */
#include <stdlib.h>
#include <string.h>

#include "ftsa/mitigate.h"
#include "ftsa/profile.h"

int ftsa_mit_protectable(const ftsa_layer_t *l)
{
    return ftsa_layer_has_weights(l) && l->act != FTSA_ACT_NONE;
}

static uint32_t thr_count_for(const ftsa_layer_t *l, ftsa_thr_source_t src)
{
    switch (src) {
    case FTSA_THR_CHANNEL: return l->out.c;
    case FTSA_THR_NEURON: return ftsa_shape_elems(l->out);
    case FTSA_THR_LAYER:
    default: return 1;
    }
}

ftsa_status_t ftsa_mit_set_act(ftsa_layer_t *l, ftsa_act_mode_t mode, ftsa_thr_source_t src,
                               const int8_t *thr, ftsa_err_t *err)
{
    if (!ftsa_layer_has_weights(l))
        return ftsa_fail(err, FTSA_E_INVALID, "a %s layer has no activation stage",
                         ftsa_layer_kind_name(l->kind));
    if ((unsigned)src >= FTSA_THR_SOURCE_COUNT)
        return ftsa_fail(err, FTSA_E_INVALID, "unknown threshold source %d", (int)src);
    int8_t *t = NULL;
    if (ftsa_act_needs_thr(mode)) {
        uint32_t n = thr_count_for(l, src);
        t = malloc(n);
        if (!t)
            return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for %u thresholds", n);
        for (uint32_t i = 0; i < n; i++)
            t[i] = thr[i] < l->out_zp ? (int8_t)l->out_zp : thr[i];
    }
    free(l->thr);
    l->thr = t;
    l->act = mode;
    l->thr_src = t ? src : FTSA_THR_LAYER;
    return FTSA_OK;
}

/* The profiled maxima of l for src, into a new array. */
static ftsa_status_t profile_thresholds(const ftsa_layer_t *l, ftsa_thr_source_t src, int8_t **out,
                                        ftsa_err_t *err)
{
    uint32_t n = thr_count_for(l, src);
    int8_t *t = malloc(n);
    if (!t)
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for %u thresholds", n);
    for (uint32_t i = 0; i < n; i++)
        t[i] = src == FTSA_THR_NEURON    ? l->prof_max[i]
               : src == FTSA_THR_CHANNEL ? ftsa_profile_channel_max(l, i)
                                         : ftsa_profile_layer_max(l);
    *out = t;
    return FTSA_OK;
}

ftsa_status_t ftsa_mit_clip_at_profile(ftsa_net_t *net, ftsa_act_mode_t mode,
                                       ftsa_thr_source_t src, ftsa_err_t *err)
{
    if (!net->prof_images)
        return ftsa_fail(err, FTSA_E_INVALID,
                         "the model has no activation profile (run ftsa profile first)");
    for (uint32_t i = 0; i < net->n_layers; i++) {
        ftsa_layer_t *l = &net->layers[i];
        if (!ftsa_mit_protectable(l))
            continue;
        int8_t *t;
        ftsa_status_t st = profile_thresholds(l, src, &t, err);
        if (!st)
            st = ftsa_mit_set_act(l, mode, src, t, err);
        free(t);
        if (st) {
            ftsa_err_prefix(err, "layer %u: ", i);
            return st;
        }
    }
    return FTSA_OK;
}

ftsa_status_t ftsa_mit_ranger(ftsa_net_t *net, ftsa_err_t *err)
{
    return ftsa_mit_clip_at_profile(net, FTSA_ACT_SAT, FTSA_THR_LAYER, err);
}

uint64_t ftsa_mit_thr_bytes(const ftsa_net_t *net)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < net->n_layers; i++)
        n += ftsa_layer_thr_count(&net->layers[i]);
    return n;
}

ftsa_status_t ftsa_mit_apply_neuron_thresholds(ftsa_net_t *net, int8_t *const *thr,
                                               ftsa_thr_source_t src, ftsa_err_t *err)
{
    for (uint32_t i = 0; i < net->n_layers; i++) {
        ftsa_layer_t *l = &net->layers[i];
        if (!thr[i])
            continue;
        if (!ftsa_mit_protectable(l))
            return ftsa_fail(err, FTSA_E_INVALID, "layer %u has no activation to bound", i);
        int8_t *t = thr[i], *per_ch = NULL;
        if (src == FTSA_THR_CHANNEL) {
            /* The largest neuron bound of each channel: no neuron is clipped below its own. */
            per_ch = malloc(l->out.c);
            if (!per_ch)
                return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
            memset(per_ch, -128, l->out.c);
            for (uint32_t e = 0; e < ftsa_shape_elems(l->out); e++)
                if (thr[i][e] > per_ch[e % l->out.c])
                    per_ch[e % l->out.c] = thr[i][e];
            t = per_ch;
        } else if (src != FTSA_THR_NEURON) {
            return ftsa_fail(err, FTSA_E_INVALID, "neuron bounds go per neuron or per channel");
        }
        ftsa_status_t st = ftsa_mit_set_act(l, FTSA_ACT_CLIP, src, t, err);
        free(per_ch);
        if (st)
            return st;
    }
    return FTSA_OK;
}
