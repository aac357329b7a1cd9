/* Probing against a device: whatever it reports must be self-consistent and
 * usable for H.264; nothing device-specific is expected. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "check.h"
#include "devtest.h"
#include "sys.h"

int main(void)
{
    struct devtest t;
    int ret = devtest_init(&t);
    if (ret)
        return ret;
    const struct vkv4l2_device_caps *dev = &t.probe.device;
    CHECK(dev->driver[0] != '\0');
    CHECK(dev->device_caps & V4L2_CAP_VIDEO_M2M_MPLANE);
    CHECK(dev->device_caps & V4L2_CAP_STREAMING);
    bool listed = false;
    for (unsigned i = 0; i < dev->n_output_formats; i++)
        listed |= dev->output_formats[i] == V4L2_PIX_FMT_H264_SLICE;
    CHECK(listed);

    const struct vkv4l2_decoder_caps *c = t.h264;
    const struct vkv4l2_codec_desc *desc = vkv4l2_codec_find(V4L2_PIX_FMT_H264_SLICE);
    CHECK(c->requests);
    CHECK(c->n_capture_formats >= 1);
    for (unsigned i = 0; i < desc->n_ctrls; i++)
        if (c->ctrls[i].present)
            CHECK_EQ(c->ctrls[i].elem_size, desc->ctrls[i].elem_size);
    int mode, sc;
    CHECK_EQ(vkv4l2_caps_pick_decode_mode(c, &mode), 0);
    CHECK_EQ(mode, VKV4L2_DECODE_MODE_FRAME_BASED);
    CHECK_EQ(vkv4l2_caps_pick_start_code(c, &sc), 0);
    CHECK(sc == VKV4L2_START_CODE_ANNEX_B || sc == VKV4L2_START_CODE_NONE);
    if (c->sizes.known) {
        CHECK(c->sizes.min_width <= c->sizes.max_width);
        CHECK(c->sizes.min_height <= c->sizes.max_height);
        CHECK(vkv4l2_caps_extent_supported(c, t.width, t.height));
        CHECK(!vkv4l2_caps_extent_supported(c, c->sizes.max_width + 1, c->sizes.max_height));
    }
    fprintf(stderr, "%s: %u CAPTURE formats, sizes %ux%u..%ux%u, decode mode 0x%x, start code 0x%x\n",
            dev->card, c->n_capture_formats, c->sizes.min_width, c->sizes.min_height,
            c->sizes.max_width, c->sizes.max_height, c->decode_mode.supported,
            c->start_code.supported);

    /* Errors come back as -errno with context. */
    struct vkv4l2_probe_result r;
    struct vkv4l2_err err = {0};
    CHECK_EQ(vkv4l2_probe("/dev/video-none", &r, &err), -ENOENT);
    CHECK(strstr(err.what, "/dev/video-none") != NULL);
    int fd = vkv4l2_sys_open(t.node.video_path, O_RDWR | O_NONBLOCK);
    CHECK(fd >= 0);
    struct vkv4l2_decoder_caps dc;
    CHECK_EQ(vkv4l2_probe_codec(fd, V4L2_PIX_FMT_NV12, &dc, &err), -EINVAL);
    /* Probing twice on one fd gives the same answer (no hidden state). */
    CHECK_EQ(vkv4l2_probe_codec(fd, V4L2_PIX_FMT_H264_SLICE, &dc, &err), 0);
    CHECK(memcmp(&dc, c, sizeof(dc)) == 0);
    vkv4l2_sys_close(fd);
    return check_result("test_probe");
}
