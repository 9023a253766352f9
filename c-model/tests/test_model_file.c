/* .ftsa model file: round trips and every malformed-input case. */
#include <check.h>

#include "check_main.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "ftsa/model_file.h"
#include "ftsa/netgen.h"
#include "ftsa/ref.h"
#include "tiny_net.h"

#define HDR 20

static void outputs_equal(const ftsa_net_t *a, const ftsa_net_t *b, uint64_t seed)
{
    ftsa_ref_t ra, rb;
    ftsa_err_t err;
    ck_assert_int_eq(ftsa_ref_init(&ra, a, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_ref_init(&rb, b, &err), FTSA_OK);
    int8_t *in = malloc(ftsa_shape_elems(a->input));
    for (uint64_t k = 0; k < 4; k++) {
        ftsa_netgen_input(a, seed + k, in);
        ftsa_ref_run(&ra, in);
        ftsa_ref_run(&rb, in);
        for (uint32_t i = 0; i < a->n_layers; i++)
            ck_assert_mem_eq(ftsa_ref_output(&ra, i), ftsa_ref_output(&rb, i),
                             ftsa_shape_elems(a->layers[i].out));
    }
    free(in);
    ftsa_ref_free(&ra);
    ftsa_ref_free(&rb);
}

static void roundtrip(const ftsa_net_t *net, uint64_t seed)
{
    uint8_t *buf, *buf2;
    size_t len, len2;
    ftsa_net_t back;
    ftsa_err_t err;
    ck_assert_int_eq(ftsa_model_encode(net, &buf, &len, &err), FTSA_OK);
    ck_assert_msg(ftsa_model_decode(buf, len, &back, &err) == FTSA_OK, "%s", err.msg);
    ck_assert_str_eq(back.name, net->name);
    outputs_equal(net, &back, seed);
    ck_assert_int_eq(ftsa_model_encode(&back, &buf2, &len2, &err), FTSA_OK);
    ck_assert_uint_eq(len, len2);
    ck_assert_mem_eq(buf, buf2, len);
    free(buf);
    free(buf2);
    ftsa_net_free(&back);
}

START_TEST(roundtrip_tiny_and_random)
{
    ftsa_net_t net;
    ftsa_err_t err;
    for (int act = 0; act < FTSA_ACT_COUNT; act++) {
        tiny_net_build(&net, (ftsa_act_mode_t)act, 7);
        roundtrip(&net, 1);
        ftsa_net_free(&net);
    }
    for (uint64_t seed = 1; seed <= 60; seed++) {
        ck_assert_int_eq(ftsa_netgen_random(&net, seed, NULL, &err), FTSA_OK);
        roundtrip(&net, seed);
        ftsa_net_free(&net);
    }
}
END_TEST

START_TEST(save_and_load_file)
{
    ftsa_net_t net, back;
    ftsa_err_t err;
    char path[] = "/tmp/ftsa_test_model_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(ftsa_netgen_random(&net, 99, NULL, &err), FTSA_OK);
    ck_assert_int_eq(ftsa_model_save(&net, path, &err), FTSA_OK);
    ck_assert_msg(ftsa_model_load(path, &back, &err) == FTSA_OK, "%s", err.msg);
    outputs_equal(&net, &back, 5);
    ftsa_net_free(&back);
    ftsa_net_free(&net);
    remove(path);
    ck_assert_int_eq(ftsa_model_load("/nonexistent/dir/model.ftsa", &back, &err), FTSA_E_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent/dir/model.ftsa: cannot open"));
}
END_TEST

/* Encoded tiny net, its raw payload, and a way to re-wrap an edited payload. */
static uint8_t *encoded(size_t *len)
{
    ftsa_net_t net;
    ftsa_err_t err;
    uint8_t *buf;
    tiny_net_build(&net, FTSA_ACT_SAT, 5);
    ck_assert_int_eq(ftsa_model_encode(&net, &buf, len, &err), FTSA_OK);
    ftsa_net_free(&net);
    return buf;
}

static uint32_t rd32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void wr32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}

static uint8_t *payload(size_t *plen)
{
    size_t len;
    uint8_t *buf = encoded(&len);
    uLongf ulen = rd32(buf + 8);
    uint8_t *p = malloc(ulen);
    ck_assert_int_eq(uncompress(p, &ulen, buf + HDR, rd32(buf + 12)), Z_OK);
    free(buf);
    *plen = ulen;
    return p;
}

/* Wrap a payload into a valid container (correct CRC) of a version and decode it. */
static ftsa_status_t decode_version(const uint8_t *p, size_t plen, uint8_t version, ftsa_err_t *err)
{
    uLongf clen = compressBound(plen);
    uint8_t *buf = malloc(HDR + clen);
    ck_assert_int_eq(compress(buf + HDR, &clen, p, plen), Z_OK);
    memcpy(buf, "FTSA\0\0\0\0", 8);
    buf[4] = version;
    wr32(buf + 8, (uint32_t)plen);
    wr32(buf + 12, (uint32_t)clen);
    wr32(buf + 16, (uint32_t)crc32(0, p, (uInt)plen));
    ftsa_net_t net;
    ftsa_status_t st = ftsa_model_decode(buf, HDR + clen, &net, err);
    if (st == FTSA_OK)
        ftsa_net_free(&net);
    free(buf);
    return st;
}


START_TEST(bad_container)
{
    size_t len;
    uint8_t *buf = encoded(&len);
    ftsa_net_t net;
    ftsa_err_t err;

    ck_assert_int_eq(ftsa_model_decode(buf, 3, &net, &err), FTSA_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "truncated"));

    buf[0] = 'X';
    ck_assert_int_eq(ftsa_model_decode(buf, len, &net, &err), FTSA_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "bad magic"));
    buf[0] = 'F';

    buf[4] = 9;
    ck_assert_int_eq(ftsa_model_decode(buf, len, &net, &err), FTSA_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "unsupported version 9"));
    buf[4] = 0;
    ck_assert_int_eq(ftsa_model_decode(buf, len, &net, &err), FTSA_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "unsupported version 0"));
    buf[4] = 1;

    buf[16] ^= 0xff;
    ck_assert_int_eq(ftsa_model_decode(buf, len, &net, &err), FTSA_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "CRC mismatch"));
    buf[16] ^= 0xff;

    /* Every truncation point fails cleanly (ASan checks we stay in bounds). */
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, buf, cut);
        ck_assert_int_eq(ftsa_model_decode(copy, cut, &net, &err), FTSA_E_FORMAT);
        ck_assert_ptr_nonnull(strstr(err.msg, "truncated"));
        free(copy);
    }

    uint8_t *longer = malloc(len + 3);
    memcpy(longer, buf, len);
    ck_assert_int_eq(ftsa_model_decode(longer, len + 3, &net, &err), FTSA_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "trailing bytes"));
    free(longer);

    /* Corrupt compressed data. */
    for (size_t i = HDR + 2; i < len; i++)
        buf[i] ^= 0x5a;
    ck_assert_int_eq(ftsa_model_decode(buf, len, &net, &err), FTSA_E_FORMAT);
    ck_assert(strstr(err.msg, "corrupt") || strstr(err.msg, "CRC"));

    /* An absurd announced payload size is refused before allocating. */
    wr32(buf + 8, 0xffffffffu);
    ck_assert_int_eq(ftsa_model_decode(buf, len, &net, &err), FTSA_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "absurd"));
    free(buf);
}
END_TEST

