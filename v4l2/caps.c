/* Codec tables and the pure interpretation of probed capabilities. */
#include "caps.h"

#include <errno.h>
#include <stdio.h>

#define CTRL(cid, type, need) {cid, #cid, sizeof(struct type), need}

static const struct vkv4l2_codec_desc codecs[] = {
    {
        .fourcc = V4L2_PIX_FMT_H264_SLICE,
        .name = "H.264",
        .decode_mode_cid = V4L2_CID_STATELESS_H264_DECODE_MODE,
        .start_code_cid = V4L2_CID_STATELESS_H264_START_CODE,
        .max_dpb_slots = V4L2_H264_NUM_DPB_ENTRIES,
        .n_ctrls = 6,
        .ctrls = {
            CTRL(V4L2_CID_STATELESS_H264_SPS, v4l2_ctrl_h264_sps, VKV4L2_CTRL_REQUIRED),
            CTRL(V4L2_CID_STATELESS_H264_PPS, v4l2_ctrl_h264_pps, VKV4L2_CTRL_REQUIRED),
            CTRL(V4L2_CID_STATELESS_H264_DECODE_PARAMS, v4l2_ctrl_h264_decode_params,
                 VKV4L2_CTRL_REQUIRED),
            CTRL(V4L2_CID_STATELESS_H264_SCALING_MATRIX, v4l2_ctrl_h264_scaling_matrix,
                 VKV4L2_CTRL_OPTIONAL),
            CTRL(V4L2_CID_STATELESS_H264_SLICE_PARAMS, v4l2_ctrl_h264_slice_params,
                 VKV4L2_CTRL_SLICE_MODE_ONLY),
            CTRL(V4L2_CID_STATELESS_H264_PRED_WEIGHTS, v4l2_ctrl_h264_pred_weights,
                 VKV4L2_CTRL_SLICE_MODE_ONLY),
        },
    },
    {
        .fourcc = V4L2_PIX_FMT_HEVC_SLICE,
        .name = "HEVC",
        .decode_mode_cid = V4L2_CID_STATELESS_HEVC_DECODE_MODE,
        .start_code_cid = V4L2_CID_STATELESS_HEVC_START_CODE,
        .max_dpb_slots = V4L2_HEVC_DPB_ENTRIES_NUM_MAX,
        .n_ctrls = 5,
        .ctrls = {
            CTRL(V4L2_CID_STATELESS_HEVC_SPS, v4l2_ctrl_hevc_sps, VKV4L2_CTRL_REQUIRED),
            CTRL(V4L2_CID_STATELESS_HEVC_PPS, v4l2_ctrl_hevc_pps, VKV4L2_CTRL_REQUIRED),
            CTRL(V4L2_CID_STATELESS_HEVC_DECODE_PARAMS, v4l2_ctrl_hevc_decode_params,
                 VKV4L2_CTRL_REQUIRED),
            CTRL(V4L2_CID_STATELESS_HEVC_SCALING_MATRIX, v4l2_ctrl_hevc_scaling_matrix,
                 VKV4L2_CTRL_OPTIONAL),
            /* Frame-based drivers (rkvdec) still read it when they have it. */
            CTRL(V4L2_CID_STATELESS_HEVC_SLICE_PARAMS, v4l2_ctrl_hevc_slice_params,
                 VKV4L2_CTRL_OPTIONAL),
        },
    },
    {
        .fourcc = V4L2_PIX_FMT_VP9_FRAME,
        .name = "VP9",
        .max_dpb_slots = 8, /* VP9 NUM_REF_FRAMES */
        .n_ctrls = 2,
        .ctrls = {
            CTRL(V4L2_CID_STATELESS_VP9_FRAME, v4l2_ctrl_vp9_frame, VKV4L2_CTRL_REQUIRED),
            CTRL(V4L2_CID_STATELESS_VP9_COMPRESSED_HDR, v4l2_ctrl_vp9_compressed_hdr,
                 VKV4L2_CTRL_OPTIONAL),
        },
    },
    {
        .fourcc = V4L2_PIX_FMT_AV1_FRAME,
        .name = "AV1",
        .max_dpb_slots = V4L2_AV1_TOTAL_REFS_PER_FRAME,
        .n_ctrls = 4,
        .ctrls = {
            CTRL(V4L2_CID_STATELESS_AV1_SEQUENCE, v4l2_ctrl_av1_sequence, VKV4L2_CTRL_REQUIRED),
            CTRL(V4L2_CID_STATELESS_AV1_FRAME, v4l2_ctrl_av1_frame, VKV4L2_CTRL_REQUIRED),
            CTRL(V4L2_CID_STATELESS_AV1_TILE_GROUP_ENTRY, v4l2_ctrl_av1_tile_group_entry,
                 VKV4L2_CTRL_REQUIRED),
            CTRL(V4L2_CID_STATELESS_AV1_FILM_GRAIN, v4l2_ctrl_av1_film_grain,
                 VKV4L2_CTRL_OPTIONAL),
        },
    },
};

const struct vkv4l2_codec_desc *vkv4l2_codec_at(unsigned index)
{
    return index < sizeof(codecs) / sizeof(codecs[0]) ? &codecs[index] : NULL;
}

const struct vkv4l2_codec_desc *vkv4l2_codec_find(uint32_t fourcc)
{
    for (unsigned i = 0; vkv4l2_codec_at(i); i++)
        if (codecs[i].fourcc == fourcc)
            return &codecs[i];
    return NULL;
}

