/* Unit tests of the RBSP bit reader and the Annex-B NAL splitter. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "h264/h264_bitreader.h"
#include "h264/h264_slice.h"

static int failures;

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                    \
        }                                                                  \
    } while (0)

/* Exp-Golomb codes of 9.1 Table 9-2: "1"=0, "010"=1, "011"=2, "00100"=3,
 * and se mapping k -> 0, 1, -1, 2, -2 (Table 9-3). */
static void test_exp_golomb(void)
{
    /* 1 010 011 00100 00101 | 0001000 -> ue 0,1,2,3,4, then ue 7 */
    const uint8_t data[] = { 0xA6, 0x42, 0x88, 0x00 };
    struct vkv4l2_bitreader br;
    uint32_t v;

    vkv4l2_br_init(&br, data, sizeof(data));
    for (uint32_t want = 0; want <= 4; want++) {
        CHECK(vkv4l2_br_read_ue(&br, &v) == 0 && v == want);
    }
    CHECK(vkv4l2_br_read_ue(&br, &v) == 0 && v == 7);
    CHECK(vkv4l2_br_position(&br) == 1 + 3 + 3 + 5 + 5 + 7);

    /* se: codeNum 1 -> 1, 2 -> -1, 3 -> 2, 4 -> -2 */
    const int32_t se_want[] = { 0, 1, -1, 2, -2 };
    int32_t s;
    vkv4l2_br_init(&br, data, sizeof(data));
    for (unsigned i = 0; i < 5; i++)
        CHECK(vkv4l2_br_read_se(&br, &s) == 0 && s == se_want[i]);
}

/* The largest ue(v) (31 leading zeros) is 2^32 - 2; 32 zeros is invalid. */
static void test_ue_limits(void)
{
    uint8_t max[8] = { 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe };
    uint8_t zeros32[8] = { 0, 0, 0, 0, 0x80, 0, 0, 0 };
    struct vkv4l2_bitreader br;
    uint32_t v;

    /* 31 zeros, the 1 (bit 31), then 31 suffix bits all 1. */
    vkv4l2_br_init(&br, max, sizeof(max));
    CHECK(vkv4l2_br_read_ue(&br, &v) == 0 && v == 0xfffffffeu);
    /* Note: max has 00 00 00 01: a start code would never be inside a NAL;
     * the reader only treats 00 00 03 specially. */
    vkv4l2_br_init(&br, zeros32, sizeof(zeros32));
    CHECK(vkv4l2_br_read_ue(&br, &v) == -EINVAL);
    CHECK(br.error);
}

/* 00 00 03 xx: the 03 is dropped and not counted; a 03 not preceded by two
 * zeros is data; after an EPB the zero count restarts. */
static void test_emulation_prevention(void)
{
    const uint8_t data[] = { 0x00, 0x00, 0x03, 0x01, 0x03, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x03 };
    struct vkv4l2_bitreader br;
    uint32_t v;

    vkv4l2_br_init(&br, data, sizeof(data));
    CHECK(vkv4l2_br_read_bits(&br, 32, &v) == 0 && v == 0x00000103);
    CHECK(vkv4l2_br_position(&br) == 32 && br.epb_count == 1);
    CHECK(vkv4l2_br_read_bits(&br, 16, &v) == 0 && v == 0x0000);
    /* Next raw byte 03 after two zeros: dropped; then 00 00 03 03 -> the
     * first 03 is an EPB, the second is data. */
    CHECK(vkv4l2_br_read_bits(&br, 24, &v) == 0 && v == 0x000003);
    CHECK(br.epb_count == 3);
    CHECK(vkv4l2_br_position(&br) == 72);
    CHECK(vkv4l2_br_read_bits(&br, 1, &v) == -EINVAL);
}

/* An EPB split across a read spanning bytes, and a trailing EPB at the end
 * leaves nothing to read. */
static void test_truncation(void)
{
    const uint8_t data[] = { 0xff, 0x00, 0x00, 0x03 };
    struct vkv4l2_bitreader br;
    uint32_t v;
    bool f;

    vkv4l2_br_init(&br, data, sizeof(data));
    CHECK(vkv4l2_br_read_bits(&br, 20, &v) == 0 && v == 0xff000);
    CHECK(vkv4l2_br_read_bits(&br, 4, &v) == 0 && v == 0);
    CHECK(vkv4l2_br_read_flag(&br, &f) == -EINVAL);
    /* Errors stick. */
    CHECK(vkv4l2_br_read_bits(&br, 0, &v) == -EINVAL);

    /* ue whose suffix runs off the end. */
    const uint8_t cut[] = { 0x00, 0x01 }; /* 15 zeros, 1, no suffix */
    vkv4l2_br_init(&br, cut, sizeof(cut));
    CHECK(vkv4l2_br_read_ue(&br, &v) == -EINVAL);
    CHECK(vkv4l2_br_skip_bits(&br, 1) == -EINVAL);

    vkv4l2_br_init(&br, data, 0);
    CHECK(vkv4l2_br_read_flag(&br, &f) == -EINVAL);
    vkv4l2_br_init(&br, data, sizeof(data));
    CHECK(vkv4l2_br_read_bits(&br, 33, &v) == -EINVAL);
}

static void test_next_nal(void)
{
    const uint8_t s[] = {
        0x00, 0x00, 0x00, 0x01, 0x67, 0xAA, 0x00,      /* 4-byte SC, trailing zero */
        0x00, 0x00, 0x01, 0x68, 0x00, 0x00, 0x03, 0x01, /* 3-byte SC, EPB kept */
        0x00, 0x00, 0x01, 0x00, 0x00, 0x01,            /* empty NAL skipped */
        0x65, 0x88, 0x00, 0x00,                         /* trailing_zero_8bits */
    };
    size_t pos = 0, n;
    const uint8_t *nal;

    CHECK(vkv4l2_h264_next_nal(s, sizeof(s), &pos, &nal, &n) == 0);
    CHECK(nal == s + 4 && n == 2);
    CHECK(vkv4l2_h264_next_nal(s, sizeof(s), &pos, &nal, &n) == 0);
    CHECK(nal == s + 10 && n == 5);
    CHECK(vkv4l2_h264_next_nal(s, sizeof(s), &pos, &nal, &n) == 0);
    CHECK(nal == s + 21 && n == 2);
    CHECK(vkv4l2_h264_next_nal(s, sizeof(s), &pos, &nal, &n) == -ENOENT);
    pos = 0;
    CHECK(vkv4l2_h264_next_nal(s, 2, &pos, &nal, &n) == -ENOENT);
}

int main(void)
{
    test_exp_golomb();
    test_ue_limits();
    test_emulation_prevention();
    test_truncation();
    test_next_nal();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("bitreader: all checks passed\n");
    return 0;
}
