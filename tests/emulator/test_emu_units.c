/* Unit tests of the emulator's pure parts: settings parsing, the bit
 * writer and NAL packaging, hantro's format arithmetic, control
 * validation, decode-order reconstruction per IDR epoch. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "emu_ctrls.h"
#include "emu_fmt.h"
#include "emu_gop.h"
#include "emu_h264_rbsp.h"
#include "emu_settings.h"

static int failures;
#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                               \
        }                                                                             \
    } while (0)

static void test_settings(void)
{
    struct emu_settings s;
    CHECK(emu_settings_parse(&s, NULL, NULL, NULL, NULL, NULL) == 0);
    CHECK(s.decode_us == 2000 && s.mode == EMU_MODE_PIXELS && s.dec_media == 2 && s.dec_video == 5);
    CHECK(s.cam_media != s.dec_media && s.cam_video != s.dec_video);
    CHECK(emu_settings_parse(&s, "150", "pattern", "error:3,eio:2,hang:7", "4:9,3:8", "/tmp/r") == 0);
    CHECK(s.decode_us == 150 && s.mode == EMU_MODE_PATTERN);
    CHECK(s.fault_error_decode == 3 && s.fault_eio_queue == 2 && s.fault_hang_decode == 7);
    CHECK(s.dec_media == 4 && s.dec_video == 9 && s.cam_media == 3 && s.cam_video == 8);
    CHECK(!strcmp(s.report_path, "/tmp/r"));
    CHECK(emu_settings_parse(&s, "12x", NULL, NULL, NULL, NULL) == -EINVAL && s.decode_us == 2000);
    CHECK(emu_settings_parse(&s, NULL, "fast", NULL, NULL, NULL) == -EINVAL);
    CHECK(emu_settings_parse(&s, NULL, NULL, "explode:1", NULL, NULL) == -EINVAL);
    CHECK(emu_settings_parse(&s, NULL, NULL, NULL, "2:5,2:6", NULL) == -EINVAL);
}

static void test_bitwriter(void)
{
    uint8_t buf[16];
    struct emu_bitwriter bw;
    emu_bw_init(&bw, buf, sizeof(buf));
    /* ue: 0 -> 1, 1 -> 010, 2 -> 011, 7 -> 0001000; se: -1 -> 011, 2 -> 00100 */
    emu_bw_ue(&bw, 0);
    emu_bw_ue(&bw, 1);
    emu_bw_ue(&bw, 2);
    emu_bw_ue(&bw, 7);
    emu_bw_se(&bw, -1);
    emu_bw_se(&bw, 2);
    /* 1 010 011 0001000 011 00100 = 22 bits, then stop bit + 1 zero pad */
    CHECK(bw.bits == 22);
    CHECK(emu_bw_trailing(&bw) == 3);
    CHECK(buf[0] == 0xA6 && buf[1] == 0x21 && buf[2] == 0x92);
    emu_bw_init(&bw, buf, 1);
    emu_bw_bits(&bw, 0x1ff, 9);
    CHECK(bw.overflow);

    /* Emulation prevention: 00 00 0x (x <= 3) gets a 03. */
    const uint8_t rbsp[] = {0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04};
    uint8_t nal[32];
    int n = emu_h264_nal(0x67, rbsp, sizeof(rbsp), nal, sizeof(nal));
    const uint8_t want[] = {0, 0, 0, 1, 0x67, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x03,
                            0x00, 0x00, 0x03, 0x00, 0x04};
    CHECK(n == (int)sizeof(want) && !memcmp(nal, want, sizeof(want)));
    CHECK(emu_h264_nal(0x67, rbsp, sizeof(rbsp), nal, 8) == -ENOSPC);
}

static void test_formats(void)
{
    CHECK(emu_h264_mv_size(1920, 1088) == 64 * 120 * 68 + 32);
    struct v4l2_pix_format_mplane src = {.width = 1920, .height = 1080}, dst = {0};
    emu_try_fmt_out(&src);
    CHECK(src.width == 1920 && src.height == 1088 && src.plane_fmt[0].sizeimage == 1920 * 1088 * 2);
    dst.plane_fmt[0].bytesperline = 4096;
    emu_try_fmt_cap(&dst, &src);
    CHECK(dst.plane_fmt[0].bytesperline == 1920 && dst.height == 1088);
    CHECK(dst.plane_fmt[0].sizeimage == 1920 * 1088 * 3 / 2 + emu_h264_mv_size(1920, 1088));
    src = (struct v4l2_pix_format_mplane){.width = 8000, .height = 10};
    emu_try_fmt_out(&src);
    CHECK(src.width == 1920 && src.height == 48);
}

