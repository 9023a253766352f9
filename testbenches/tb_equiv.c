/* Equivalence regression: every layer's output on the RTL is bit-identical to
 * the C model, for LeNet-5 on Fashion-MNIST test images and for random
 * networks (random shapes that force tiling, every activation mode and
 * threshold source).  Some random networks are compiled against shrunken SRAM
 * limits so weight streaming, per-layer parameter loads and position tiles run.
 *
 * usage: tb_equiv ARRAY_N IMAGES RANDOM_NETS MODELS_DIR|MODEL.ftsa [DATA_DIR]
 * MODELS_DIR: LeNet-5 (lenet5.ftsa there, else a random LeNet-5) and the MLP;
 * a model file: that model on IMAGES test images. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ftsa/dataset.h"
#include "ftsa/driver.h"
#include "ftsa/model_file.h"
#include "ftsa/netgen.h"
#include "tb_common.h"

static int compare_net(const char *what, const ftsa_net_t *net, ftsa_ref_t *ref, const int8_t *in,
                       int8_t *buf, tb_rtl_t *rtl, ftsa_dev_t *dev)
{
    ftsa_err_t err;
    ftsa_ref_run(ref, in);
    if (rtl)
        TB_CHECK(!tb_rtl_infer(rtl, in, &err), "%s: %s", what, err.msg);
    else
        TB_CHECK(!ftsa_dev_infer(dev, in, &err), "%s: %s", what, err.msg);
    int ok = 1;
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const int8_t *got = buf;
        if (rtl)
            tb_rtl_layer(rtl, i, buf);
        else
            got = ftsa_dev_layer_output(dev, i);
        TB_CHECK(got != NULL, "%s: layer %u not materialized", what, i);
        ok &= tb_same(what, i, ftsa_ref_output(ref, i), got, ftsa_shape_elems(net->layers[i].out));
    }
    return ok;
}

/* Every layer of net on the first `images` test images, RTL through the driver. */
static int run_model(uint32_t n, uint32_t images, const ftsa_net_t *net, const char *label,
                     const char *data)
{
    ftsa_err_t err;
    ftsa_dataset_t ds;
    TB_CHECK(!ftsa_dataset_load(data, FTSA_SPLIT_TEST, &ds, &err), "%s", err.msg);
    ftsa_ref_t ref;
    TB_CHECK(!ftsa_ref_init(&ref, net, &err), "%s", err.msg);
    ftsa_dev_opts_t opts = {.array_n = n};
    ftsa_dev_t *dev;
    TB_CHECK(!ftsa_dev_open("rtl", net, &opts, &dev, &err), "%s", err.msg);
    int8_t *in = malloc(ftsa_shape_elems(net->input));
    int8_t *buf = malloc(ftsa_net_max_act_elems(net));
    uint32_t bad = 0, agree = 0;
    for (uint32_t i = 0; i < images; i++) {
        char what[96];
        snprintf(what, sizeof what, "%s image %u", label, i);
        ftsa_net_quantize_pixels(net, ftsa_dataset_image(&ds, i), in);
        bad += !compare_net(what, net, &ref, in, buf, NULL, dev);
        agree += ftsa_dev_argmax(dev) == ds.labels[i];
    }
    printf("N=%u %s: %u images, %u mismatching, top-1 %u/%u\n", n, label, images, bad, agree,
           images);
    free(in);
    free(buf);
    ftsa_dev_close(dev);
    ftsa_ref_free(&ref);
    ftsa_dataset_free(&ds);
    return bad == 0;
}

static int run_lenet(uint32_t n, uint32_t images, const char *models, const char *data)
{
    ftsa_err_t err;
    ftsa_net_t net;
    int trained;
    TB_CHECK(!tb_lenet_load(models, &net, &trained, &err), "%s", err.msg);
    int ok = run_model(n, images, &net, trained ? "trained LeNet-5" : "random LeNet-5", data);
    ftsa_net_free(&net);
    /* The MLP's weights exceed the weight SRAM: they stream through it. */
    char path[1024];
    snprintf(path, sizeof path, "%s/mlp.ftsa", models);
    FILE *f = fopen(path, "rb");
    if (f) {
        fclose(f);
        TB_CHECK(!ftsa_model_load(path, &net, &err), "%s", err.msg);
        ok &= run_model(n, images < 20 ? images : 20, &net, "trained MLP (streamed weights)", data);
        ftsa_net_free(&net);
    }
    return ok;
}

