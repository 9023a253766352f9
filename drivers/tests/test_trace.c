/* SRAM access traces: canonical order, file round trip, every malformed file
 * rejected, and the sentences ftsa_trace_diff writes. */
#include <check.h>

#include "check_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftsa/fileio.h"
#include "ftsa/hw_regs.h"
#include "ftsa/trace.h"

#define HDR 48

static char *tmp_path(void)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/ftsa_test_trace_%ld.trc", (long)getpid());
    return path;
}

static uint64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

static uint32_t cmd0(uint32_t op, uint32_t a)
{
    return a << 8 | op;
}

/* A trace shaped like a run: bursts of accesses per cycle appended out of
 * canonical order, pass-sized blocks whose cycles overlap the previous block,
 * and a command stream of STAMP / PASS / DMA marks (two layers). */
static void make_trace(ftsa_trace_t *t, size_t n, uint64_t seed)
{
    ftsa_trace_init(t, 8);
    uint64_t cycle = 0;
    for (size_t i = 0; i < n; i++) {
        if (lcg(&seed) % 3 == 0)
            cycle += 1 + lcg(&seed) % 4;
        uint64_t c = cycle > 20 && lcg(&seed) % 7 == 0 ? cycle - lcg(&seed) % 20 : cycle;
        ftsa_trace_add(t, c, (uint32_t)(lcg(&seed) % 6), (int)(lcg(&seed) & 1),
                       (uint32_t)(lcg(&seed) % 4096));
    }
    static const uint32_t ops[] = {FTSA_HW_OP_DMA_LOAD, FTSA_HW_OP_STAMP, FTSA_HW_OP_PASS,
                                   FTSA_HW_OP_STAMP,    FTSA_HW_OP_DMA_STORE, FTSA_HW_OP_STAMP,
                                   FTSA_HW_OP_POSTCFG,  FTSA_HW_OP_STAMP, FTSA_HW_OP_END};
    for (uint32_t k = 0; k < 9; k++)
        ftsa_trace_mark(t, (uint64_t)k * (cycle / 9 + 1), k, cmd0(ops[k], k == 2 ? 0x301 : 1),
                        k == 2 ? 0x00020040u : 0x100u);
}

static void assert_canonical(const ftsa_trace_t *t)
{
    for (size_t i = 1; i < t->n; i++) {
        const ftsa_access_t *a = &t->v[i - 1], *b = &t->v[i];
        int ok = a->cycle < b->cycle ||
                 (a->cycle == b->cycle &&
                  (a->mem < b->mem ||
                   (a->mem == b->mem && (a->we < b->we || (a->we == b->we && a->addr <= b->addr)))));
        ck_assert_msg(ok, "entries %zu and %zu out of canonical order", i - 1, i);
    }
}

static uint64_t checksum(const ftsa_trace_t *t)
{
    uint64_t s = 0;
    for (size_t i = 0; i < t->n; i++)
        s += (t->v[i].cycle * 1000003u) ^ ((uint64_t)t->v[i].mem << 40) ^
             ((uint64_t)t->v[i].we << 48) ^ t->v[i].addr;
    return s;
}

