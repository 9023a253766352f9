/* FT-ClipAct threshold search (L.-H. Hoang, M. A. Hanif, M. Shafique, "FT-ClipAct:
 * Resilience Analysis of Deep Neural Networks and Improving their Fault
 * Tolerance using Clipped Activation", DATE 2020, Sec. IV): per layer, four
 * equidistant candidate thresholds over an interval that starts at
 * [0, ACT_max]; the AUC of each under faults picks the best, and the search
 * continues on the sub-interval between the best point's neighbours. */
#include <math.h>
#include <string.h>

#include "ftsa/mitigate.h"
#include "ftsa/profile.h"

#define N_POINTS 4

void ftsa_mit_clipact_defaults(ftsa_mit_clipact_opts_t *o)
{
    memset(o, 0, sizeof *o);
    ftsa_mit_sweep_defaults(&o->sweep);
    o->max_iters = 5;
    o->min_iters = 2;
    o->delta = 0.01;
    o->max_drop = 1.0;
}

/* Four integer thresholds spread evenly over [lo, hi] (fewer when the
 * interval holds fewer integers). */
static uint32_t candidates(int lo, int hi, int8_t *pts)
{
    uint32_t n = 0;
    for (int j = 0; j < N_POINTS; j++) {
        int v = lo + (int)lround((double)(hi - lo) * j / (N_POINTS - 1));
        if (!n || v != pts[n - 1])
            pts[n++] = (int8_t)v;
    }
    return n;
}

/* Tune layer li of net (already clip-to-zero with one threshold). */
static ftsa_status_t search_layer(ftsa_net_t *net, uint32_t li, const ftsa_mit_clipact_opts_t *o,
                                  double ref_acc, ftsa_mit_log_fn log, void *ctx, ftsa_err_t *err)
{
    ftsa_layer_t *l = &net->layers[li];
    int lo = l->out_zp, hi = l->thr[0];
    int8_t best_thr = l->thr[0];
    for (uint32_t it = 0; it < o->max_iters && hi > lo; it++) {
        int8_t pts[N_POINTS];
        double auc[N_POINTS];
        uint32_t n = candidates(lo, hi, pts), best = UINT32_MAX;
        double amin = INFINITY, amax = -INFINITY;
        for (uint32_t j = 0; j < n; j++) {
            ftsa_mit_sweep_result_t r;
            l->thr[0] = pts[j];
            ftsa_status_t st = ftsa_mit_sweep_run(&o->sweep, net, ref_acc, &r, err);
            if (st) {
                ftsa_err_prefix(err, "layer %u threshold %d: ", li, pts[j]);
                return st;
            }
            if (log)
                log(ctx, li, it, pts[j], &r);
            auc[j] = r.auc;
            amin = fmin(amin, auc[j]);
            amax = fmax(amax, auc[j]);
            int eligible = ref_acc - r.base_acc <= o->max_drop;
            if (eligible && (best == UINT32_MAX || auc[j] > auc[best]))
                best = j;
        }
        if (best == UINT32_MAX) /* every candidate loses too much: keep the largest */
            best = n - 1;
        best_thr = pts[best];
        if (it + 1 >= o->min_iters && amax - amin < o->delta)
            break;
        int nlo = pts[best ? best - 1 : 0], nhi = pts[best + 1 < n ? best + 1 : n - 1];
        if (nlo == lo && nhi == hi)
            break; /* the interval no longer shrinks (a handful of integers left) */
        lo = nlo, hi = nhi;
    }
    l->thr[0] = best_thr;
    return FTSA_OK;
}

ftsa_status_t ftsa_mit_clipact(ftsa_net_t *net, const ftsa_mit_clipact_opts_t *o,
                               ftsa_mit_log_fn log, void *log_ctx, ftsa_err_t *err)
{
    if (!o->max_iters || o->min_iters > o->max_iters || !(o->delta >= 0.0))
        return ftsa_fail(err, FTSA_E_INVALID,
                         "FT-ClipAct needs 1 <= min iterations <= max iterations and delta >= 0");
    /* The reference: the unprotected (ReLU) network's fault-free validation accuracy. */
    double ref_acc = 0.0;
    ftsa_net_t plain;
    ftsa_status_t st = ftsa_net_clone(net, &plain, err);
    if (st)
        return st;
    for (uint32_t i = 0; i < plain.n_layers && !st; i++)
        if (ftsa_mit_protectable(&plain.layers[i]))
            st = ftsa_mit_set_act(&plain.layers[i], FTSA_ACT_RELU, FTSA_THR_LAYER, NULL, err);
    if (!st)
        st = ftsa_mit_sweep_base(&o->sweep, &plain, &ref_acc, err);
    ftsa_net_free(&plain);
    if (!st)
        st = ftsa_mit_clip_at_profile(net, FTSA_ACT_CLIP, FTSA_THR_LAYER, err);
    for (uint32_t i = 0; i < net->n_layers && !st; i++)
        if (ftsa_mit_protectable(&net->layers[i]))
            st = search_layer(net, i, o, ref_acc, log, log_ctx, err);
    return st;
}
