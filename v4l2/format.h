/* Stream configuration of a decoder fd: OUTPUT format, decode-mode and
 * start-code menus, optional initial controls, CAPTURE format.
 *
 * Shared by sessions and by CAPTURE allocation so both see the same CAPTURE
 * layout for the same stream.  The CAPTURE format is always re-read from the
 * kernel (G_FMT) after the OUTPUT side is set: nothing is cached across fds. */
#ifndef VKV4L2_V4L2_FORMAT_H
#define VKV4L2_V4L2_FORMAT_H

#include <stdint.h>

#include <linux/videodev2.h>

#include "err.h"

struct vkv4l2_stream_config {
    uint32_t codec;           /* OUTPUT fourcc, e.g. V4L2_PIX_FMT_H264_SLICE */
    uint32_t width, height;   /* coded extent */
    uint32_t bitstream_size;  /* OUTPUT sizeimage; 0 = vkv4l2_bitstream_size() */
    uint32_t capture_fourcc;  /* 0 = the driver's default for this stream */
    int decode_mode;          /* menu value, or -1 when the codec has none */
    int start_code;           /* menu value, or -1 when the codec has none */
    /* Set (not in a request) before the CAPTURE format is read, e.g. the
     * SPS, whose bit depth decides the CAPTURE formats on some drivers. */
    const struct v4l2_ext_control *init_ctrls;
    unsigned n_init_ctrls;
};

/* OUTPUT buffer size for a coded extent: half an 8-bit 4:2:0 frame, at
 * least 256 KiB, rounded up to 4 KiB.  Pure. */
uint32_t vkv4l2_bitstream_size(uint32_t width, uint32_t height);

/* Applies cfg to video_fd and returns the formats the kernel settled on.
 * Returns 0 or -errno (err names the ioctl).  -EINVAL also when the driver
 * replaced the requested codec or capture_fourcc with another format. */
int vkv4l2_format_configure(int video_fd, const struct vkv4l2_stream_config *cfg,
                            struct v4l2_pix_format_mplane *output,
                            struct v4l2_pix_format_mplane *capture, struct vkv4l2_err *err);

/* VIDIOC_S_EXT_CTRLS of n controls, into request_fd (>= 0) or the current
 * values (request_fd < 0).  ctrls is copied first: the kernel writes the
 * array back.  Returns 0 or -errno (err names the failing control when the
 * kernel says which). */
int vkv4l2_ctrls_set(int video_fd, int request_fd, const struct v4l2_ext_control *ctrls,
                     unsigned n, struct vkv4l2_err *err);

/* Sets one integer/menu control's current value. */
int vkv4l2_ctrl_set_int(int video_fd, uint32_t id, int32_t value, struct vkv4l2_err *err);

#endif
