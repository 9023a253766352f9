#include "ref_classify.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Below this many multiply-accumulates (a few ms of one core) a thread costs
 * more than it saves: on a loaded machine a new thread may wait that long
 * to be scheduled at all. */
#define MACS_PER_THREAD (1u << 26)

uint32_t ftsa_online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (uint32_t)n : 1u;
}

/* One thread: chunks of images (relative to first) taken from *next until
 * count, each from the kept output of layer from (-1: the kept inputs, -2:
 * the pixels).  Taking chunks rather than a fixed share keeps a thread the
 * scheduler starves (a loaded machine) from holding the others up. */
typedef struct {
    const ftsa_ref_t *src;
    const ftsa_dataset_t *ds;
    uint32_t first, count, chunk;
    atomic_uint *next;
    int from;
    const ftsa_ref_start_t *chans; /* only these channels of layer from + 1, or NULL */
    const ftsa_golden_t *g; /* read when from >= -1 */
    ftsa_golden_t *store;   /* building: written with every kept output */
    uint8_t *pred;
    uint32_t correct;
    ftsa_status_t st;
    ftsa_err_t err;
} job_t;

/* Image k of job j on workspace w (buf: room for one quantized input). */
static void run_image(job_t *j, ftsa_ref_t *w, int8_t *buf, uint32_t k)
{
    const ftsa_net_t *net = j->src->net;
    size_t in_n = ftsa_shape_elems(net->input);
    size_t from_n = j->from >= 0 ? ftsa_shape_elems(net->layers[j->from].out) : in_n;
    uint32_t begin = j->from >= 0 ? (uint32_t)j->from + 1 : 0;
    const int8_t *in = buf;
    if (j->from >= 0)
        in = j->g->act[j->from] + k * from_n;
    else if (j->from == -1)
        in = j->g->input + k * in_n;
    else
        ftsa_net_quantize_pixels(net, ftsa_dataset_image(j->ds, j->first + k), buf);
    if (j->chans) {
        size_t e = ftsa_shape_elems(net->layers[begin].out);
        memcpy(w->out[begin], j->g->act[begin] + k * e, e);
        ftsa_ref_run_channels(w, begin, in, j->chans->ch, j->chans->n_ch);
        ftsa_ref_run_from(w, begin + 1, w->out[begin]);
    } else {
        ftsa_ref_run_from(w, begin, in);
    }
    if (j->store) {
        if (j->store->input)
            memcpy(j->store->input + k * in_n, in, in_n);
        for (uint32_t l = 0; l < net->n_layers; l++) {
            size_t e = ftsa_shape_elems(net->layers[l].out);
            if (j->store->act[l])
                memcpy(j->store->act[l] + k * e, ftsa_ref_output(w, l), e);
        }
    }
    uint32_t p = ftsa_ref_argmax(w);
    if (j->pred)
        j->pred[k] = (uint8_t)p;
    j->correct += p == j->ds->labels[j->first + k];
}

static void *run_job(void *arg)
{
    job_t *j = arg;
    ftsa_ref_t w;
    int8_t *buf = malloc(ftsa_shape_elems(j->src->net->input));
    if (!buf) {
        j->st = ftsa_fail(&j->err, FTSA_E_NOMEM, "out of memory");
        return NULL;
    }
    if ((j->st = ftsa_ref_init_worker(&w, j->src, &j->err))) {
        free(buf);
        return NULL;
    }
    for (;;) {
        uint32_t lo = atomic_fetch_add(j->next, j->chunk);
        if (lo >= j->count)
            break;
        uint32_t hi = j->count - lo < j->chunk ? j->count : lo + j->chunk;
        for (uint32_t k = lo; k < hi; k++)
            run_image(j, &w, buf, k);
    }
    ftsa_ref_free(&w);
    free(buf);
    return NULL;
}

/* Share the images out in chunks over the threads; the results do not
 * depend on who computes which (each image is computed alone, classes go to
 * their index, counts are sums). */
static ftsa_status_t run_jobs(const ftsa_ref_t *src, const ftsa_dataset_t *ds, uint32_t first,
                              uint32_t count, int from, const ftsa_ref_start_t *chans,
                              const ftsa_golden_t *g,
                              ftsa_golden_t *store, uint32_t threads, uint8_t *pred,
                              uint32_t *correct, ftsa_err_t *err)
{
    const ftsa_net_t *net = src->net;
    uint64_t work = 0;
    for (uint32_t l = from >= 0 ? (uint32_t)from + 1 : 0; l < net->n_layers; l++) {
        const ftsa_layer_t *ly = &net->layers[l];
        uint64_t macs = ftsa_layer_macs(ly);
        if (chans && l == (uint32_t)(from + 1)) /* only those channels */
            macs = macs / ly->out.c * chans->n_ch;
        work += macs + ftsa_shape_elems(ly->out);
    }
    work *= count;
    uint32_t t_n = threads ? threads : ftsa_online_cores();
    if (t_n > count)
        t_n = count ? count : 1;
    if (t_n > 1 && work / MACS_PER_THREAD + 1 < t_n)
        t_n = (uint32_t)(work / MACS_PER_THREAD + 1);
    job_t *jobs = calloc(t_n, sizeof *jobs);
    pthread_t *tid = calloc(t_n, sizeof *tid);
    uint8_t *started = calloc(t_n, 1);
    if (!jobs || !tid || !started) {
        free(jobs), free(tid), free(started);
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory");
    }
    atomic_uint next = 0;
    uint32_t chunk = count / (8 * t_n) ? count / (8 * t_n) : 1;
    for (uint32_t t = 0; t < t_n; t++)
        jobs[t] = (job_t){.src = src, .ds = ds, .first = first, .count = count, .chunk = chunk,
                          .next = &next, .from = from, .chans = chans, .g = g, .store = store,
                          .pred = pred};
    for (uint32_t t = 1; t < t_n; t++)
        started[t] = pthread_create(&tid[t], NULL, run_job, &jobs[t]) == 0;
    run_job(&jobs[0]);
    ftsa_status_t st = FTSA_OK;
    uint32_t ok = 0;
    for (uint32_t t = 0; t < t_n; t++) {
        if (t && started[t])
            pthread_join(tid[t], NULL);
        else if (t)
            run_job(&jobs[t]); /* no thread: the same share, here */
        ok += jobs[t].correct;
        if (!st && jobs[t].st) {
            st = jobs[t].st;
            *err = jobs[t].err;
        }
    }
    free(jobs), free(tid), free(started);
    *correct = ok;
    return st;
}