static ftsa_status_t decode_payload(const uint8_t *p, size_t plen, ftsa_err_t *err)
{
    return decode_version(p, plen, FTSA_MODEL_VERSION, err);
}

/* Payload offsets of the tiny net: name "tiny" (1 + 4), input shape (12),
 * in_scale (4), in_zp (1), n_layers (4), then layer 0. */
#define OFF_INPUT 5
#define OFF_NLAYERS (OFF_INPUT + 12 + 4 + 1)
#define OFF_L0 (OFF_NLAYERS + 4)
#define OFF_L0_IN (OFF_L0 + 4)
#define OFF_L0_OUT (OFF_L0_IN + 12)

START_TEST(bad_payload)
{
    size_t plen;
    uint8_t *p = payload(&plen);
    ftsa_err_t err;
    uint8_t *q = malloc(plen + 8);

#define EDIT(stmt, needle)                                                                         \
    do {                                                                                           \
        memcpy(q, p, plen);                                                                        \
        stmt;                                                                                      \
        ck_assert_int_eq(decode_payload(q, plen, &err), FTSA_E_FORMAT);                            \
        ck_assert_msg(strstr(err.msg, needle), "message '%s' lacks '%s'", err.msg, needle);       \
    } while (0)

    ck_assert_int_eq(decode_payload(p, plen, &err), FTSA_OK);
    EDIT(wr32(q + OFF_INPUT, 1u << 30), "network input shape");
    EDIT(wr32(q + OFF_INPUT + 8, 0), "absurd");
    EDIT(wr32(q + OFF_NLAYERS, 100000), "layers is absurd");
    EDIT(wr32(q + OFF_NLAYERS, 0), "layers is absurd");
    EDIT(wr32(q + OFF_NLAYERS, 5), "payload ends");
    EDIT(q[OFF_L0] = 77, "unknown layer kind 77");
    EDIT(q[OFF_L0 + 1] = 9, "unknown activation mode 9");
    EDIT(q[OFF_L0 + 2] = 9, "unknown threshold source 9");
    EDIT(wr32(q + OFF_L0_OUT + 8, 4000), "layer 0");           /* inconsistent out channels */
    EDIT(wr32(q + OFF_L0_OUT, 3), "inconsistent");             /* out height 3 != 2 */
    EDIT(wr32(q + OFF_L0_IN, 4), "does not match");             /* in height 4 != 3 */
    EDIT(wr32(q + OFF_L0_OUT + 12, 99), "kernel 99x2 is absurd");
    EDIT(wr32(q + OFF_L0_OUT + 20, 0), "stride 0");
    EDIT(q[0] = 200, "network name");
    EDIT(wr32(q + OFF_L0_IN, 0), "absurd");

    /* Extra bytes after the last layer. */
    memcpy(q, p, plen);
    q[plen] = 0;
    ck_assert_int_eq(decode_payload(q, plen + 1, &err), FTSA_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "unexpected bytes after the activation profile"));
    /* Version 1 had no profile section (the payload's last 4 bytes, a zero count). */
    ck_assert_int_eq(p[plen - 4] | p[plen - 3] | p[plen - 2] | p[plen - 1], 0);
    ck_assert_int_eq(decode_version(p, plen - 4, 1, &err), FTSA_OK);
    ck_assert_int_eq(decode_version(p, plen, 1, &err), FTSA_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "4 unexpected bytes after the last layer"));
    /* A profile count without the arrays is truncation. */
    memcpy(q, p, plen);
    wr32(q + plen - 4, 100);
    ck_assert_int_eq(decode_payload(q, plen, &err), FTSA_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "layer 0: payload ends"));
    /* Every shorter payload fails cleanly. */
    for (size_t cut = 0; cut < plen; cut++) {
        ck_assert_int_eq(decode_payload(p, cut, &err), FTSA_E_FORMAT);
        ck_assert_ptr_nonnull(strstr(err.msg, "payload ends"));
    }
    free(q);
    free(p);
}
END_TEST

START_TEST(encode_rejects_invalid_net)
{
    ftsa_net_t net;
    ftsa_err_t err;
    uint8_t *buf;
    size_t len;
    tiny_net_build(&net, FTSA_ACT_CLIP, 5);
    net.layers[0].shift[1] = 40;
    ck_assert_int_eq(ftsa_model_encode(&net, &buf, &len, &err), FTSA_E_INVALID);
    ck_assert_ptr_nonnull(strstr(err.msg, "layer 0 (conv2d): channel 1: shift 40"));
    ftsa_net_free(&net);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("model_file");
    TCase *tc = tcase_create("model_file");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, roundtrip_tiny_and_random);
    tcase_add_test(tc, save_and_load_file);
    tcase_add_test(tc, bad_container);
    tcase_add_test(tc, bad_payload);
    tcase_add_test(tc, encode_rejects_invalid_net);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ftsa_check_run(suite());
}
