/* Hostile input to the driver-level loaders and writers: one test per finding
 * of issue #22 outside c-model/ (trace zlib bomb, checkpoint path that is a
 * directory, octal-looking and NUL-cut config lines, journal line numbers and
 * 64-bit fields, a FIFO where the journal goes), each with its reproducer. */
#include <check.h>

#include "check_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "ftsa/campaign.h"
#include "ftsa/train.h"
#include "ftsa/trace.h"
#include "small_net.h"

#define HAS(msg, want) ck_assert_msg(strstr((msg), (want)) != NULL, "'%s' lacks '%s'", (msg), (want))

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/ftsa_test_hostile_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void put_le(uint8_t *b, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * i));
}

/* Finding 3: a 1 KB trace announcing a 1 GiB payload (1 MB of zeros
 * compressed), and counts beyond the documented cap. */
START_TEST(trace_zlib_bomb_refused)
{
    size_t zeros_len = 1u << 20;
    uint8_t *zeros = calloc(zeros_len, 1);
    uLongf clen = compressBound(zeros_len);
    uint8_t *file = malloc(48 + clen);
    ck_assert_int_eq(compress2(file + 48, &clen, zeros, zeros_len, 9), Z_OK);
    memcpy(file, "FTRC", 4);
    put_le(file + 4, 1, 2);
    put_le(file + 6, 0, 2);
    put_le(file + 8, 8, 4);
    put_le(file + 12, 0, 8);          /* accesses */
    put_le(file + 20, 0, 8);          /* marks */
    put_le(file + 28, 1ull << 30, 8); /* payload: 1 GiB */
    put_le(file + 36, clen, 8);
    put_le(file + 44, 0, 4);
    ftsa_trace_t t;
    ftsa_err_t err = {0};
    ck_assert_int_eq(ftsa_trace_decode(file, 48 + clen, &t, &err), FTSA_E_FORMAT);
    HAS(err.msg, "cannot inflate to the 1073741824 announced");
    ck_assert_ptr_null(t.v);
    /* 2^27 two-byte accesses fit a 2^28-byte payload but not the access cap. */
    put_le(file + 12, 1ull << 27, 8);
    put_le(file + 28, 1ull << 28, 8);
    ck_assert_int_eq(ftsa_trace_decode(file, 48 + clen, &t, &err), FTSA_E_FORMAT);
    HAS(err.msg, "134217728 accesses and 0 commands: over the limits of 67108864");
    free(file);
    free(zeros);
}
END_TEST

/* Finding 2: a checkpoint path that is a directory (ftell said LLONG_MAX and
 * that much was allocated), and one far larger than a checkpoint can be. */
