#include "h264_frontend.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bitreader.h"

int vkv4l2_fe_init(struct vkv4l2_fe *fe, const uint8_t *data, size_t size)
{
    memset(fe, 0, sizeof(*fe));
    fe->data = data;
    fe->size = size;
    fe_dpb_init(&fe->dpb);
    return 0;
}

void vkv4l2_fe_finish(struct vkv4l2_fe *fe)
{
    for (unsigned i = 0; i < FE_MAX_SPS; i++)
        free(fe->sps[i]);
    for (unsigned i = 0; i < FE_MAX_PPS; i++)
        free(fe->pps[i]);
    free(fe->bits);
    free(fe->offsets);
    memset(fe, 0, sizeof(*fe));
}

static int store_sps(struct vkv4l2_fe *fe, const uint8_t *nal, size_t size)
{
    struct fe_sps tmp;
    int ret = fe_parse_sps(nal, size, &tmp);
    if (ret)
        return ret;
    unsigned id = tmp.std.seq_parameter_set_id;
    if (!fe->sps[id] && !(fe->sps[id] = malloc(sizeof(tmp))))
        return -ENOMEM;
    *fe->sps[id] = tmp;
    fe_sps_fixup(fe->sps[id]);
    return 0;
}

static int store_pps(struct vkv4l2_fe *fe, const uint8_t *nal, size_t size)
{
    struct fe_pps tmp;
    int ret = fe_parse_pps(nal, size, (const struct fe_sps *const *)fe->sps, &tmp);
    if (ret)
        return ret;
    unsigned id = tmp.std.pic_parameter_set_id;
    if (!fe->pps[id] && !(fe->pps[id] = malloc(sizeof(tmp))))
        return -ENOMEM;
    *fe->pps[id] = tmp;
    fe_pps_fixup(fe->pps[id]);
    return 0;
}

/* first_mb_in_slice and slice_type % 5 of a slice NAL. */
static int peek_slice(const uint8_t *nal, size_t size, uint32_t *first_mb, uint32_t *slice_type)
{
    uint8_t head[24];
    size_t n = size < sizeof(head) ? size : sizeof(head);
    struct fe_bits b;

    fe_bits_init(&b, head, fe_rbsp_unescape(nal, n, head));
    fe_bits_u(&b, 8);
    *first_mb = fe_bits_ue(&b);
    *slice_type = fe_bits_ue(&b) % 5;
    return b.overrun ? -EINVAL : 0;
}

static int append_slice(struct vkv4l2_fe *fe, const uint8_t *nal, size_t size)
{
    struct vkv4l2_fe_picture *p = &fe->cur;
    size_t need = p->bitstream_size + 3 + size;

    if (need > fe->bits_cap) {
        size_t cap = need * 2;
        uint8_t *bits = realloc(fe->bits, cap);
        if (!bits)
            return -ENOMEM;
        fe->bits = bits;
        fe->bits_cap = cap;
    }
    if (p->num_slices == fe->offsets_cap) {
        unsigned cap = fe->offsets_cap ? fe->offsets_cap * 2 : 16;
        uint32_t *o = realloc(fe->offsets, cap * sizeof(*o));
        if (!o)
            return -ENOMEM;
        fe->offsets = o;
        fe->offsets_cap = cap;
    }
    fe->offsets[p->num_slices++] = (uint32_t)p->bitstream_size;
    memcpy(fe->bits + p->bitstream_size, "\0\0\1", 3);
    memcpy(fe->bits + p->bitstream_size + 3, nal, size);
    p->bitstream_size = need;
    return 0;
}

static int start_picture(struct vkv4l2_fe *fe, const uint8_t *nal, size_t size)
{
    struct vkv4l2_fe_picture *p = &fe->cur;
    int pps_id = vkv4l2_h264_slice_pps_id(nal, size);

    if (pps_id < 0)
        return pps_id;
    if (pps_id >= FE_MAX_PPS || !fe->pps[pps_id] ||
        !fe->sps[fe->pps[pps_id]->std.seq_parameter_set_id])
        return -EINVAL;
    p->pps = fe->pps[pps_id];
    p->sps = fe->sps[p->pps->std.seq_parameter_set_id];
    int ret = vkv4l2_h264_parse_slice_header(nal, size, &p->sps->std, &p->pps->std, &p->sh);
    if (ret)
        return ret;
    if (p->sh.field_pic_flag)
        return -ENOTSUP;
    return 0;
}

/* Collects the NAL units of the next picture: parameter sets on the way
 * are parsed, its slices are appended.  Returns 1 when a picture was
 * found, 0 at the end of the stream. */
