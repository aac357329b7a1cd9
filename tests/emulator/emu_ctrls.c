/* hantro's H.264 control set: definitions, queries, validation, get/set. */
#include "emu_ctrls.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct ctrl_def {
    uint32_t id;
    uint32_t type;
    const char *name;
    size_t offset, size; /* in struct emu_ctrl_store */
    int64_t min, max, def;
    uint64_t menu_skip;
};

#define FIELD(f) offsetof(struct emu_ctrl_store, f), sizeof(((struct emu_ctrl_store *)0)->f)

static const struct ctrl_def defs[EMU_CTRL_COUNT] = {
    [EMU_CTRL_DECODE_PARAMS] = {V4L2_CID_STATELESS_H264_DECODE_PARAMS, V4L2_CTRL_TYPE_H264_DECODE_PARAMS,
                                "H264 Decode Parameters", FIELD(decode_params), 0, 0, 0, 0},
    [EMU_CTRL_SPS] = {V4L2_CID_STATELESS_H264_SPS, V4L2_CTRL_TYPE_H264_SPS,
                      "H264 Sequence Parameter Set", FIELD(sps), 0, 0, 0, 0},
    [EMU_CTRL_PPS] = {V4L2_CID_STATELESS_H264_PPS, V4L2_CTRL_TYPE_H264_PPS,
                      "H264 Picture Parameter Set", FIELD(pps), 0, 0, 0, 0},
    [EMU_CTRL_SCALING_MATRIX] = {V4L2_CID_STATELESS_H264_SCALING_MATRIX,
                                 V4L2_CTRL_TYPE_H264_SCALING_MATRIX, "H264 Scaling Matrix",
                                 FIELD(scaling_matrix), 0, 0, 0, 0},
    /* hantro: frame-based decoding with Annex-B start codes only. */
    [EMU_CTRL_DECODE_MODE] = {V4L2_CID_STATELESS_H264_DECODE_MODE, V4L2_CTRL_TYPE_MENU,
                              "H264 Decode Mode", FIELD(decode_mode),
                              V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED,
                              V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED,
                              V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED, 0},
    [EMU_CTRL_START_CODE] = {V4L2_CID_STATELESS_H264_START_CODE, V4L2_CTRL_TYPE_MENU,
                             "H264 Start Code", FIELD(start_code),
                             V4L2_STATELESS_H264_START_CODE_ANNEX_B,
                             V4L2_STATELESS_H264_START_CODE_ANNEX_B,
                             V4L2_STATELESS_H264_START_CODE_ANNEX_B, 0},
    [EMU_CTRL_PROFILE] = {V4L2_CID_MPEG_VIDEO_H264_PROFILE, V4L2_CTRL_TYPE_MENU, "H264 Profile",
                          FIELD(profile), V4L2_MPEG_VIDEO_H264_PROFILE_BASELINE,
                          V4L2_MPEG_VIDEO_H264_PROFILE_HIGH, V4L2_MPEG_VIDEO_H264_PROFILE_MAIN,
                          1ull << V4L2_MPEG_VIDEO_H264_PROFILE_EXTENDED},
};

/* The control-class controls the kernel adds for each class in use. */
static const struct {
    uint32_t id;
    const char *name;
} classes[] = {
    {V4L2_CID_CODEC_CLASS, "Codec Controls"},
    {V4L2_CID_CODEC_STATELESS_CLASS, "Stateless Codec Controls"},
};

static const char *const decode_mode_menu[] = {"Slice-Based", "Frame-Based"};
static const char *const start_code_menu[] = {"No Start Code", "Annex B Start Code"};
static const char *const profile_menu[] = {
    "Baseline", "Constrained Baseline", "Main", "Extended", "High",
};

static bool is_compound(const struct ctrl_def *d) { return d->type >= V4L2_CTRL_COMPOUND_TYPES; }

static const struct ctrl_def *find_def(uint32_t id, int *index)
{
    for (int i = 0; i < EMU_CTRL_COUNT; i++) {
        if (defs[i].id == id) {
            if (index)
                *index = i;
            return &defs[i];
        }
    }
    return NULL;
}