START_TEST(canonical_order)
{
    ftsa_trace_t t;
    ftsa_err_t err;
    make_trace(&t, 20000, 11);
    uint64_t before = checksum(&t);
    ck_assert_int_eq(ftsa_trace_finish(&t, &err), FTSA_OK);
    ck_assert_uint_eq(t.n, 20000);
    assert_canonical(&t);
    ck_assert_uint_eq(checksum(&t), before);
    /* Within one cycle: memory, then read before write, then address. */
    ftsa_trace_clear(&t);
    ftsa_trace_add(&t, 5, FTSA_HW_MEM_ACC, 1, 2);
    ftsa_trace_add(&t, 5, FTSA_HW_MEM_ACC, 0, 9);
    ftsa_trace_add(&t, 5, FTSA_HW_MEM_WGT, 0, 7);
    ftsa_trace_add(&t, 4, FTSA_HW_MEM_THR, 0, 1);
    ftsa_trace_add(&t, 5, FTSA_HW_MEM_ACC, 0, 3);
    ck_assert_int_eq(ftsa_trace_finish(&t, &err), FTSA_OK);
    static const ftsa_access_t want[] = {{4, FTSA_HW_MEM_THR, 0, 1}, {5, FTSA_HW_MEM_WGT, 0, 7},
                                         {5, FTSA_HW_MEM_ACC, 0, 3}, {5, FTSA_HW_MEM_ACC, 0, 9},
                                         {5, FTSA_HW_MEM_ACC, 1, 2}};
    ck_assert_uint_eq(t.n, 5);
    for (size_t i = 0; i < 5; i++) {
        ck_assert_uint_eq(t.v[i].cycle, want[i].cycle);
        ck_assert_uint_eq(t.v[i].mem, want[i].mem);
        ck_assert_uint_eq(t.v[i].we, want[i].we);
        ck_assert_uint_eq(t.v[i].addr, want[i].addr);
    }
    /* A fully reversed trace sorts too. */
    ftsa_trace_clear(&t);
    for (uint32_t i = 0; i < 5000; i++)
        ftsa_trace_add(&t, 5000 - i, i % 6, 0, i);
    ck_assert_int_eq(ftsa_trace_finish(&t, &err), FTSA_OK);
    assert_canonical(&t);
    ftsa_trace_free(&t);
}
END_TEST

static void assert_equal(const ftsa_trace_t *a, const ftsa_trace_t *b)
{
    ck_assert_uint_eq(a->array_n, b->array_n);
    ck_assert_uint_eq(a->n, b->n);
    ck_assert_uint_eq(a->n_marks, b->n_marks);
    for (size_t i = 0; i < a->n; i++) {
        ck_assert_uint_eq(a->v[i].cycle, b->v[i].cycle);
        ck_assert_uint_eq(a->v[i].mem, b->v[i].mem);
        ck_assert_uint_eq(a->v[i].we, b->v[i].we);
        ck_assert_uint_eq(a->v[i].addr, b->v[i].addr);
    }
    for (size_t i = 0; i < a->n_marks; i++) {
        ck_assert_uint_eq(a->marks[i].cycle, b->marks[i].cycle);
        ck_assert_uint_eq(a->marks[i].index, b->marks[i].index);
        ck_assert_uint_eq(a->marks[i].word0, b->marks[i].word0);
        ck_assert_uint_eq(a->marks[i].word1, b->marks[i].word1);
    }
}

START_TEST(round_trip)
{
    ftsa_trace_t t, back;
    ftsa_err_t err;
    make_trace(&t, 3000, 5);
    /* Extremes: a huge cycle gap and the largest address. */
    ftsa_trace_add(&t, UINT64_MAX - 1, FTSA_HW_MEM_THR, 1, 0xffff);
    ck_assert_int_eq(ftsa_trace_finish(&t, &err), FTSA_OK);
    ck_assert_msg(ftsa_trace_save(&t, tmp_path(), &err) == FTSA_OK, "%s", err.msg);
    ftsa_status_t st = ftsa_trace_load(tmp_path(), &back, &err);
    ck_assert_msg(st == FTSA_OK, "%s", err.msg);
    assert_equal(&t, &back);
    char msg[512];
    ck_assert_int_eq(ftsa_trace_diff(&t, &back, msg, sizeof msg), 0);
    ftsa_trace_free(&back);
    /* An empty trace round-trips too. */
    ftsa_trace_clear(&t);
    ck_assert_int_eq(ftsa_trace_save(&t, tmp_path(), &err), FTSA_OK);
    ck_assert_int_eq(ftsa_trace_load(tmp_path(), &back, &err), FTSA_OK);
    assert_equal(&t, &back);
    ftsa_trace_free(&back);
    ftsa_trace_free(&t);
    unlink(tmp_path());
}
END_TEST