int ftsa_golden_matches(const ftsa_golden_t *g, const ftsa_dataset_t *ds, uint32_t first,
                        uint32_t count)
{
    return g->valid && g->images == ds->images && g->labels == ds->labels && g->first == first &&
           g->count == count;
}

void ftsa_golden_free(ftsa_golden_t *g)
{
    for (uint32_t l = 0; g->act && l < g->n_layers; l++)
        free(g->act[l]);
    free(g->act);
    free(g->input);
    free(g->pred);
    memset(g, 0, sizeof *g);
}

static int keep(size_t size, size_t *budget, int8_t **dst, size_t *held)
{
    if (size > *budget)
        return 1;
    if (!(*dst = malloc(size ? size : 1)))
        return 0;
    *budget -= size;
    *held += size;
    return 1;
}

ftsa_status_t ftsa_golden_build(ftsa_golden_t *g, const ftsa_ref_t *pristine,
                                const ftsa_dataset_t *ds, uint32_t first, uint32_t count,
                                size_t bound, uint32_t threads, ftsa_err_t *err)
{
    const ftsa_net_t *net = pristine->net;
    ftsa_golden_free(g);
    *g = (ftsa_golden_t){.images = ds->images, .labels = ds->labels, .first = first,
                         .count = count, .n_layers = net->n_layers};
    size_t budget = bound;
    int ok = (g->pred = malloc(count ? count : 1)) && (g->act = calloc(net->n_layers, sizeof *g->act));
    /* The deepest layers first: they are the smallest and the most often
     * reused (a fault in layer s needs the output of layer s - 1). */
    for (uint32_t l = net->n_layers; ok && l-- > 0;)
        ok = keep((size_t)count * ftsa_shape_elems(net->layers[l].out), &budget, &g->act[l],
                  &g->bytes);
    if (ok)
        ok = keep((size_t)count * ftsa_shape_elems(net->input), &budget, &g->input, &g->bytes);
    if (!ok) {
        ftsa_golden_free(g);
        return ftsa_fail(err, FTSA_E_NOMEM, "out of memory for the fault-free run");
    }
    g->bytes += count;
    ftsa_status_t st = run_jobs(pristine, ds, first, count, -2, NULL, NULL, g, threads, g->pred,
                                &g->correct, err);
    if (st)
        ftsa_golden_free(g);
    else
        g->valid = 1;
    return st;
}

uint32_t ftsa_first_changed_layer(const ftsa_net_t *pristine, const ftsa_net_t *net)
{
    for (uint32_t l = 0; l < net->n_layers; l++) {
        const ftsa_layer_t *a = &pristine->layers[l], *b = &net->layers[l];
        if (!ftsa_layer_has_weights(a))
            continue;
        if (memcmp(a->weights, b->weights, ftsa_layer_weight_count(a)) ||
            memcmp(a->bias, b->bias, (size_t)a->out.c * sizeof *a->bias))
            return l;
    }
    return net->n_layers;
}

uint32_t ftsa_changed_channels(const ftsa_net_t *pristine, const ftsa_net_t *net, uint32_t l,
                               uint32_t *ch)
{
    const ftsa_layer_t *a = &pristine->layers[l], *b = &net->layers[l];
    size_t fan_in = ftsa_layer_fan_in(a);
    uint32_t n = 0;
    for (uint32_t o = 0; o < a->out.c; o++)
        if (a->bias[o] != b->bias[o] ||
            memcmp(a->weights + o * fan_in, b->weights + o * fan_in, fan_in))
            ch[n++] = o;
    return n;
}

ftsa_status_t ftsa_ref_classify(const ftsa_ref_t *src, const ftsa_dataset_t *ds, uint32_t first,
                                uint32_t count, const ftsa_golden_t *g,
                                const ftsa_ref_start_t *from, uint32_t threads, uint8_t *pred,
                                uint32_t *correct, ftsa_err_t *err)
{
    uint32_t start = from->start;
    if (g && start >= src->net->n_layers) {
        if (pred)
            memcpy(pred, g->pred, count);
        *correct = g->correct;
        return FTSA_OK;
    }
    int in = -2;
    for (uint32_t l = start; g && l-- > 0;)
        if (g->act[l]) {
            in = (int)l;
            break;
        }
    if (g && in == -2 && g->input)
        in = -1;
    /* only some channels of start: its input and its fault-free output kept */
    const ftsa_ref_start_t *chans =
        g && from->n_ch && g->act[start] && in == (int)start - 1 && (in >= 0 || g->input) ? from : NULL;
    return run_jobs(src, ds, first, count, in, chans, g, NULL, threads, pred, correct, err);
}
