/* Probing a decoder's video node: device capabilities, codecs, CAPTURE
 * formats, frame sizes, stateless controls (with the elem_size ABI check
 * made by caps.c) and the decode-mode / start-code menus.
 *
 * Results are plain structs (caps.h); deciding what they mean is left to the
 * pure functions there. */
#ifndef VKV4L2_V4L2_PROBE_H
#define VKV4L2_V4L2_PROBE_H

#include <stdint.h>

#include "caps.h"
#include "err.h"

#define VKV4L2_MAX_PROBED_CODECS 4

struct vkv4l2_device_caps {
    char driver[16];
    char card[32];
    char bus_info[32];
    uint32_t device_caps;                      /* effective capability bits */
    unsigned n_output_formats;                 /* every OUTPUT format listed */
    uint32_t output_formats[VKV4L2_MAX_FORMATS];
};

struct vkv4l2_probe_result {
    struct vkv4l2_device_caps device;
    unsigned n_codecs; /* the known codecs (caps.h) the device lists */
    struct vkv4l2_decoder_caps codecs[VKV4L2_MAX_PROBED_CODECS];
};

/* VIDIOC_QUERYCAP (M2M MPLANE + STREAMING required: -ENOTSUP otherwise) and
 * ENUM_FMT on OUTPUT_MPLANE. */
int vkv4l2_probe_device(int video_fd, struct vkv4l2_device_caps *out, struct vkv4l2_err *err);

/* Everything about one codec.  Sets the OUTPUT format on video_fd (use a
 * private fd), reads CAPTURE formats, ENUM_FRAMESIZES, QUERY_EXT_CTRL of
 * the codec's controls and QUERYMENU of its menus.  A missing control or an
 * unanswered ENUM_FRAMESIZES is recorded, not an error. */
int vkv4l2_probe_codec(int video_fd, uint32_t codec, struct vkv4l2_decoder_caps *out,
                       struct vkv4l2_err *err);

/* Opens video_path, probes the device and every known codec it lists,
 * closes.  Returns 0 or -errno. */
int vkv4l2_probe(const char *video_path, struct vkv4l2_probe_result *out,
                 struct vkv4l2_err *err);

/* The probed caps of codec in r, or NULL. */
const struct vkv4l2_decoder_caps *vkv4l2_probe_find_codec(const struct vkv4l2_probe_result *r,
                                                          uint32_t codec);

#endif