static void test_ctrl_validation(void)
{
    struct v4l2_ctrl_h264_sps sps = {.profile_idc = 66, .chroma_format_idc = 3,
                                     .pic_order_cnt_type = 2,
                                     .log2_max_pic_order_cnt_lsb_minus4 = 5};
    sps.flags = V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY | V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD;
    CHECK(emu_ctrl_validate_compound(V4L2_CID_STATELESS_H264_SPS, &sps) == 0);
    /* Normalised like the kernel: no chroma syntax below High, no MBAFF
     * with frame_mbs_only, no POC lsb length outside type 0. */
    CHECK(sps.chroma_format_idc == 1 && sps.log2_max_pic_order_cnt_lsb_minus4 == 0);
    CHECK(!(sps.flags & V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD));
    sps.max_num_ref_frames = 33;
    CHECK(emu_ctrl_validate_compound(V4L2_CID_STATELESS_H264_SPS, &sps) == -EINVAL);
    struct v4l2_ctrl_h264_decode_params dp = {.nal_ref_idc = 4};
    CHECK(emu_ctrl_validate_compound(V4L2_CID_STATELESS_H264_DECODE_PARAMS, &dp) == -EINVAL);
    struct v4l2_ctrl_h264_pps pps = {.weighted_bipred_idc = 3};
    CHECK(emu_ctrl_validate_compound(V4L2_CID_STATELESS_H264_PPS, &pps) == -EINVAL);
    pps.weighted_bipred_idc = 2;
    pps.chroma_qp_index_offset = -12;
    CHECK(emu_ctrl_validate_compound(V4L2_CID_STATELESS_H264_PPS, &pps) == 0);
    /* Atomic set: one bad control leaves the store untouched. */
    struct emu_ctrl_store store;
    emu_ctrls_init(&store);
    struct v4l2_ctrl_h264_pps bad = {.num_slice_groups_minus1 = 8};
    struct v4l2_ext_control c[2] = {
        {.id = V4L2_CID_STATELESS_H264_PPS, .size = sizeof(pps), .ptr = &pps},
        {.id = V4L2_CID_STATELESS_H264_PPS, .size = sizeof(bad), .ptr = &bad},
    };
    struct v4l2_ext_controls cs = {.count = 2, .controls = c};
    CHECK(emu_ctrls_set(&store, &cs) == -EINVAL && cs.error_idx == 1 && store.set_mask == 0);
    cs.count = 1;
    CHECK(emu_ctrls_set(&store, &cs) == 0 && store.set_mask == EMU_CTRL_BIT(EMU_CTRL_PPS));
}

/* Adds a picture (timestamp = ts, references = NULL-terminated-by-0 list)
 * to g; returns its position in its epoch, or the error; *idr = epoch key. */
static long gop_add(struct emu_gops *g, uint64_t ts, bool idr, bool reference, unsigned frame_num,
                    const uint64_t *refs, uint64_t *epoch_key)
{
    struct emu_gop_picture pic = {.ts = ts, .idr = idr, .reference = reference,
                                  .frame_num = (uint16_t)frame_num, .max_frame_num = 16};
    while (refs && refs[pic.nrefs])
        pic.ref_ts[pic.nrefs] = refs[pic.nrefs], pic.nrefs++;
    struct emu_epoch *e = NULL;
    size_t pos = 0;
    char why[256];
    int ret = emu_gops_add(g, &pic, NULL, 0, &e, &pos, why, sizeof(why));
    if (ret < 0)
        return ret;
    if (epoch_key)
        *epoch_key = e->idr_ts;
    return (long)pos;
}

/* The epoch keyed by key, as timestamps in decode order. */
static size_t gop_order(const struct emu_gops *g, uint64_t key, uint64_t *ts, size_t max)
{
    for (unsigned i = 0; i < g->count; i++) {
        const struct emu_epoch *e = &g->epochs[i];
        if (e->idr_ts != key)
            continue;
        for (size_t j = 0; j < e->n && j < max; j++)
            ts[j] = e->aus[j].ts;
        return e->n;
    }
    return 0;
}