static int gather_picture(struct vkv4l2_fe *fe, bool *all_intra)
{
    struct vkv4l2_fe_picture *p = &fe->cur;
    bool au_started = false;

    *all_intra = true;
    for (;;) {
        size_t save = fe->pos, nal_size;
        const uint8_t *nal;
        if (vkv4l2_h264_next_nal(fe->data, fe->size, &fe->pos, &nal, &nal_size) < 0)
            break;
        if (nal_size == 0)
            continue;
        size_t nal_start = (size_t)(nal - fe->data) - 3;
        while (nal_start > save && fe->data[nal_start - 1] == 0)
            nal_start--;
        unsigned type = nal[0] & 0x1f;
        int ret = 0;

        if (type == 1 || type == 5) {
            uint32_t first_mb, slice_type;
            if ((ret = peek_slice(nal, nal_size, &first_mb, &slice_type)))
                return ret;
            if (p->num_slices && first_mb == 0) {
                fe->pos = save;
                break;
            }
            if (!au_started)
                p->stream_offset = nal_start;
            au_started = true;
            if (!p->num_slices && (ret = start_picture(fe, nal, nal_size)))
                return ret;
            if (slice_type != 2 && slice_type != 4)
                *all_intra = false;
            ret = append_slice(fe, nal, nal_size);
        } else if (type >= 2 && type <= 4) {
            return -ENOTSUP; /* data partitioning: not in any profile we serve */
        } else if ((type >= 6 && type <= 11) || (type >= 15 && type <= 18)) {
            /* Non-VCL NAL units that start a new access unit (7.4.1.2.3).
             * Prefix NAL units (14) sit before every slice of an SVC/MVC
             * picture, so only a slice with first_mb_in_slice 0 tells. */
            if (p->num_slices) {
                fe->pos = save;
                break;
            }
            if (!au_started)
                p->stream_offset = nal_start;
            au_started = true;
            if (type == 7)
                ret = store_sps(fe, nal, nal_size);
            else if (type == 8)
                ret = store_pps(fe, nal, nal_size);
        }
        if (ret)
            return ret;
    }
    return p->num_slices ? 1 : 0;
}

static void gap_frame_cb(void *ctx, uint32_t frame_num)
{
    struct vkv4l2_fe *fe = ctx;
    fe_poc_gap_frame(&fe->poc_state, frame_num,
                     1u << (fe->cur.sps->std.log2_max_frame_num_minus4 + 4));
}

