/* Activation profiling: the largest requantized output of every neuron of
 * every conv2d/fc layer over a slice of images, before the activation stage,
 * stored in the network (ftsa_layer_t.prof_max) and in its model file.  Clip
 * thresholds of Ranger, FT-ClipAct and FitAct start from these maxima. */
#ifndef FTSA_PROFILE_H
#define FTSA_PROFILE_H

#include <stdint.h>

#include "ftsa/dataset.h"
#include "ftsa/error.h"
#include "ftsa/net.h"

/* By convention the profiling slice is the last 5000 training images, the
 * slice the trainer holds out for validation: never the test set. */
#define FTSA_PROFILE_FIRST 55000u
#define FTSA_PROFILE_COUNT 5000u

/* Profile net over images [first, first + count) of ds, replacing any
 * previous profile.  The activation stages of net are ignored while
 * profiling; net's thresholds and modes are left as they are. */
ftsa_status_t ftsa_profile_dataset(ftsa_net_t *net, const ftsa_dataset_t *ds, uint32_t first,
                                   uint32_t count, ftsa_err_t *err);

/* Per-layer and per-channel maxima derived from the per-neuron profile
 * (layer must be profiled). */
int8_t ftsa_profile_layer_max(const ftsa_layer_t *l);
int8_t ftsa_profile_channel_max(const ftsa_layer_t *l, uint32_t channel);

#endif