START_TEST(save_needs_finish)
{
    ftsa_trace_t t;
    ftsa_err_t err;
    ftsa_trace_init(&t, 8);
    ftsa_trace_add(&t, 3, 0, 0, 0);
    ftsa_trace_add(&t, 2, 0, 0, 0);
    ck_assert_int_eq(ftsa_trace_save(&t, tmp_path(), &err), FTSA_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.msg, "ftsa_trace_finish"));
    ftsa_trace_free(&t);
}
END_TEST

/* Write len bytes of buf as the trace file and expect the loader to refuse it. */
static void expect_reject(const uint8_t *buf, size_t len, const char *want, const char *what)
{
    ftsa_trace_t t;
    ftsa_err_t err = {0};
    ck_assert_int_eq(ftsa_write_file_atomic(tmp_path(), buf, len, &err), FTSA_OK);
    ftsa_status_t st = ftsa_trace_load(tmp_path(), &t, &err);
    ck_assert_msg(st == FTSA_E_FORMAT, "%s: loaded (status %d)", what, st);
    ck_assert_msg(strstr(err.msg, tmp_path()) != NULL, "%s: message does not name the file: %s",
                  what, err.msg);
    if (want)
        ck_assert_msg(strstr(err.msg, want) != NULL, "%s: '%s' lacks '%s'", what, err.msg, want);
    ck_assert_ptr_null(t.v);
    ck_assert_uint_eq(t.n, 0);
}

