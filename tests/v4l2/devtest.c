/* Device-test fixture. */
#include "devtest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sys.h"

int devtest_init(struct devtest *t)
{
    memset(t, 0, sizeof(*t));
    const char *emu = getenv("VKV4L2_EMULATOR");
    bool emulated = emu && *emu;
    int ret = vkv4l2_sys_init();
    if (ret < 0) {
        fprintf(stderr, "vkv4l2_sys_init: %s\n", strerror(-ret));
        return 1;
    }
    struct vkv4l2_decoder_list list;
    struct vkv4l2_err err = {0};
    ret = vkv4l2_discover(&list, &err);
    if (ret < 0) {
        fprintf(stderr, "discovery (%s): %s: %s\n", vkv4l2_sys_backend_name(), err.what,
                strerror(-ret));
        return emulated ? 1 : DEVTEST_SKIP;
    }
    for (unsigned i = 0; i < list.count; i++) {
        struct vkv4l2_probe_result *r = &t->probe;
        if (vkv4l2_probe(list.nodes[i].video_path, r, &err) < 0) {
            fprintf(stderr, "probe %s: %s: %s\n", list.nodes[i].video_path, err.what,
                    strerror(-err.code));
            continue;
        }
        const struct vkv4l2_decoder_caps *c = vkv4l2_probe_find_codec(r, V4L2_PIX_FMT_H264_SLICE);
        char why[256];
        if (!c || vkv4l2_caps_usable(c, why, sizeof(why)) < 0) {
            fprintf(stderr, "%s: no usable H.264 (%s)\n", list.nodes[i].video_path,
                    c ? why : "not offered");
            continue;
        }
        t->node = list.nodes[i];
        t->h264 = c;
        /* QCIF, moved inside the device's limits and onto its steps. */
        uint32_t w = 176, h = 144;
        const struct vkv4l2_frame_sizes *s = &c->sizes;
        if (s->known) {
            if (w < s->min_width) w = s->min_width;
            if (w > s->max_width) w = s->max_width;
            if (h < s->min_height) h = s->min_height;
            if (h > s->max_height) h = s->max_height;
            w = s->min_width + (w - s->min_width) / s->step_width * s->step_width;
            h = s->min_height + (h - s->min_height) / s->step_height * s->step_height;
        }
        t->width = w;
        t->height = h;
        fprintf(stderr, "device: %s + %s (%s, %s), %ux%u\n", t->node.video_path,
                t->node.media_path, r->device.driver, vkv4l2_sys_backend_name(), w, h);
        return 0;
    }
    fprintf(stderr, "no usable H.264 decoder among %u\n", list.count);
    return emulated ? 1 : DEVTEST_SKIP;
}

void devtest_stream_config(const struct devtest *t, struct vkv4l2_stream_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->codec = V4L2_PIX_FMT_H264_SLICE;
    cfg->width = t->width;
    cfg->height = t->height;
    vkv4l2_caps_pick_decode_mode(t->h264, &cfg->decode_mode);
    vkv4l2_caps_pick_start_code(t->h264, &cfg->start_code);
}

void devtest_session_params(const struct devtest *t, struct vkv4l2_session_params *p)
{
    memset(p, 0, sizeof(*p));
    p->video_path = t->node.video_path;
    p->media_path = t->node.media_path;
    devtest_stream_config(t, &p->stream);
}

void devtest_frame(const struct devtest *t, struct devtest_frame *f, unsigned n, uint64_t ref_ts)
{
    memset(f, 0, sizeof(*f));
    f->sps.profile_idc = 66;
    f->sps.level_idc = 30;
    f->sps.chroma_format_idc = 1;
    f->sps.max_num_ref_frames = 1;
    f->sps.log2_max_frame_num_minus4 = 4; /* frame_num < 256 */
    f->sps.pic_order_cnt_type = 2;
    f->sps.pic_width_in_mbs_minus1 = (uint16_t)((t->width + 15) / 16 - 1);
    f->sps.pic_height_in_map_units_minus1 = (uint16_t)((t->height + 15) / 16 - 1);
    f->sps.flags = V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY | V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE;

    f->pps.flags = V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT;

    f->dp.nal_ref_idc = 1;
    f->dp.frame_num = (uint16_t)(n % 256);
    f->dp.top_field_order_cnt = f->dp.bottom_field_order_cnt = (int32_t)(2 * n);
    f->dp.idr_pic_id = 0;
    if (n == 0) {
        f->dp.flags = V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC;
    } else {
        f->dp.flags = V4L2_H264_DECODE_PARAM_FLAG_PFRAME;
        struct v4l2_h264_dpb_entry *e = &f->dp.dpb[0];
        e->reference_ts = ref_ts;
        e->frame_num = (uint16_t)((n - 1) % 256);
        e->pic_num = e->frame_num;
        e->top_field_order_cnt = e->bottom_field_order_cnt = (int32_t)(2 * (n - 1));
        e->fields = V4L2_H264_FRAME_REF;
        e->flags = V4L2_H264_DPB_ENTRY_FLAG_VALID | V4L2_H264_DPB_ENTRY_FLAG_ACTIVE;
    }

    f->ctrls[0] = (struct v4l2_ext_control){
        .id = V4L2_CID_STATELESS_H264_SPS, .size = sizeof(f->sps), .ptr = &f->sps};
    f->ctrls[1] = (struct v4l2_ext_control){
        .id = V4L2_CID_STATELESS_H264_PPS, .size = sizeof(f->pps), .ptr = &f->pps};
    f->ctrls[2] = (struct v4l2_ext_control){
        .id = V4L2_CID_STATELESS_H264_DECODE_PARAMS, .size = sizeof(f->dp), .ptr = &f->dp};
}

const uint8_t *devtest_bitstream(bool idr, size_t *size)
{
    static const uint8_t idr_nal[] = {0, 0, 1, 0x65, 0x88, 0x84, 0x00, 0x33, 0xff, 0xfe, 0xf6, 0xf0};
    static const uint8_t p_nal[] = {0, 0, 1, 0x41, 0x9a, 0x02, 0x04, 0x0f, 0xf0, 0x80};
    *size = idr ? sizeof(idr_nal) : sizeof(p_nal);
    return idr ? idr_nal : p_nal;
}

int devtest_fill(int fd, size_t len, uint8_t b)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        return -errno;
    memset(p, b, len);
    munmap(p, len);
    return 0;
}

int devtest_untouched(int fd, size_t len, uint8_t b)
{
    const uint8_t *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        return -errno;
    int same = 1;
    for (size_t i = 0; i < len && same; i++)
        same = p[i] == b;
    munmap((void *)p, len);
    return same;
}
