/* Pure interpretation of probed capabilities, and device-path parsing. */
#include <errno.h>
#include <string.h>

#include "caps.h"
#include "check.h"
#include "devpath.h"

/* Caps of a healthy frame-based H.264 decoder, built from the codec table
 * so that the sizes are whatever this build uses. */
static struct vkv4l2_decoder_caps good_h264(void)
{
    struct vkv4l2_decoder_caps c = {0};
    const struct vkv4l2_codec_desc *d = vkv4l2_codec_find(V4L2_PIX_FMT_H264_SLICE);
    c.codec = V4L2_PIX_FMT_H264_SLICE;
    c.requests = true;
    c.n_capture_formats = 1;
    c.capture_formats[0] = V4L2_PIX_FMT_NV12;
    c.sizes = (struct vkv4l2_frame_sizes){true, 48, 1920, 16, 48, 1088, 16};
    for (unsigned i = 0; i < d->n_ctrls; i++) {
        c.ctrls[i].present = true;
        c.ctrls[i].elem_size = d->ctrls[i].elem_size;
    }
    c.decode_mode = (struct vkv4l2_menu_caps){true, 1u << VKV4L2_DECODE_MODE_FRAME_BASED, 1};
    c.start_code = (struct vkv4l2_menu_caps){true, 1u << VKV4L2_START_CODE_ANNEX_B, 1};
    return c;
}

static int ctrl_slot(uint32_t codec, uint32_t id)
{
    const struct vkv4l2_codec_desc *d = vkv4l2_codec_find(codec);
    for (unsigned i = 0; i < d->n_ctrls; i++)
        if (d->ctrls[i].id == id)
            return (int)i;
    return -1;
}

static void test_codec_table(void)
{
    const struct vkv4l2_codec_desc *h = vkv4l2_codec_find(V4L2_PIX_FMT_H264_SLICE);
    CHECK(h != NULL);
    CHECK(vkv4l2_codec_find(V4L2_PIX_FMT_HEVC_SLICE) != NULL);
    CHECK(vkv4l2_codec_find(V4L2_PIX_FMT_VP9_FRAME) != NULL);
    CHECK(vkv4l2_codec_find(V4L2_PIX_FMT_AV1_FRAME) != NULL);
    CHECK(vkv4l2_codec_find(V4L2_PIX_FMT_NV12) == NULL);
    int sps = ctrl_slot(V4L2_PIX_FMT_H264_SLICE, V4L2_CID_STATELESS_H264_SPS);
    CHECK(sps >= 0);
    CHECK_EQ(h->ctrls[sps].elem_size, sizeof(struct v4l2_ctrl_h264_sps));
    CHECK_EQ(vkv4l2_caps_max_dpb_slots(V4L2_PIX_FMT_H264_SLICE), 16);
    CHECK_EQ(vkv4l2_caps_max_dpb_slots(V4L2_PIX_FMT_NV12), 0);
    unsigned n = 0;
    while (vkv4l2_codec_at(n))
        n++;
    CHECK_EQ(n, 4);
}