static void test_gop_order(void)
{
    struct emu_gops g = {0};
    uint64_t key = 0, ts[32];
    /* GOP 100: I0 P1(fn1) b(fn2) P2(fn2) b(fn3) b(fn3) P3(fn3), queued
     * P2 before the b it does not reference, the two b's of fn 3 after
     * P3, and the next IDR (200) before the last b. */
    CHECK(gop_add(&g, 100, true, true, 0, NULL, &key) == 0 && key == 100);
    CHECK(gop_add(&g, 110, false, true, 1, (uint64_t[]){100, 0}, &key) == 1 && key == 100);
    CHECK(gop_add(&g, 130, false, true, 2, (uint64_t[]){110, 100, 0}, &key) == 2);
    CHECK(gop_add(&g, 120, false, false, 2, (uint64_t[]){110, 100, 0}, &key) == 2 && key == 100);
    CHECK(gop_add(&g, 160, false, true, 3, (uint64_t[]){130, 110, 0}, &key) == 4);
    CHECK(gop_add(&g, 140, false, false, 3, (uint64_t[]){130, 110, 0}, &key) == 4);
    CHECK(gop_add(&g, 200, true, true, 0, NULL, &key) == 0 && key == 200);
    CHECK(gop_add(&g, 210, false, true, 1, (uint64_t[]){200, 0}, &key) == 1 && key == 200);
    /* The old GOP's last b still joins its own epoch, after its twin. */
    CHECK(gop_add(&g, 150, false, false, 3, (uint64_t[]){160, 130, 0}, &key) == 5 && key == 100);
    CHECK(gop_order(&g, 100, ts, 32) == 7);
    const uint64_t want[] = {100, 110, 120, 130, 140, 150, 160};
    CHECK(!memcmp(ts, want, sizeof(want)));
    /* Strictness: an unknown reference, references in two epochs. */
    CHECK(gop_add(&g, 300, false, true, 2, (uint64_t[]){999, 0}, NULL) == -ENOENT);
    CHECK(gop_add(&g, 300, false, true, 2, (uint64_t[]){210, 160, 0}, NULL) == -EXDEV);
    /* An I picture without references joins the newest epoch. */
    CHECK(gop_add(&g, 220, false, true, 2, NULL, &key) == 2 && key == 200);
    /* A timestamp decoded again replaces its access unit. */
    CHECK(gop_add(&g, 220, false, true, 2, (uint64_t[]){210, 0}, &key) == 2 && key == 200);
    CHECK(gop_order(&g, 200, ts, 32) == 3);
    emu_gops_clear(&g);

    /* frame_num wraps at MaxFrameNum 16: a chain of 20 reference P's, the
     * last non-reference picture queued before the last two P's. */
    CHECK(gop_add(&g, 1000, true, true, 0, NULL, NULL) == 0);
    for (unsigned k = 1; k < 20; k++)
        CHECK(gop_add(&g, 1000 + k, false, true, k % 16, (uint64_t[]){999 + k, 0}, NULL) == (long)k);
    CHECK(gop_add(&g, 2000, false, false, 20 % 16, (uint64_t[]){1019, 0}, NULL) == 20);
    CHECK(gop_add(&g, 1020, false, true, 20 % 16, (uint64_t[]){1019, 0}, NULL) == 21);
    CHECK(gop_add(&g, 1021, false, true, 21 % 16, (uint64_t[]){1020, 0}, NULL) == 22);
    /* A reference-less picture unwraps near the epoch's last arrival. */
    CHECK(gop_add(&g, 3000, false, false, 22 % 16, NULL, NULL) == 23);
    emu_gops_clear(&g);

    /* Only the last EMU_GOP_EPOCHS epochs are kept. */
    for (unsigned k = 0; k <= EMU_GOP_EPOCHS; k++)
        CHECK(gop_add(&g, 5000 + 100 * k, true, true, 0, NULL, NULL) == 0);
    CHECK(g.count == EMU_GOP_EPOCHS);
    CHECK(gop_add(&g, 5001, false, true, 1, (uint64_t[]){5000, 0}, NULL) == -ENOENT);
    CHECK(gop_add(&g, 5101, false, true, 1, (uint64_t[]){5100, 0}, &key) == 1 && key == 5100);
    emu_gops_clear(&g);
}

int main(void)
{
    test_settings();
    test_bitwriter();
    test_formats();
    test_ctrl_validation();
    test_gop_order();
    if (failures) {
        fprintf(stderr, "test_emu_units: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_emu_units: all checks passed\n");
    return 0;
}
