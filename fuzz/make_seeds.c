/* Writes the seed corpora of the harnesses (fuzz/corpus/<harness>/) from the
 * real writers: small models, a synthetic trace, fault lists, configs, a
 * journal, a checkpoint and IDX files.  Run: make_seeds fuzz/corpus. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "ftsa/faults.h"
#include "ftsa/fileio.h"
#include "ftsa/hw_regs.h"
#include "ftsa/model_file.h"
#include "ftsa/netgen.h"
#include "ftsa/trace.h"

static const char *root;

static void put(const char *harness, const char *name, const void *a, size_t na, const void *b,
                size_t nb)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, harness);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/%s/%s", root, harness, name);
    FILE *f = fopen(path, "wb");
    FUZZ_ASSERT(f);
    fwrite(a, 1, na, f);
    if (nb)
        fwrite(b, 1, nb, f);
    fclose(f);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    uint8_t *b;
    ftsa_err_t err;
    FUZZ_ASSERT(!ftsa_read_file(path, 1u << 24, &b, len, &err));
    return b;
}

static uint64_t le(const uint8_t *b, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

static void models(void)
{
    ftsa_err_t err;
    ftsa_netgen_opts_t o = {5, 3, 6};
    for (uint64_t seed = 1; seed <= 4; seed++) {
        ftsa_net_t net;
        FUZZ_ASSERT(!ftsa_netgen_random(&net, seed, &o, &err));
        uint8_t *buf, *payload;
        size_t len;
        FUZZ_ASSERT(!ftsa_model_encode(&net, &buf, &len, &err));
        char name[32];
        snprintf(name, sizeof name, "net%llu.ftsa", (unsigned long long)seed);
        put("model", name, buf, len, NULL, 0);
        size_t ulen = le(buf + 8, 4);
        FUZZ_ASSERT(!ftsa_inflate_exact(buf + 20, len - 20, ulen, &payload, &err));
        snprintf(name, sizeof name, "net%llu.payload", (unsigned long long)seed);
        put("model", name, "P", 1, payload, ulen);
        free(payload);
        free(buf);
        ftsa_net_free(&net);
    }
}

static void traces(const char *tmp)
{
    ftsa_trace_t t;
    ftsa_err_t err;
    ftsa_trace_init(&t, 8);
    ftsa_trace_mark(&t, 0, 0, FTSA_HW_OP_SET | 3u << 8, 7);
    ftsa_trace_mark(&t, 2, 1, FTSA_HW_OP_DMA_LOAD | 1u << 8, 0x100);
    ftsa_trace_mark(&t, 9, 2, FTSA_HW_OP_PASS | 0x21u << 8, 0x00010040);
    ftsa_trace_mark(&t, 15, 3, FTSA_HW_OP_POSTCFG, 0);
    for (uint32_t i = 0; i < 24; i++)
        ftsa_trace_add(&t, 2 + i, i % 6, (int)(i & 1), (i * 37) & 0xffff);
    FUZZ_ASSERT(!ftsa_trace_finish(&t, &err));
    FUZZ_ASSERT(!ftsa_trace_save(&t, tmp, &err));
    size_t len;
    uint8_t *buf = slurp(tmp, &len), *payload;
    put("trace", "small.trc", buf, len, NULL, 0);
    size_t ulen = le(buf + 28, 8);
    FUZZ_ASSERT(!ftsa_inflate_exact(buf + 48, len - 48, ulen, &payload, &err));
    uint8_t head[9] = {'P'};
    fuzz_le(head + 1, t.n, 4);
    fuzz_le(head + 5, t.n_marks, 4);
    put("trace", "small.payload", head, 9, payload, ulen);
    free(payload);
    free(buf);
    ftsa_trace_free(&t);
}

static void text_seeds(void)
{
    static const char *const faults[][2] = {
        {"all_kinds.txt", "# KIND WHERE INDEX BIT [@CYCLE] [p=PROB]\nseed 0x2a\nsa0 weight 12 3\n"
                          "sa1 act 0x10 7\nflip L1.weights 5 0\nflip L0.bias 2 31\n"
                          "seu acc 3 17 @1200\nrd param 1 4 p=0.25\n"},
        {"one.txt", "flip L0.act 0 7\n"},
    };
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
        put("faults", faults[i][0], faults[i][1], strlen(faults[i][1]), NULL, 0);
    static const char *const configs[][2] = {
        {"tensors.cfg", "# campaign\nmodel = m.ftsa\nfaults = sa0, flip\ntensors = weights bias act\n"
                        "layers = 0, 3\nbits = 0, 4-7\nber = logspace(1e-5, 1e-1, 5)\ntrials = auto\n"
                        "margin = 0.05\nconfidence = 0.95\nimages = 100\nfirst = 0x10\nseed = 7\n"
                        "per_layer = on\nper_memory = off\narray = 8\n"},
        {"sram.cfg", "model = m.ftsa\nspace = sram\nmemory = acc\nwords = 0-63\nbits = msb\n"
                     "count = 1, 2, 5\ntrials = 3\n"},
    };
    for (size_t i = 0; i < sizeof configs / sizeof configs[0]; i++)
        put("config", configs[i][0], configs[i][1], strlen(configs[i][1]), NULL, 0);
}

static void journal(void)
{
    ftsa_camp_t camp;
    fuzz_camp(&camp);
    static const char header[] = "config_hash,seed,point,trial,curve,rate,trial_seed,images,"
                                 "correct,accuracy,faults,crc\n";
    char text[8192];
    size_t len = sizeof header - 1;
    memcpy(text, header, len);
    for (uint32_t p = 0; p < 2; p++)
        for (uint32_t tr = 0; tr < 3; tr++) {
            ftsa_camp_row_t row = {p, tr, ftsa_camp_trial_seed(camp.cfg.seed, p, tr), 10,
                                   9 - tr, tr * 3};
            len += ftsa_camp_row_format(&camp, &row, text + len, sizeof text - len);
        }
    put("journal", "complete.csv", text, len, NULL, 0);
    put("journal", "torn.csv", text, len - 30, NULL, 0);
}

static void checkpoint(const char *tmp)
{
    fuzz_trainer_t f;
    fuzz_trainer(&f);
    ftsa_err_t err;
    FUZZ_ASSERT(!ftsa_checkpoint_save(&f.t, tmp, &err));
    size_t len;
    uint8_t *buf = slurp(tmp, &len);
    put("checkpoint", "fresh.ckpt", buf, len, NULL, 0);
    put("checkpoint", "fresh.crcfix", "C", 1, buf, len);
    free(buf);
    fuzz_trainer_free(&f);
}

static void idx(const char *tmp)
{
    uint8_t img[1 + 16 + 3 * 4 * 4] = {0, 0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 4};
    for (int i = 0; i < 48; i++)
        img[17 + i] = (uint8_t)(i * 5);
    put("idx", "images.idx", img, sizeof img, NULL, 0);
    gzFile g = gzopen(tmp, "wb");
    gzwrite(g, img + 1, sizeof img - 1);
    gzclose(g);
    size_t len;
    uint8_t *gz = slurp(tmp, &len);
    put("idx", "images.idx.gz", "\0", 1, gz, len);
    free(gz);
    static const uint8_t lbl[] = {1, 0, 0, 8, 1, 0, 0, 0, 1, 9};
    put("idx", "labels.idx", lbl, sizeof lbl, NULL, 0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_seeds DIR\n");
        return 2;
    }
    root = argv[1];
    mkdir(root, 0755);
    char tmp[64];
    snprintf(tmp, sizeof tmp, "/tmp/ftsa_make_seeds_%d", (int)getpid());
    models();
    traces(tmp);
    text_seeds();
    journal();
    checkpoint(tmp);
    idx(tmp);
    unlink(tmp);
    return 0;
}