/* Activation modes and, for clip/saturate, threshold sources the sample covered. */
static void count_coverage(const ftsa_net_t *net, uint32_t cover[FTSA_ACT_COUNT][FTSA_THR_SOURCE_COUNT])
{
    for (uint32_t i = 0; i < net->n_layers; i++) {
        const ftsa_layer_t *l = &net->layers[i];
        if (ftsa_layer_has_weights(l))
            cover[l->act][ftsa_act_needs_thr(l->act) ? l->thr_src : 0]++;
    }
}

static int run_random(uint32_t n, uint32_t nets)
{
    ftsa_err_t err;
    uint32_t bad = 0, shrunk = 0;
    uint32_t cover[FTSA_ACT_COUNT][FTSA_THR_SOURCE_COUNT] = {{0}};
    for (uint32_t s = 0; s < nets; s++) {
        ftsa_net_t net;
        uint64_t seed = 1000 + s;
        TB_CHECK(!ftsa_netgen_random(&net, seed, NULL, &err), "%s", err.msg);
        ftsa_ref_t ref;
        TB_CHECK(!ftsa_ref_init(&ref, &net, &err), "%s", err.msg);
        tb_rtl_t rtl;
        ftsa_hw_cfg_t small = {.array_n = n, .wgt_depth = 8 * n, .act_depth = 4096,
                               .acc_depth = 24, .par_depth = 96, .thr_depth = 1024};
        /* Every third network runs with tiny SRAM limits: streamed weights,
         * per-layer parameter loads, several position tiles. */
        int tiny = s % 3 == 2;
        ftsa_status_t st = tb_rtl_open(&rtl, &net, n, tiny ? &small : NULL, &err);
        if (st == FTSA_E_UNSUPPORTED && tiny) {
            tb_rtl_close(&rtl);
            st = tb_rtl_open(&rtl, &net, n, NULL, &err);
            tiny = 0;
        }
        TB_CHECK(!st, "net %llu: %s", (unsigned long long)seed, err.msg);
        shrunk += tiny;
        count_coverage(&net, cover);
        int8_t *in = malloc(ftsa_shape_elems(net.input));
        int8_t *buf = malloc(ftsa_net_max_act_elems(&net));
        for (uint64_t k = 0; k < 2; k++) {
            char what[96];
            snprintf(what, sizeof what, "random net %llu%s input %llu", (unsigned long long)seed,
                     tiny ? " (tiny SRAMs)" : "", (unsigned long long)k);
            ftsa_netgen_input(&net, seed * 7 + k, in);
            bad += !compare_net(what, &net, &ref, in, buf, &rtl, NULL);
        }
        free(in);
        free(buf);
        tb_rtl_close(&rtl);
        ftsa_ref_free(&ref);
        ftsa_net_free(&net);
    }
    printf("N=%u random networks: %u (%u with tiny SRAM limits), %u mismatching inferences\n", n,
           nets, shrunk, bad);
    printf("weighted layers per activation (none relu clip[layer channel neuron] sat[...]): "
           "%u %u %u %u %u %u %u %u\n", cover[0][0], cover[1][0], cover[2][0], cover[2][1],
           cover[2][2], cover[3][0], cover[3][1], cover[3][2]);
    if (nets >= 50)
        for (int a = 0; a < FTSA_ACT_COUNT; a++)
            for (int t = 0; t < (ftsa_act_needs_thr((ftsa_act_mode_t)a) ? FTSA_THR_SOURCE_COUNT : 1); t++)
                TB_CHECK(cover[a][t] > 0, "activation %d threshold source %d never drawn", a, t);
    return bad == 0;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: tb_equiv ARRAY_N IMAGES RANDOM_NETS MODELS_DIR|MODEL.ftsa [DATA_DIR]\n");
        return 2;
    }
    uint32_t n = (uint32_t)atoi(argv[1]);
    uint32_t images = (uint32_t)atoi(argv[2]), nets = (uint32_t)atoi(argv[3]);
    const char *data = argc > 5 ? argv[5] : getenv("FTSA_DATA_DIR");
    int ok = 1;
    if (nets)
        ok &= run_random(n, nets);
    struct stat st;
    if (images && stat(argv[4], &st) == 0 && S_ISREG(st.st_mode)) {
        ftsa_err_t err;
        ftsa_net_t net;
        TB_CHECK(!ftsa_model_load(argv[4], &net, &err), "%s", err.msg);
        ok &= run_model(n, images, &net, argv[4], data);
        ftsa_net_free(&net);
    } else if (images)
        ok &= run_lenet(n, images, argv[4], data);
    return ok ? 0 : 1;
}