static void test_usable(void)
{
    char why[256];
    struct vkv4l2_decoder_caps c = good_h264();
    CHECK_EQ(vkv4l2_caps_usable(&c, why, sizeof(why)), 0);

    /* ABI check: one control with a foreign size makes the codec unusable. */
    c = good_h264();
    int dp = ctrl_slot(c.codec, V4L2_CID_STATELESS_H264_DECODE_PARAMS);
    c.ctrls[dp].elem_size += 8;
    CHECK_EQ(vkv4l2_caps_usable(&c, why, sizeof(why)), -ENOTSUP);
    CHECK(strstr(why, "V4L2_CID_STATELESS_H264_DECODE_PARAMS") != NULL);
    CHECK(strstr(why, "elem_size") != NULL);

    /* Even an optional control with the wrong size. */
    c = good_h264();
    c.ctrls[ctrl_slot(c.codec, V4L2_CID_STATELESS_H264_SCALING_MATRIX)].elem_size = 1;
    CHECK_EQ(vkv4l2_caps_usable(&c, why, sizeof(why)), -ENOTSUP);

    /* Required control missing. */
    c = good_h264();
    c.ctrls[ctrl_slot(c.codec, V4L2_CID_STATELESS_H264_SPS)].present = false;
    CHECK_EQ(vkv4l2_caps_usable(&c, why, sizeof(why)), -ENOTSUP);
    CHECK(strstr(why, "SPS") != NULL);

    /* Optional and slice-mode-only controls may be absent. */
    c = good_h264();
    c.ctrls[ctrl_slot(c.codec, V4L2_CID_STATELESS_H264_SCALING_MATRIX)].present = false;
    c.ctrls[ctrl_slot(c.codec, V4L2_CID_STATELESS_H264_SLICE_PARAMS)].present = false;
    c.ctrls[ctrl_slot(c.codec, V4L2_CID_STATELESS_H264_PRED_WEIGHTS)].present = false;
    CHECK_EQ(vkv4l2_caps_usable(&c, why, sizeof(why)), 0);

    /* Slice-based only (cedrus-like): not usable by a frame-per-request driver. */
    c = good_h264();
    c.decode_mode.supported = 1u << VKV4L2_DECODE_MODE_SLICE_BASED;
    CHECK_EQ(vkv4l2_caps_usable(&c, why, sizeof(why)), -ENOTSUP);
    CHECK(strstr(why, "frame-based") != NULL);

    c = good_h264();
    c.decode_mode.present = false;
    CHECK_EQ(vkv4l2_caps_usable(&c, why, sizeof(why)), -ENOTSUP);

    c = good_h264();
    c.requests = false;
    CHECK_EQ(vkv4l2_caps_usable(&c, why, sizeof(why)), -ENOTSUP);

    c = good_h264();
    c.n_capture_formats = 0;
    CHECK_EQ(vkv4l2_caps_usable(&c, why, sizeof(why)), -ENOTSUP);

    c = good_h264();
    c.start_code.supported = 0;
    CHECK_EQ(vkv4l2_caps_usable(&c, why, sizeof(why)), -ENOTSUP);

    c = good_h264();
    c.codec = V4L2_PIX_FMT_NV12;
    CHECK_EQ(vkv4l2_caps_usable(&c, why, sizeof(why)), -ENOTSUP);
}

static void test_picks(void)
{
    int v = -5;
    struct vkv4l2_decoder_caps c = good_h264();
    c.decode_mode.supported = (1u << VKV4L2_DECODE_MODE_FRAME_BASED) |
                              (1u << VKV4L2_DECODE_MODE_SLICE_BASED);
    CHECK_EQ(vkv4l2_caps_pick_decode_mode(&c, &v), 0);
    CHECK_EQ(v, VKV4L2_DECODE_MODE_FRAME_BASED);

    c.start_code.supported = (1u << VKV4L2_START_CODE_NONE) | (1u << VKV4L2_START_CODE_ANNEX_B);
    CHECK_EQ(vkv4l2_caps_pick_start_code(&c, &v), 0);
    CHECK_EQ(v, VKV4L2_START_CODE_ANNEX_B);
    c.start_code.supported = 1u << VKV4L2_START_CODE_NONE;
    CHECK_EQ(vkv4l2_caps_pick_start_code(&c, &v), 0);
    CHECK_EQ(v, VKV4L2_START_CODE_NONE);
    c.start_code.present = false;
    CHECK_EQ(vkv4l2_caps_pick_start_code(&c, &v), -ENOTSUP);

    /* VP9 has neither menu. */
    struct vkv4l2_decoder_caps vp9 = {.codec = V4L2_PIX_FMT_VP9_FRAME};
    CHECK_EQ(vkv4l2_caps_pick_decode_mode(&vp9, &v), 0);
    CHECK_EQ(v, -1);
    CHECK_EQ(vkv4l2_caps_pick_start_code(&vp9, &v), 0);
    CHECK_EQ(v, -1);
}