int vkv4l2_fe_next_picture(struct vkv4l2_fe *fe, const struct vkv4l2_fe_picture **out)
{
    struct vkv4l2_fe_picture *p = &fe->cur;
    bool all_intra;

    if (fe->cur_pending)
        return -EINVAL;
    for (int i = 0; i < FE_MAX_SLOTS; i++) {
        if (fe->popped[i]) {
            fe->dpb.slot[i].held = false;
            fe->popped[i] = false;
        }
    }
    *p = (struct vkv4l2_fe_picture){ 0 };
    int ret = gather_picture(fe, &all_intra);
    if (ret < 0)
        return ret;
    if (ret == 0) {
        fe_output_flush(&fe->dpb, &fe->out);
        return -ENOENT;
    }

    const StdVideoH264SequenceParameterSet *sps = &p->sps->std;
    const struct vkv4l2_h264_slice_header *sh = &p->sh;
    uint32_t max_frame_num = 1u << (sps->log2_max_frame_num_minus4 + 4);
    bool idr = sh->nal_unit_type == 5;

    if (idr) {
        /* Everything before an IDR is output first (no_output_of_prior_pics
         * is not honoured, like FFmpeg), and no reference survives it. */
        fe_output_flush(&fe->dpb, &fe->out);
        for (int i = 0; i < FE_MAX_SLOTS; i++)
            fe->dpb.slot[i].ref = false;
        fe->prev_ref_frame_num = 0;
    } else if (sh->frame_num != fe->prev_ref_frame_num &&
               sh->frame_num != (fe->prev_ref_frame_num + 1) % max_frame_num) {
        ret = fe_dpb_fill_gap(&fe->dpb, fe->prev_ref_frame_num, sh->frame_num, max_frame_num,
                              sps->max_num_ref_frames,
                              sps->flags.gaps_in_frame_num_value_allowed_flag,
                              gap_frame_cb, fe);
        if (ret < 0)
            return ret;
        fe->prev_ref_frame_num = (sh->frame_num + max_frame_num - 1) % max_frame_num;
        fe_output_after_store(&fe->dpb, &fe->out, p->sps->dpb_frames,
                              p->sps->vui.max_num_reorder_frames);
    }

    fe_poc_compute(&fe->poc_state, sps, sh, &fe->cur_poc);

    int slot = fe_dpb_alloc_slot(&fe->dpb);
    while (slot < 0 && fe_output_bump(&fe->dpb, &fe->out) == 0)
        slot = fe_dpb_alloc_slot(&fe->dpb);
    if (slot < 0)
        return slot;
    struct fe_dpb_pic *dp = &fe->dpb.slot[slot];
    dp->frame_num = sh->frame_num;
    dp->poc[0] = fe->cur_poc.top;
    dp->poc[1] = fe->cur_poc.bottom;
    dp->user = fe->decoded;

    p->num_refs = fe_dpb_active_refs(&fe->dpb, p->ref_slots, p->refs);
    p->setup_slot = slot;
    p->setup_info = (StdVideoDecodeH264ReferenceInfo){
        .FrameNum = (uint16_t)sh->frame_num,
        .PicOrderCnt = { fe->cur_poc.top, fe->cur_poc.bottom },
    };
    p->info = (StdVideoDecodeH264PictureInfo){
        .flags = {
            .is_intra = all_intra,
            .IdrPicFlag = idr,
            .is_reference = sh->nal_ref_idc != 0,
        },
        .seq_parameter_set_id = p->pps->std.seq_parameter_set_id,
        .pic_parameter_set_id = p->pps->std.pic_parameter_set_id,
        .frame_num = (uint16_t)sh->frame_num,
        .idr_pic_id = (uint16_t)sh->idr_pic_id,
        .PicOrderCnt = { fe->cur_poc.top, fe->cur_poc.bottom },
    };
    p->bitstream = fe->bits;
    p->slice_offsets = fe->offsets;
    p->decode_index = fe->decoded++;

    const struct fe_sps *s = p->sps;
    fe->slot_out[slot] = (struct vkv4l2_fe_output){
        .slot = slot,
        .decode_index = p->decode_index,
        .poc = fe->cur_poc.top < fe->cur_poc.bottom ? fe->cur_poc.top : fe->cur_poc.bottom,
        .stream_offset = p->stream_offset,
        .coded_width = s->width,
        .coded_height = s->height,
        .crop_left = s->std.frame_crop_left_offset,
        .crop_top = s->std.frame_crop_top_offset,
        .display_width = s->display_width,
        .display_height = s->display_height,
    };
    fe->cur_pending = true;
    *out = p;
    return 0;
}

int vkv4l2_fe_picture_done(struct vkv4l2_fe *fe)
{
    struct vkv4l2_fe_picture *p = &fe->cur;
    const StdVideoH264SequenceParameterSet *sps = &p->sps->std;
    const struct vkv4l2_h264_slice_header *sh = &p->sh;
    struct fe_dpb_pic *dp = &fe->dpb.slot[p->setup_slot];
    uint32_t max_frame_num = 1u << (sps->log2_max_frame_num_minus4 + 4);
    bool mmco5;

    if (!fe->cur_pending)
        return -EINVAL;
    fe->cur_pending = false;
    dp->allocated = false;
    int ret = fe_dpb_mark(&fe->dpb, p->setup_slot, sh, max_frame_num,
                          sps->max_num_ref_frames, &mmco5);
    if (ret)
        return ret;
    if (mmco5) {
        /* 8.2.1: the picture's POCs become relative to itself, frame_num 0,
         * and every earlier picture is output before it. */
        int32_t temp = fe->cur_poc.top < fe->cur_poc.bottom ? fe->cur_poc.top : fe->cur_poc.bottom;
        fe->cur_poc.top -= temp;
        fe->cur_poc.bottom -= temp;
        dp->poc[0] = fe->cur_poc.top;
        dp->poc[1] = fe->cur_poc.bottom;
        dp->frame_num = 0;
        fe->slot_out[p->setup_slot].poc = 0;
        fe_output_flush(&fe->dpb, &fe->out);
    }
    fe_poc_update(&fe->poc_state, sps, sh, &fe->cur_poc, mmco5);
    if (sh->nal_ref_idc != 0)
        fe->prev_ref_frame_num = mmco5 ? 0 : sh->frame_num;
    dp->needed_for_output = true;
    fe_output_after_store(&fe->dpb, &fe->out, p->sps->dpb_frames,
                          p->sps->vui.max_num_reorder_frames);
    return 0;
}

int vkv4l2_fe_pop_output(struct vkv4l2_fe *fe, struct vkv4l2_fe_output *out)
{
    int slot = fe_output_pop(&fe->out);

    if (slot < 0)
        return slot;
    fe->popped[slot] = true;
    *out = fe->slot_out[slot];
    return 0;
}