static uint8_t *saved_bytes(size_t *len)
{
    ftsa_trace_t t;
    ftsa_err_t err;
    make_trace(&t, 300, 9);
    ck_assert_int_eq(ftsa_trace_finish(&t, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_trace_save(&t, tmp_path(), &err), FTSA_OK);
    ftsa_trace_free(&t);
    uint8_t *buf;
    ck_assert_int_eq(ftsa_read_file(tmp_path(), 1u << 20, &buf, len, &err), FTSA_OK);
    return buf;
}

START_TEST(every_truncation_rejected)
{
    size_t len;
    uint8_t *buf = saved_bytes(&len);
    char what[64];
    for (size_t cut = 0; cut < len; cut++) {
        snprintf(what, sizeof what, "truncated to %zu of %zu bytes", cut, len);
        expect_reject(buf, cut, "truncated", what);
    }
    free(buf);
    unlink(tmp_path());
}
END_TEST

START_TEST(every_flipped_byte_rejected)
{
    size_t len;
    uint8_t *buf = saved_bytes(&len);
    char what[64];
    for (size_t i = 0; i < len; i++) {
        buf[i] ^= 0x10;
        snprintf(what, sizeof what, "byte %zu of %zu flipped", i, len);
        expect_reject(buf, len, NULL, what);
        buf[i] ^= 0x10;
    }
    free(buf);
    unlink(tmp_path());
}
END_TEST

START_TEST(malformed_headers)
{
    size_t len;
    uint8_t *buf = saved_bytes(&len);
    uint8_t *copy = malloc(len + 1);
    memcpy(copy, buf, len);
    copy[0] = 'X';
    expect_reject(copy, len, "bad magic", "magic");
    memcpy(copy, buf, len);
    copy[4] = 2;
    expect_reject(copy, len, "unsupported version 2", "version");
    memcpy(copy, buf, len);
    copy[19] = 0x40; /* access count far beyond what the payload holds */
    expect_reject(copy, len, "counts inconsistent", "counts");
    memcpy(copy, buf, len);
    copy[len - 3] ^= 0xff; /* inside the deflate stream's Adler-32 or data */
    expect_reject(copy, len, NULL, "payload");
    memcpy(copy, buf, len);
    copy[44] ^= 1;
    expect_reject(copy, len, "CRC mismatch", "crc");
    memcpy(copy, buf, len);
    copy[len] = 0;
    expect_reject(copy, len + 1, "trailing", "trailing byte");
    free(copy);
    free(buf);
    ftsa_trace_t t;
    ftsa_err_t err;
    ck_assert_int_eq(ftsa_trace_load("/nonexistent/x.trc", &t, &err), FTSA_E_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot open"));
    unlink(tmp_path());
}
END_TEST

/* Two identical small traces with marks: input load, layer 0 (STAMP, PASS, STAMP), store,
 * layer 1 (STAMP, MAXPOOL, STAMP). */
static void make_pair(ftsa_trace_t *a, ftsa_trace_t *b)
{
    ftsa_trace_t *both[2] = {a, b};
    for (int k = 0; k < 2; k++) {
        ftsa_trace_t *t = both[k];
        ftsa_trace_init(t, 8);
        for (uint32_t c = 0; c < 100; c++) {
            ftsa_trace_add(t, c, FTSA_HW_MEM_ACT0, 0, c);
            ftsa_trace_add(t, c, FTSA_HW_MEM_ACC, 1, c / 2);
        }
        ftsa_trace_mark(t, 0, 0, cmd0(FTSA_HW_OP_DMA_LOAD, 49u << 4 | FTSA_HW_MEM_ACT0), 0x40);
        ftsa_trace_mark(t, 10, 1, cmd0(FTSA_HW_OP_STAMP, 0), 0x100);
        ftsa_trace_mark(t, 11, 2, cmd0(FTSA_HW_OP_PASS, 2u << 10 | 1u << 9 | 3u << 4 | 1u),
                        0x00030040u);
        ftsa_trace_mark(t, 50, 3, cmd0(FTSA_HW_OP_STAMP, 0), 0x104);
        ftsa_trace_mark(t, 51, 4, cmd0(FTSA_HW_OP_DMA_STORE, 16u << 4 | FTSA_HW_MEM_ACT1), 0x200);
        ftsa_trace_mark(t, 70, 5, cmd0(FTSA_HW_OP_STAMP, 0), 0x108);
        ftsa_trace_mark(t, 71, 6, cmd0(FTSA_HW_OP_MAXPOOL, 0), 0);
        ftsa_trace_mark(t, 90, 7, cmd0(FTSA_HW_OP_STAMP, 0), 0x10c);
        /* Already canonical (no ck_assert: --write-pair runs outside the suite). */
        ftsa_trace_finish(t, NULL);
    }
}

static void assert_has(const char *msg, const char *want)
{
    ck_assert_msg(strstr(msg, want) != NULL, "'%s' lacks '%s'", msg, want);
}

START_TEST(diff_messages)
{
    ftsa_trace_t a, b;
    char msg[512];
    make_pair(&a, &b);
    ck_assert_int_eq(ftsa_trace_diff(&a, &b, msg, sizeof msg), 0);
    ck_assert_str_eq(msg, "");

    /* Same cycle, memory and direction, another address: entry 2 * 20 + 1. */
    b.v[41].addr = 77;
    ck_assert_int_eq(ftsa_trace_diff(&a, &b, msg, sizeof msg), 1);
    assert_has(msg, "cycle 20 (entry 41): ACC write at address 10 in trace A, address 77 in trace B");
    assert_has(msg, "command #2 (PASS ky=1 kx=3 ctile=2 last octile=3 weights at 64");
    assert_has(msg, "in layer 0");
    b.v[41].addr = 10;

    /* Another memory in the same cycle, inside layer 1's MAXPOOL. */
    b.v[160].mem = FTSA_HW_MEM_ACT1;
    ck_assert_int_eq(ftsa_trace_diff(&a, &b, msg, sizeof msg), 1);
    assert_has(msg, "cycle 80 (entry 160): trace A reads ACT0 address 80, trace B reads ACT1 "
                    "address 80");
    assert_has(msg, "command #6 (MAXPOOL, started at cycle 71) in layer 1");
    b.v[160].mem = FTSA_HW_MEM_ACT0;

    /* B's access comes a cycle late, during the store after layer 0: named by B's marks
     * when A has none. */
    free(a.marks);
    a.marks = NULL;
    a.n_marks = a.marks_cap = 0;
    b.v[120].cycle = 61;
    ck_assert_int_eq(ftsa_trace_diff(&a, &b, msg, sizeof msg), 1);
    assert_has(msg, "cycle 60 (entry 120): trace A reads ACT0 address 60, trace B makes no more "
                    "accesses in that cycle (its next access, at cycle 61, reads ACT0 address 60)");
    assert_has(msg, "DMA_STORE ACT1, 16 words, host 0x200");
    assert_has(msg, "after layer 0 (output store)");
    b.v[120].cycle = 60;

    /* Length mismatch, both ways, and the input load before any layer. */
    b.n = 7;
    ck_assert_int_eq(ftsa_trace_diff(&a, &b, msg, sizeof msg), 1);
    assert_has(msg, "trace B ends at entry 7, trace A continues at cycle 3: writes ACC address 1 "
                    "(193 more accesses)");
    assert_has(msg, "DMA_LOAD ACT0, 49 words");
    assert_has(msg, "before layer 0");
    ck_assert_int_eq(ftsa_trace_diff(&b, &a, msg, sizeof msg), 1);
    assert_has(msg, "trace A ends at entry 7, trace B continues");
    /* A short buffer is still a terminated sentence. */
    ck_assert_int_eq(ftsa_trace_diff(&a, &b, msg, 16), 1);
    ck_assert_uint_eq(strlen(msg), 15);
    ftsa_trace_free(&a);
    ftsa_trace_free(&b);
}
END_TEST

START_TEST(describe_commands)
{
    char buf[96];
    ftsa_trace_describe_cmd(cmd0(FTSA_HW_OP_POSTCFG, 5), 0, buf, sizeof buf);
    ck_assert_str_eq(buf, "POSTCFG octile=5");
    ftsa_trace_describe_cmd(cmd0(FTSA_HW_OP_SET, FTSA_HW_REG_ROWS), 4, buf, sizeof buf);
    ck_assert_str_eq(buf, "SET register 18 = 4");
    ftsa_trace_describe_cmd(0x7f, 0, buf, sizeof buf);
    ck_assert_str_eq(buf, "unknown opcode 0x7f");
    ck_assert_str_eq(ftsa_trace_mem_name(FTSA_HW_MEM_PAR), "PAR");
    ck_assert_str_eq(ftsa_trace_mem_name(9), "?");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("trace");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, canonical_order);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, save_needs_finish);
    tcase_add_test(tc, every_truncation_rejected);
    tcase_add_test(tc, every_flipped_byte_rejected);
    tcase_add_test(tc, malformed_headers);
    tcase_add_test(tc, diff_messages);
    tcase_add_test(tc, describe_commands);
    suite_add_tcase(s, tc);
    return s;
}

/* test_trace --write-pair DIR: a.trc and b.trc (one address apart at cycle 20,
 * inside layer 0) and same.trc (equal to a.trc), for the CLI test. */
static int write_pair(const char *dir)
{
    ftsa_trace_t a, b;
    ftsa_err_t err;
    char path[512];
    make_pair(&a, &b);
    b.v[41].addr = 77;
    const char *names[3] = {"a.trc", "b.trc", "same.trc"};
    const ftsa_trace_t *which[3] = {&a, &b, &a};
    int rc = 0;
    for (int i = 0; i < 3 && !rc; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (ftsa_trace_save(which[i], path, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            rc = 1;
        }
    }
    ftsa_trace_free(&a);
    ftsa_trace_free(&b);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--write-pair"))
        return write_pair(argv[2]);
    return ftsa_check_run(suite());
}