static void test_extent_and_formats(void)
{
    struct vkv4l2_decoder_caps c = good_h264();
    CHECK(vkv4l2_caps_extent_supported(&c, 1920, 1088));
    CHECK(vkv4l2_caps_extent_supported(&c, 48, 48));
    CHECK(!vkv4l2_caps_extent_supported(&c, 1921, 1088));
    CHECK(!vkv4l2_caps_extent_supported(&c, 1920, 1089));
    CHECK(!vkv4l2_caps_extent_supported(&c, 32, 64));
    c.sizes.known = false;
    CHECK(vkv4l2_caps_extent_supported(&c, 8192, 8192));
    CHECK(vkv4l2_caps_has_capture_format(&c, V4L2_PIX_FMT_NV12));
    CHECK(!vkv4l2_caps_has_capture_format(&c, V4L2_PIX_FMT_NV12M));

    char why[128];
    CHECK_EQ(vkv4l2_caps_decodable(&c, V4L2_PIX_FMT_NV12, why, sizeof(why)), 0);
    CHECK_EQ(vkv4l2_caps_decodable(&c, V4L2_PIX_FMT_NV12M, why, sizeof(why)), -ENOTSUP);
    CHECK(strstr(why, "NM12") != NULL);
    c.requests = false; /* unusable comes first */
    CHECK_EQ(vkv4l2_caps_decodable(&c, V4L2_PIX_FMT_NV12, why, sizeof(why)), -ENOTSUP);
}

static void test_device_caps(void)
{
    char why[128];
    struct v4l2_capability cap = {0};
    cap.capabilities = V4L2_CAP_DEVICE_CAPS | V4L2_CAP_VIDEO_M2M_MPLANE | V4L2_CAP_STREAMING;
    cap.device_caps = V4L2_CAP_VIDEO_M2M_MPLANE | V4L2_CAP_STREAMING;
    CHECK_EQ(vkv4l2_caps_check_device(&cap, why, sizeof(why)), 0);
    cap.device_caps = V4L2_CAP_VIDEO_M2M | V4L2_CAP_STREAMING; /* single-planar */
    CHECK_EQ(vkv4l2_caps_check_device(&cap, why, sizeof(why)), -ENOTSUP);
    cap.device_caps = V4L2_CAP_VIDEO_M2M_MPLANE;
    CHECK_EQ(vkv4l2_caps_check_device(&cap, why, sizeof(why)), -ENOTSUP);
    /* Without DEVICE_CAPS the capabilities field counts. */
    cap.capabilities = V4L2_CAP_VIDEO_M2M_MPLANE | V4L2_CAP_STREAMING;
    cap.device_caps = 0;
    CHECK_EQ(vkv4l2_caps_check_device(&cap, why, sizeof(why)), 0);
}

static void test_devpath(void)
{
    enum vkv4l2_devpath_kind kind;
    unsigned n;
    CHECK_EQ(vkv4l2_devpath_parse("/dev/media3", &kind, &n), 0);
    CHECK_EQ(kind, VKV4L2_DEVPATH_MEDIA);
    CHECK_EQ(n, 3);
    CHECK_EQ(vkv4l2_devpath_parse("/dev/video12", &kind, &n), 0);
    CHECK_EQ(kind, VKV4L2_DEVPATH_VIDEO);
    CHECK_EQ(n, 12);
    CHECK_EQ(vkv4l2_devpath_parse("/dev/video", &kind, &n), -EINVAL);
    CHECK_EQ(vkv4l2_devpath_parse("/dev/video1x", &kind, &n), -EINVAL);
    CHECK_EQ(vkv4l2_devpath_parse("/dev/video-1", &kind, &n), -EINVAL);
    CHECK_EQ(vkv4l2_devpath_parse("/dev/dri/card0", &kind, &n), -EINVAL);
    CHECK_EQ(vkv4l2_devpath_parse("video1", &kind, &n), -EINVAL);
    CHECK_EQ(vkv4l2_devpath_parse("", &kind, &n), -EINVAL);
    CHECK_EQ(vkv4l2_devpath_parse(NULL, &kind, &n), -EINVAL);
    char buf[16];
    CHECK_EQ(vkv4l2_devpath_format(VKV4L2_DEVPATH_VIDEO, 255, buf, sizeof(buf)), 0);
    CHECK(strcmp(buf, "/dev/video255") == 0);
    CHECK_EQ(vkv4l2_devpath_format(VKV4L2_DEVPATH_MEDIA, 1, buf, 6), -ENAMETOOLONG);
}

int main(void)
{
    test_codec_table();
    test_usable();
    test_picks();
    test_extent_and_formats();
    test_device_caps();
    test_devpath();
    return check_result("test_caps");
}
