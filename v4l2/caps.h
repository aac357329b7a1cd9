/* What a stateless decoder offers for one codec, and what we make of it.
 *
 * probe.c fills these plain structs from the device; everything here is a
 * pure function of them (unit-tested without a device): the codec tables
 * (controls and the struct sizes we were compiled with), the usability
 * verdict with its reason, the decode-mode / start-code choice, extent
 * limits and DPB size. */
#ifndef VKV4L2_V4L2_CAPS_H
#define VKV4L2_V4L2_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/videodev2.h>

#define VKV4L2_MAX_CODEC_CTRLS 8
#define VKV4L2_MAX_FORMATS 32

enum vkv4l2_ctrl_need {
    VKV4L2_CTRL_REQUIRED,        /* no decode without it */
    VKV4L2_CTRL_SLICE_MODE_ONLY, /* needed only in slice-based mode */
    VKV4L2_CTRL_OPTIONAL,        /* used when present */
};

struct vkv4l2_codec_ctrl_desc {
    uint32_t id;
    const char *name;
    uint32_t elem_size; /* sizeof() of our vendored uAPI struct */
    enum vkv4l2_ctrl_need need;
};

struct vkv4l2_codec_desc {
    uint32_t fourcc; /* OUTPUT pixel format, e.g. V4L2_PIX_FMT_H264_SLICE */
    const char *name;
    uint32_t decode_mode_cid; /* 0 when the codec has no such menu */
    uint32_t start_code_cid;  /* 0 when the codec has no such menu */
    unsigned max_dpb_slots;   /* reference slots the controls can carry */
    unsigned n_ctrls;
    struct vkv4l2_codec_ctrl_desc ctrls[VKV4L2_MAX_CODEC_CTRLS];
};

/* Menu values, shared by the H.264 and HEVC menus (equal in the uAPI). */
#define VKV4L2_DECODE_MODE_SLICE_BASED 0
#define VKV4L2_DECODE_MODE_FRAME_BASED 1
#define VKV4L2_START_CODE_NONE 0
#define VKV4L2_START_CODE_ANNEX_B 1

/* The codecs we know (H.264 implemented; HEVC, VP9, AV1 recognised). */
const struct vkv4l2_codec_desc *vkv4l2_codec_find(uint32_t fourcc);
const struct vkv4l2_codec_desc *vkv4l2_codec_at(unsigned index); /* NULL past the end */

struct vkv4l2_ctrl_caps {
    bool present;        /* VIDIOC_QUERY_EXT_CTRL succeeded */
    uint32_t type;       /* V4L2_CTRL_TYPE_* */
    uint32_t elem_size;  /* as the kernel reports it */
    uint32_t elems;
    uint32_t nr_of_dims;
    uint32_t dims[V4L2_CTRL_MAX_DIMS];
    uint32_t flags;      /* V4L2_CTRL_FLAG_* (DYNAMIC_ARRAY...) */
};

struct vkv4l2_menu_caps {
    bool present;
    uint32_t supported; /* bit i set: QUERYMENU accepted index i */
    int64_t def;
};

struct vkv4l2_frame_sizes {
    bool known; /* ENUM_FRAMESIZES answered */
    uint32_t min_width, max_width, step_width;
    uint32_t min_height, max_height, step_height;
};

struct vkv4l2_decoder_caps {
    uint32_t codec;                /* OUTPUT fourcc */
    bool requests;                 /* OUTPUT queue: V4L2_BUF_CAP_SUPPORTS_REQUESTS */
    struct vkv4l2_frame_sizes sizes;
    unsigned n_capture_formats;    /* CAPTURE formats offered for this codec */
    uint32_t capture_formats[VKV4L2_MAX_FORMATS];
    struct vkv4l2_ctrl_caps ctrls[VKV4L2_MAX_CODEC_CTRLS]; /* as in the codec desc */
    struct vkv4l2_menu_caps decode_mode, start_code;
};

/* Device-level requirements: M2M multiplanar and streaming I/O (device_caps
 * when V4L2_CAP_DEVICE_CAPS is set, else capabilities).  Returns 0 or
 * -ENOTSUP with a reason in why. */
int vkv4l2_caps_check_device(const struct v4l2_capability *cap, char *why, size_t why_size);

/* Can we decode this codec on it?  Needs the decode mode we drive
 * (frame-based), a start-code setting we can honour, requests on OUTPUT,
 * every required control, and every present control's elem_size equal to
 * the struct we were built with (a mismatch means a uAPI we do not speak:
 * the codec is unusable rather than fed garbage).  Returns 0, or -ENOTSUP
 * with a human-readable reason in why. */
int vkv4l2_caps_usable(const struct vkv4l2_decoder_caps *caps, char *why, size_t why_size);

/* Decode mode to set, or -1 for codecs without the menu.  We drive one
 * request per frame, so only FRAME_BASED qualifies.  Returns 0 or -ENOTSUP. */
int vkv4l2_caps_pick_decode_mode(const struct vkv4l2_decoder_caps *caps, int *mode);

/* Start code to set, or -1 for codecs without the menu.  ANNEX_B when
 * offered (Vulkan bitstreams carry 00 00 01 before each slice); else NONE,
 * and the caller must strip start codes.  Returns 0 or -ENOTSUP. */
int vkv4l2_caps_pick_start_code(const struct vkv4l2_decoder_caps *caps, int *start_code);

/* Coded extent within ENUM_FRAMESIZES limits (true when unknown). */
bool vkv4l2_caps_extent_supported(const struct vkv4l2_decoder_caps *caps, uint32_t width,
                                  uint32_t height);

/* Reference slots the codec's controls can carry (H.264: 16). */
unsigned vkv4l2_caps_max_dpb_slots(uint32_t codec);

/* Whether caps offers CAPTURE format fourcc. */
bool vkv4l2_caps_has_capture_format(const struct vkv4l2_decoder_caps *caps, uint32_t fourcc);

/* What the layer needs to decode with it: vkv4l2_caps_usable() and the
 * CAPTURE format it produces.  Returns 0 or -ENOTSUP with why. */
int vkv4l2_caps_decodable(const struct vkv4l2_decoder_caps *caps, uint32_t capture_fourcc,
                          char *why, size_t why_size);

#endif