void emu_ctrls_init(struct emu_ctrl_store *s)
{
    memset(s, 0, sizeof(*s));
    /* std_init_compound: flat scaling lists (7-8, 7-9). */
    memset(&s->scaling_matrix, 16, sizeof(s->scaling_matrix));
    for (int i = 0; i < EMU_CTRL_COUNT; i++)
        if (!is_compound(&defs[i]))
            *(int32_t *)((char *)s + defs[i].offset) = (int32_t)defs[i].def;
}

/* Sorted walk for V4L2_CTRL_FLAG_NEXT_CTRL: classes and controls by id. */
struct any_ctrl {
    uint32_t id;
    const struct ctrl_def *def; /* NULL for a class control */
    const char *name;
};

static unsigned all_ctrls(struct any_ctrl *out)
{
    unsigned n = 0;
    for (unsigned i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
        out[n++] = (struct any_ctrl){classes[i].id, NULL, classes[i].name};
    for (unsigned i = 0; i < EMU_CTRL_COUNT; i++)
        out[n++] = (struct any_ctrl){defs[i].id, &defs[i], defs[i].name};
    for (unsigned i = 1; i < n; i++) /* insertion sort by id */
        for (unsigned j = i; j > 0 && out[j - 1].id > out[j].id; j--) {
            struct any_ctrl t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}

int emu_ctrls_query(struct v4l2_query_ext_ctrl *qc)
{
    const uint32_t next_flags = V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND;
    uint32_t id = qc->id & V4L2_CTRL_ID_MASK;
    uint32_t next = qc->id & next_flags;
    struct any_ctrl all[EMU_CTRL_COUNT + 2];
    unsigned n = all_ctrls(all);
    const struct any_ctrl *found = NULL;
    for (unsigned i = 0; i < n; i++) {
        if (!next) {
            if (all[i].id == id) {
                found = &all[i];
                break;
            }
            continue;
        }
        if (all[i].id <= id)
            continue;
        bool compound = all[i].def && is_compound(all[i].def);
        /* v4l2_query_ext_ctrl: NEXT_CTRL alone skips compound controls,
         * NEXT_COMPOUND alone returns only them, both return all. */
        if (next == V4L2_CTRL_FLAG_NEXT_CTRL && compound)
            continue;
        if (next == V4L2_CTRL_FLAG_NEXT_COMPOUND && !compound)
            continue;
        found = &all[i];
        break;
    }
    if (!found)
        return -EINVAL;
    memset(qc, 0, sizeof(*qc));
    qc->id = found->id;
    strncpy(qc->name, found->name, sizeof(qc->name) - 1);
    qc->elems = 1;
    if (!found->def) {
        qc->type = V4L2_CTRL_TYPE_CTRL_CLASS;
        qc->flags = V4L2_CTRL_FLAG_READ_ONLY | V4L2_CTRL_FLAG_WRITE_ONLY;
        return 0;
    }
    const struct ctrl_def *d = found->def;
    qc->type = d->type;
    if (is_compound(d)) {
        qc->flags = V4L2_CTRL_FLAG_HAS_PAYLOAD;
        qc->elem_size = (uint32_t)d->size;
    } else {
        qc->minimum = d->min;
        qc->maximum = d->max;
        qc->step = 1;
        qc->default_value = d->def;
        qc->elem_size = sizeof(int32_t);
    }
    return 0;
}

static const char *menu_name(const struct ctrl_def *d, int64_t v)
{
    if (d->id == V4L2_CID_STATELESS_H264_DECODE_MODE && v >= 0 && v < 2)
        return decode_mode_menu[v];
    if (d->id == V4L2_CID_STATELESS_H264_START_CODE && v >= 0 && v < 2)
        return start_code_menu[v];
    if (d->id == V4L2_CID_MPEG_VIDEO_H264_PROFILE && v >= 0 && v < 5)
        return profile_menu[v];
    return NULL;
}

int emu_ctrls_querymenu(struct v4l2_querymenu *qm)
{
    const struct ctrl_def *d = find_def(qm->id, NULL);
    if (!d || d->type != V4L2_CTRL_TYPE_MENU)
        return -EINVAL;
    int64_t v = qm->index;
    if (v < d->min || v > d->max || (d->menu_skip & (1ull << v)))
        return -EINVAL;
    const char *name = menu_name(d, v);
    if (!name)
        return -EINVAL;
    uint32_t id = qm->id, index = qm->index;
    memset(qm, 0, sizeof(*qm));
    qm->id = id;
    qm->index = index;
    strncpy((char *)qm->name, name, sizeof(qm->name) - 1);
    return 0;
}

int emu_ctrl_validate_compound(uint32_t id, void *p)
{
    switch (id) {
    case V4L2_CID_STATELESS_H264_SPS: {
        struct v4l2_ctrl_h264_sps *sps = p;
        /* Same conditional clearing as the kernel (including its else-if). */
        if (sps->pic_order_cnt_type != 0) {
            sps->log2_max_pic_order_cnt_lsb_minus4 = 0;
        } else if (sps->pic_order_cnt_type != 1) {
            sps->num_ref_frames_in_pic_order_cnt_cycle = 0;
            sps->offset_for_non_ref_pic = 0;
            sps->offset_for_top_to_bottom_field = 0;
            memset(sps->offset_for_ref_frame, 0, sizeof(sps->offset_for_ref_frame));
        }
        if (!V4L2_H264_SPS_HAS_CHROMA_FORMAT(sps)) {
            sps->chroma_format_idc = 1;
            sps->bit_depth_luma_minus8 = 0;
            sps->bit_depth_chroma_minus8 = 0;
            sps->flags &= ~V4L2_H264_SPS_FLAG_QPPRIME_Y_ZERO_TRANSFORM_BYPASS;
        }
        if (sps->chroma_format_idc < 3)
            sps->flags &= ~V4L2_H264_SPS_FLAG_SEPARATE_COLOUR_PLANE;
        if (sps->flags & V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY)
            sps->flags &= ~V4L2_H264_SPS_FLAG_MB_ADAPTIVE_FRAME_FIELD;
        if (sps->profile_idc < 122 && sps->chroma_format_idc > 1)
            return -EINVAL;
        if (sps->profile_idc < 244 && sps->chroma_format_idc > 2)
            return -EINVAL;
        if (sps->chroma_format_idc > 3 || sps->bit_depth_luma_minus8 > 6 ||
            sps->bit_depth_chroma_minus8 > 6 || sps->log2_max_frame_num_minus4 > 12 ||
            sps->pic_order_cnt_type > 2 || sps->log2_max_pic_order_cnt_lsb_minus4 > 12 ||
            sps->max_num_ref_frames > V4L2_H264_REF_LIST_LEN)
            return -EINVAL;
        /* hantro_try_ctrl: 4:0:0 / 4:2:0, 8-bit only. */
        if (sps->chroma_format_idc > 1 || sps->bit_depth_luma_minus8 != sps->bit_depth_chroma_minus8 ||
            sps->bit_depth_luma_minus8 != 0)
            return -EINVAL;
        return 0;
    }
    case V4L2_CID_STATELESS_H264_PPS: {
        const struct v4l2_ctrl_h264_pps *pps = p;
        if (pps->num_slice_groups_minus1 > 7 ||
            pps->num_ref_idx_l0_default_active_minus1 > V4L2_H264_REF_LIST_LEN - 1 ||
            pps->num_ref_idx_l1_default_active_minus1 > V4L2_H264_REF_LIST_LEN - 1 ||
            pps->weighted_bipred_idc > 2 || pps->pic_init_qp_minus26 < -62 ||
            pps->pic_init_qp_minus26 > 25 || pps->pic_init_qs_minus26 < -26 ||
            pps->pic_init_qs_minus26 > 25 || pps->chroma_qp_index_offset < -12 ||
            pps->chroma_qp_index_offset > 12 || pps->second_chroma_qp_index_offset < -12 ||
            pps->second_chroma_qp_index_offset > 12)
            return -EINVAL;
        return 0;
    }
    case V4L2_CID_STATELESS_H264_SCALING_MATRIX:
        return 0;
    case V4L2_CID_STATELESS_H264_DECODE_PARAMS: {
        struct v4l2_ctrl_h264_decode_params *dp = p;
        if (dp->nal_ref_idc > 3)
            return -EINVAL;
        for (unsigned i = 0; i < V4L2_H264_NUM_DPB_ENTRIES; i++)
            memset(dp->dpb[i].reserved, 0, sizeof(dp->dpb[i].reserved));
        dp->reserved = 0;
        return 0;
    }
    }
    return -EINVAL;
}

static int validate_menu(const struct ctrl_def *d, int32_t v)
{
    if (v < d->min || v > d->max)
        return -ERANGE;
    if (d->menu_skip & (1ull << v))
        return -EINVAL;
    return 0;
}

/* Class check of v4l2-ctrls-api.c: which is a class or a special value. */
static int check_which(const struct v4l2_ext_controls *cs, bool set)
{
    if (cs->which == V4L2_CTRL_WHICH_CUR_VAL || cs->which == V4L2_CTRL_WHICH_REQUEST_VAL)
        return 0;
    if (cs->which == V4L2_CTRL_WHICH_DEF_VAL)
        return set ? -EINVAL : 0;
    for (uint32_t i = 0; i < cs->count; i++)
        if (V4L2_CTRL_ID2WHICH(cs->controls[i].id) != cs->which)
            return -EINVAL;
    return 0;
}

int emu_ctrls_set(struct emu_ctrl_store *store, struct v4l2_ext_controls *cs)
{
    int ret = check_which(cs, true);
    if (ret < 0) {
        cs->error_idx = cs->count;
        return ret;
    }
    if (cs->count && !cs->controls)
        return -EFAULT;
    struct emu_ctrl_store tmp = store ? *store : (struct emu_ctrl_store){0};
    for (uint32_t i = 0; i < cs->count; i++) {
        struct v4l2_ext_control *c = &cs->controls[i];
        int idx;
        const struct ctrl_def *d = find_def(c->id, &idx);
        if (!d) {
            cs->error_idx = i;
            return -EINVAL;
        }
        void *dst = (char *)&tmp + d->offset;
        if (is_compound(d)) {
            if (c->size < d->size || !c->ptr) {
                cs->error_idx = i;
                return -EFAULT;
            }
            memcpy(dst, c->ptr, d->size);
            ret = emu_ctrl_validate_compound(d->id, dst);
        } else {
            ret = validate_menu(d, c->value);
            if (!ret)
                *(int32_t *)dst = c->value;
        }
        if (ret < 0) {
            cs->error_idx = i;
            return ret;
        }
        tmp.set_mask |= EMU_CTRL_BIT(idx);
    }
    if (store)
        *store = tmp;
    return 0;
}

int emu_ctrls_get(const struct emu_ctrl_store *s, struct v4l2_ext_controls *cs)
{
    int ret = check_which(cs, false);
    if (ret < 0) {
        cs->error_idx = cs->count;
        return ret;
    }
    if (cs->count && !cs->controls)
        return -EFAULT;
    struct emu_ctrl_store defaults;
    if (cs->which == V4L2_CTRL_WHICH_DEF_VAL) {
        emu_ctrls_init(&defaults);
        s = &defaults;
    }
    for (uint32_t i = 0; i < cs->count; i++) {
        const struct ctrl_def *d = find_def(cs->controls[i].id, NULL);
        if (!d) {
            cs->error_idx = i;
            return -EINVAL;
        }
    }
    for (uint32_t i = 0; i < cs->count; i++) {
        struct v4l2_ext_control *c = &cs->controls[i];
        const struct ctrl_def *d = find_def(c->id, NULL);
        const void *src = (const char *)s + d->offset;
        if (is_compound(d)) {
            if (c->size < d->size) {
                c->size = (uint32_t)d->size;
                cs->error_idx = i;
                return -ENOSPC;
            }
            c->size = (uint32_t)d->size;
            if (!c->ptr)
                return -EFAULT;
            memcpy(c->ptr, src, d->size);
        } else {
            c->value = *(const int32_t *)src;
        }
    }
    return 0;
}

void emu_ctrls_apply(struct emu_ctrl_store *dst, const struct emu_ctrl_store *src)
{
    for (int i = 0; i < EMU_CTRL_COUNT; i++)
        if (src->set_mask & EMU_CTRL_BIT(i))
            memcpy((char *)dst + defs[i].offset, (const char *)src + defs[i].offset, defs[i].size);
}