START_TEST(checkpoint_directory_and_oversize_refused)
{
    ftsa_tnet_t net;
    small_net(&net, 8);
    ftsa_dataset_t ds = {.count = 20, .rows = 28, .cols = 28};
    ds.images = calloc(20 * 28 * 28, 1);
    ds.labels = calloc(20, 1);
    ftsa_train_cfg_t cfg;
    ftsa_train_defaults(&cfg);
    cfg.epochs = 1;
    cfg.batch = 8;
    cfg.val_count = 4;
    ftsa_trainer_t t;
    ftsa_err_t err = {0};
    ck_assert_msg(ftsa_trainer_init(&t, &cfg, &net, &ds, &err) == FTSA_OK, "%s", err.msg);
    ck_assert_int_eq(ftsa_checkpoint_load(&t, dir, &err), FTSA_E_IO);
    HAS(err.msg, "is a directory");
    HAS(err.msg, dir);

    char path[128];
    snprintf(path, sizeof path, "%s/ckpt", dir);
    ck_assert_int_eq(ftsa_checkpoint_save(&t, path, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_checkpoint_load(&t, path, &err), FTSA_OK);
    struct stat sb;
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert_int_eq(truncate(path, sb.st_size + 1), 0);
    ck_assert_int_eq(ftsa_checkpoint_load(&t, path, &err), FTSA_E_FORMAT);
    HAS(err.msg, "larger than the");

    /* Finding 5 for the checkpoint writer. */
    snprintf(path, sizeof path, "%s/fifo", dir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    ck_assert_int_eq(ftsa_checkpoint_save(&t, path, &err), FTSA_E_IO);
    HAS(err.msg, "is a FIFO; refusing to replace it");
    ck_assert_int_eq(stat(path, &sb), 0);
    ck_assert(S_ISFIFO(sb.st_mode));
    ftsa_trainer_free(&t);
    ftsa_tnet_free(&net);
    ftsa_dataset_free(&ds);
}
END_TEST

/* Findings 4 and 7: config numbers are decimal or 0x hex; a NUL byte in a
 * line is an error, not the silent end of the line. */
START_TEST(config_octal_and_nul)
{
    ftsa_camp_config_t cfg;
    ftsa_camp_config_defaults(&cfg);
    ftsa_err_t err = {0};
    static const char *const octal[][2] = {
        {"seed", "010"}, {"images", "010"}, {"first", "07"}, {"trials", "010"},
        {"array", "010"}, {"layers", "01"}, {"bits", "01-07"}, {"words", "010-20"},
    };
    for (size_t i = 0; i < sizeof octal / sizeof octal[0]; i++) {
        ck_assert_msg(ftsa_camp_config_set(&cfg, octal[i][0], octal[i][1], "c.cfg:1", &err) ==
                          FTSA_E_INVALID, "%s = %s accepted", octal[i][0], octal[i][1]);
        HAS(err.msg, "without a leading zero");
    }
    ck_assert_int_eq(ftsa_camp_config_set(&cfg, "seed", "0x10", "c", &err), FTSA_OK);
    ck_assert_uint_eq(cfg.seed, 16);
    ck_assert_int_eq(ftsa_camp_config_set(&cfg, "images", "10", "c", &err), FTSA_OK);
    ck_assert_uint_eq(cfg.images, 10);
    ck_assert_int_eq(ftsa_camp_config_set(&cfg, "words", "0x10-20", "c", &err), FTSA_OK);
    ck_assert_uint_eq(cfg.words_first, 16);
    ck_assert_uint_eq(cfg.words_count, 5);

    static const char text[] = "images = 20\nseed = 5\0trials = 999\n";
    ck_assert_int_eq(ftsa_camp_config_parse(&cfg, text, sizeof text - 1, "c.cfg", &err),
                     FTSA_E_FORMAT);
    HAS(err.msg, "c.cfg:2: NUL byte at column 9");
    char path[128];
    snprintf(path, sizeof path, "%s/c.cfg", dir);
    FILE *f = fopen(path, "wb");
    fwrite(text, 1, sizeof text - 1, f);
    fclose(f);
    ck_assert_int_eq(ftsa_camp_config_read(&cfg, path, &err), FTSA_E_FORMAT);
    HAS(err.msg, ":2: NUL byte");
}
END_TEST

/* A campaign of one curve, two points of three trials, by hand. */
static ftsa_camp_curve_t curve = {.name = "flip weights all"};
static ftsa_camp_point_t points[2] = {{0, 1e-3, 3, 0}, {0, 1e-2, 3, 3}};

static void small_camp(ftsa_camp_t *camp)
{
    memset(camp, 0, sizeof *camp);
    ftsa_camp_config_defaults(&camp->cfg);
    camp->cfg.images = 10;
    camp->hash = 0x0123456789abcdefull;
    camp->plan = (ftsa_camp_plan_t){1, 2, &curve, points, 6};
}

static const char header[] =
    "config_hash,seed,point,trial,curve,rate,trial_seed,images,correct,accuracy,faults,crc\n";

/* Append text closed with its CRC, as the journal writer does. */
static void add_line(char *buf, size_t size, const char *text)
{
    size_t n = strlen(buf);
    snprintf(buf + n, size - n, "%s%08lx\n", text, crc32(0L, (const Bytef *)text, (uInt)strlen(text)));
}

static void row_text(const ftsa_camp_t *camp, const char *point, uint32_t p, uint32_t trial,
                     char *out, size_t size)
{
    snprintf(out, size, "%016llx,%llu,%s,%u,flip weights all,0.001,%016llx,10,9,90.0000,2,",
             (unsigned long long)camp->hash, (unsigned long long)camp->cfg.seed, point, trial,
             (unsigned long long)ftsa_camp_trial_seed(camp->cfg.seed, p, trial));
}

/* Finding 6: errors name the right line; 64-bit text is never cut to 32 bits. */
START_TEST(journal_lines_and_wide_fields)
{
    ftsa_camp_t camp;
    small_camp(&camp);
    ftsa_camp_journal_t j;
    ftsa_err_t err = {0};
    char text[4096], row[512];

    /* Line 2 good, line 3 of another campaign: the message says line 3. */
    snprintf(text, sizeof text, "%s", header);
    row_text(&camp, "0", 0, 0, row, sizeof row);
    add_line(text, sizeof text, row);
    row[0] = 'f';
    add_line(text, sizeof text, row);
    ck_assert_int_eq(ftsa_camp_journal_parse(&camp, text, strlen(text), "t.csv", &j, &err),
                     FTSA_E_INVALID);
    HAS(err.msg, "t.csv:3: holds trials of another campaign");

    /* point 2^32 + 0 with point 0's seed: read as 0 by a 32-bit parse. */
    snprintf(text, sizeof text, "%s", header);
    row_text(&camp, "4294967296", 0, 1, row, sizeof row);
    add_line(text, sizeof text, row);
    ck_assert_int_eq(ftsa_camp_journal_parse(&camp, text, strlen(text), "t.csv", &j, &err),
                     FTSA_E_FORMAT);
    HAS(err.msg, "t.csv:2: field 3 (point) is malformed or out of range");

    /* A 17-digit trial seed, and a seed of another campaign. */
    snprintf(text, sizeof text, "%s", header);
    row_text(&camp, "0", 0, 1, row, sizeof row);
    char *seed = strstr(row, ",10,9,");
    memmove(seed + 1, seed, strlen(seed) + 1);
    *seed = 'f';
    add_line(text, sizeof text, row);
    ck_assert_int_eq(ftsa_camp_journal_parse(&camp, text, strlen(text), "t.csv", &j, &err),
                     FTSA_E_FORMAT);
    HAS(err.msg, "field 7 (trial_seed)");
    snprintf(text, sizeof text, "%s", header);
    camp.cfg.seed = 2;
    row_text(&camp, "0", 0, 1, row, sizeof row);
    camp.cfg.seed = 1;
    add_line(text, sizeof text, row);
    ck_assert_int_eq(ftsa_camp_journal_parse(&camp, text, strlen(text), "t.csv", &j, &err),
                     FTSA_E_FORMAT);
    HAS(err.msg, "t.csv:2: trial does not belong");

    /* Good rows load; a damaged (CRC) line and a torn last line are dropped. */
    snprintf(text, sizeof text, "%s", header);
    row_text(&camp, "0", 0, 2, row, sizeof row);
    add_line(text, sizeof text, row);
    row_text(&camp, "0", 0, 1, row, sizeof row);
    add_line(text, sizeof text, row);
    text[strlen(text) - 3] ^= 1;
    row_text(&camp, "0", 0, 0, row, sizeof row);
    add_line(text, sizeof text, row);
    strcat(text, "0123");
    ck_assert_msg(ftsa_camp_journal_parse(&camp, text, strlen(text), "t.csv", &j, &err) == FTSA_OK,
                  "%s", err.msg);
    ck_assert_uint_eq(j.n, 2);
    ck_assert_uint_eq(j.dropped, 2);
    ck_assert_uint_eq(j.rows[0].trial, 0);
    ck_assert_uint_eq(j.rows[1].trial, 2);

    /* Finding 5 for the journal writers: a FIFO is neither replaced nor appended to. */
    char path[128];
    snprintf(path, sizeof path, "%s/trials.csv", dir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    ck_assert_int_eq(ftsa_camp_journal_rewrite(&camp, path, &j, &err), FTSA_E_IO);
    HAS(err.msg, "is a FIFO; refusing");
    int fd;
    ck_assert_int_eq(ftsa_camp_journal_open(path, &fd, &err), FTSA_E_IO);
    HAS(err.msg, "is a FIFO; refusing");
    unlink(path);
    ck_assert_int_eq(ftsa_camp_journal_rewrite(&camp, path, &j, &err), FTSA_OK);
    ftsa_camp_journal_t back;
    ck_assert_int_eq(ftsa_camp_journal_load(&camp, path, &back, &err), FTSA_OK);
    ck_assert_uint_eq(back.n, 2);
    ftsa_camp_journal_free(&back);
    ftsa_camp_journal_free(&j);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hostile_drivers");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, trace_zlib_bomb_refused);
    tcase_add_test(tc, checkpoint_directory_and_oversize_refused);
    tcase_add_test(tc, config_octal_and_nul);
    tcase_add_test(tc, journal_lines_and_wide_fields);
    suite_add_tcase(s, tc);
    return ftsa_check_run(s);
}