int vkv4l2_caps_check_device(const struct v4l2_capability *cap, char *why, size_t why_size)
{
    uint32_t caps = (cap->capabilities & V4L2_CAP_DEVICE_CAPS) ? cap->device_caps
                                                               : cap->capabilities;
    if (!(caps & V4L2_CAP_VIDEO_M2M_MPLANE)) {
        snprintf(why, why_size, "not a multiplanar mem2mem device (caps 0x%08x)", caps);
        return -ENOTSUP;
    }
    if (!(caps & V4L2_CAP_STREAMING)) {
        snprintf(why, why_size, "no streaming I/O (caps 0x%08x)", caps);
        return -ENOTSUP;
    }
    return 0;
}

static bool menu_has(const struct vkv4l2_menu_caps *m, int value)
{
    return m->present && value >= 0 && value < 32 && (m->supported & (1u << value));
}

int vkv4l2_caps_pick_decode_mode(const struct vkv4l2_decoder_caps *caps, int *mode)
{
    const struct vkv4l2_codec_desc *codec = vkv4l2_codec_find(caps->codec);
    if (!codec)
        return -ENOTSUP;
    if (!codec->decode_mode_cid) {
        *mode = -1;
        return 0;
    }
    if (!menu_has(&caps->decode_mode, VKV4L2_DECODE_MODE_FRAME_BASED))
        return -ENOTSUP;
    *mode = VKV4L2_DECODE_MODE_FRAME_BASED;
    return 0;
}

int vkv4l2_caps_pick_start_code(const struct vkv4l2_decoder_caps *caps, int *start_code)
{
    const struct vkv4l2_codec_desc *codec = vkv4l2_codec_find(caps->codec);
    if (!codec)
        return -ENOTSUP;
    if (!codec->start_code_cid) {
        *start_code = -1;
        return 0;
    }
    if (menu_has(&caps->start_code, VKV4L2_START_CODE_ANNEX_B))
        *start_code = VKV4L2_START_CODE_ANNEX_B;
    else if (menu_has(&caps->start_code, VKV4L2_START_CODE_NONE))
        *start_code = VKV4L2_START_CODE_NONE;
    else
        return -ENOTSUP;
    return 0;
}

int vkv4l2_caps_usable(const struct vkv4l2_decoder_caps *caps, char *why, size_t why_size)
{
    const struct vkv4l2_codec_desc *codec = vkv4l2_codec_find(caps->codec);
    if (!codec) {
        snprintf(why, why_size, "unknown codec fourcc 0x%08x", caps->codec);
        return -ENOTSUP;
    }
    if (!caps->requests) {
        snprintf(why, why_size, "%s: OUTPUT queue does not support requests", codec->name);
        return -ENOTSUP;
    }
    if (caps->n_capture_formats == 0) {
        snprintf(why, why_size, "%s: no CAPTURE format offered", codec->name);
        return -ENOTSUP;
    }
    for (unsigned i = 0; i < codec->n_ctrls; i++) {
        const struct vkv4l2_codec_ctrl_desc *d = &codec->ctrls[i];
        const struct vkv4l2_ctrl_caps *c = &caps->ctrls[i];
        if (!c->present) {
            if (d->need == VKV4L2_CTRL_REQUIRED) {
                snprintf(why, why_size, "%s: required control %s missing", codec->name, d->name);
                return -ENOTSUP;
            }
            continue;
        }
        if (c->elem_size != d->elem_size) {
            snprintf(why, why_size,
                     "%s: %s has elem_size %u but vkv4l2 was built with %u "
                     "(kernel/uAPI mismatch: refusing the codec)",
                     codec->name, d->name, c->elem_size, d->elem_size);
            return -ENOTSUP;
        }
    }
    int value;
    if (vkv4l2_caps_pick_decode_mode(caps, &value) < 0) {
        snprintf(why, why_size, "%s: frame-based decode mode not offered (menu mask 0x%x)",
                 codec->name, caps->decode_mode.supported);
        return -ENOTSUP;
    }
    if (vkv4l2_caps_pick_start_code(caps, &value) < 0) {
        snprintf(why, why_size, "%s: no usable start-code mode (menu mask 0x%x)", codec->name,
                 caps->start_code.supported);
        return -ENOTSUP;
    }
    return 0;
}

bool vkv4l2_caps_extent_supported(const struct vkv4l2_decoder_caps *caps, uint32_t width,
                                  uint32_t height)
{
    const struct vkv4l2_frame_sizes *s = &caps->sizes;
    if (!s->known)
        return true;
    return width >= s->min_width && width <= s->max_width && height >= s->min_height &&
           height <= s->max_height;
}

unsigned vkv4l2_caps_max_dpb_slots(uint32_t codec)
{
    const struct vkv4l2_codec_desc *d = vkv4l2_codec_find(codec);
    return d ? d->max_dpb_slots : 0;
}

bool vkv4l2_caps_has_capture_format(const struct vkv4l2_decoder_caps *caps, uint32_t fourcc)
{
    for (unsigned i = 0; i < caps->n_capture_formats; i++)
        if (caps->capture_formats[i] == fourcc)
            return true;
    return false;
}

int vkv4l2_caps_decodable(const struct vkv4l2_decoder_caps *caps, uint32_t capture_fourcc,
                          char *why, size_t why_size)
{
    int ret = vkv4l2_caps_usable(caps, why, why_size);
    if (ret)
        return ret;
    if (!vkv4l2_caps_has_capture_format(caps, capture_fourcc)) {
        snprintf(why, why_size, "no %c%c%c%c CAPTURE format", (char)(capture_fourcc & 0xff),
                 (char)((capture_fourcc >> 8) & 0xff), (char)((capture_fourcc >> 16) & 0xff),
                 (char)(capture_fourcc >> 24));
        return -ENOTSUP;
    }
    return 0;
}
