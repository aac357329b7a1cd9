/* Slice-header parser against an independent oracle: FFmpeg's
 * `-bsf:v trace_headers`, which prints every syntax element of every SPS,
 * PPS and slice header with its bit position in the RBSP and its bits.
 *
 *   test_h264_slice_trace GENERATE STREAMS_DIR NAME...
 *
 * For each generated stream: the StdVideo SPS/PPS are built from the
 * traced syntax (as a Vulkan client would), each slice NAL of the file is
 * parsed with vkv4l2_h264_parse_slice_header(), and every field is compared
 * with the trace; the V4L2 bit sizes are compared with the traced
 * positions (pic_order_cnt_bit_size: from pic_order_cnt_lsb /
 * delta_pic_order_cnt[0] to the end of the last POC element;
 * dec_ref_pic_marking_bit_size: from its first element to the next element,
 * cabac_init_idc or slice_qp_delta; header_bit_size: end of the last
 * element before cabac_alignment_one_bit).  For high_scaling the resolved
 * scaling matrix is compared with the raster cqm x264 was given in
 * tests/streams/generate. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "h264/h264_ctrls.h"
#include "h264/h264_slice.h"

static int failures;

#define EXPECT_EQ(what, got, want)                                              \
    do {                                                                        \
        long long g_ = (long long)(got), w_ = (long long)(want);                \
        if (g_ != w_) {                                                         \
            fprintf(stderr, "%s slice %u: %s = %lld, trace says %lld\n",        \
                    cur_stream, cur_slice, what, g_, w_);                       \
            failures++;                                                         \
        }                                                                       \
    } while (0)

static const char *cur_stream;
static unsigned cur_slice;

enum kind { K_NONE, K_SPS, K_PPS, K_SLICE };

struct elem {
    unsigned pos, nbits;
    char name[64];
    long long val;
};

struct section {
    enum kind kind;
    unsigned n, cap;
    struct elem *e;
};

struct trace {
    unsigned n, cap;
    struct section *s;
};

static void add_elem(struct section *s, const struct elem *e)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->e = realloc(s->e, s->cap * sizeof(*s->e));
        if (!s->e)
            abort();
    }
    s->e[s->n++] = *e;
}

static int read_trace(const char *path, struct trace *t)
{
    char cmd[4096 + 256], line[1024];
    snprintf(cmd, sizeof(cmd),
             "ffmpeg -nostdin -hide_banner -i '%s' -c:v copy -bsf:v trace_headers -f null - 2>&1", path);
    FILE *f = popen(cmd, "r");
    if (!f)
        return -errno;
    bool started = false;
    struct section *cur = NULL;
    while (fgets(line, sizeof(line), f)) {
        char *p = strstr(line, "[trace_headers @");
        if (!p || !(p = strstr(p, "] ")))
            continue;
        p += 2;
        line[strcspn(line, "\n")] = 0;
        if (!strncmp(p, "Packet:", 7)) {
            started = true; /* sections before the first packet are extradata */
            cur = NULL;
            continue;
        }
        struct elem e;
        if (p[0] >= '0' && p[0] <= '9') {
            char bits[128];
            if (cur && sscanf(p, "%u %63s %127s = %lld", &e.pos, e.name, bits, &e.val) == 4) {
                e.nbits = strlen(bits);
                add_elem(cur, &e);
            }
            continue;
        }
        enum kind k = !strcmp(p, "Sequence Parameter Set") ? K_SPS
                    : !strcmp(p, "Picture Parameter Set") ? K_PPS
                    : !strcmp(p, "Slice Header") ? K_SLICE : K_NONE;
        cur = NULL;
        if (!started || k == K_NONE)
            continue;
        if (t->n == t->cap) {
            t->cap = t->cap ? 2 * t->cap : 64;
            t->s = realloc(t->s, t->cap * sizeof(*t->s));
            if (!t->s)
                abort();
        }
        cur = &t->s[t->n++];
        *cur = (struct section){ .kind = k };
    }
    int status = pclose(f);
    return status == 0 && t->n > 0 ? 0 : -EIO;
}

static const struct elem *find(const struct section *s, const char *name)
{
    for (unsigned i = 0; i < s->n; i++)
        if (!strcmp(s->e[i].name, name))
            return &s->e[i];
    return NULL;
}

static long long get(const struct section *s, const char *name, long long dflt)
{
    const struct elem *e = find(s, name);
    return e ? e->val : dflt;
}

/* 7.3.2.1.1.1 scaling_list(), from the traced present flags and
 * delta_scale values; lists stay in scan order, as in Vulkan. */
static void rebuild_lists(const struct section *s, const char *flag_prefix,
                          StdVideoH264ScalingLists *sl)
{
    memset(sl, 0, sizeof(*sl));
    for (unsigned i = 0; i < s->n; i++) {
        unsigned idx;
        char fmt[96];
        snprintf(fmt, sizeof(fmt), "%s[%%u]", flag_prefix);
        if (sscanf(s->e[i].name, fmt, &idx) != 1 || !s->e[i].val || idx >= 12)
            continue;
        unsigned size = idx < 6 ? 16 : 64, next_e = i + 1;
        uint8_t *list = idx < 6 ? sl->ScalingList4x4[idx] : sl->ScalingList8x8[idx - 6];
        int last = 8, next = 8;
        sl->scaling_list_present_mask |= 1u << idx;
        for (unsigned j = 0; j < size; j++) {
            if (next != 0) {
                int delta = (int)s->e[next_e++].val;
                next = (last + delta + 256) % 256;
                if (j == 0 && next == 0)
                    sl->use_default_scaling_matrix_mask |= 1u << idx;
            }
            list[j] = next == 0 ? last : next;
            last = list[j];
        }
    }
}

struct sps_slot {
    bool valid;
    StdVideoH264SequenceParameterSet sps;
    int32_t offsets[256];
    StdVideoH264ScalingLists lists;
};

struct pps_slot {
    bool valid;
    StdVideoH264PictureParameterSet pps;
    StdVideoH264ScalingLists lists;
};

static struct sps_slot spss[32];
static struct pps_slot ppss[256];

static void build_sps(const struct section *s)
{
    static const int levels[] = { 10, 11, 12, 13, 20, 21, 22, 30, 31, 32, 40, 41, 42, 50, 51, 52, 60, 61, 62 };
    unsigned id = get(s, "seq_parameter_set_id", 0);
    struct sps_slot *slot = &spss[id & 31];
    StdVideoH264SequenceParameterSet *p = &slot->sps;

    memset(slot, 0, sizeof(*slot));
    slot->valid = true;
    p->seq_parameter_set_id = id;
    p->profile_idc = get(s, "profile_idc", 0);
    p->level_idc = STD_VIDEO_H264_LEVEL_IDC_INVALID;
    for (unsigned i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
        if (levels[i] == get(s, "level_idc", 0))
            p->level_idc = i;
    p->flags.constraint_set0_flag = get(s, "constraint_set0_flag", 0);
    p->flags.constraint_set1_flag = get(s, "constraint_set1_flag", 0);
    p->flags.constraint_set2_flag = get(s, "constraint_set2_flag", 0);
    p->flags.constraint_set3_flag = get(s, "constraint_set3_flag", 0);
    p->flags.constraint_set4_flag = get(s, "constraint_set4_flag", 0);
    p->flags.constraint_set5_flag = get(s, "constraint_set5_flag", 0);
    p->chroma_format_idc = get(s, "chroma_format_idc", 1);
    p->flags.separate_colour_plane_flag = get(s, "separate_colour_plane_flag", 0);
    p->bit_depth_luma_minus8 = get(s, "bit_depth_luma_minus8", 0);
    p->bit_depth_chroma_minus8 = get(s, "bit_depth_chroma_minus8", 0);
    p->flags.qpprime_y_zero_transform_bypass_flag = get(s, "qpprime_y_zero_transform_bypass_flag", 0);
    p->log2_max_frame_num_minus4 = get(s, "log2_max_frame_num_minus4", 0);
    p->pic_order_cnt_type = get(s, "pic_order_cnt_type", 0);
    p->log2_max_pic_order_cnt_lsb_minus4 = get(s, "log2_max_pic_order_cnt_lsb_minus4", 0);
    p->flags.delta_pic_order_always_zero_flag = get(s, "delta_pic_order_always_zero_flag", 0);
    p->offset_for_non_ref_pic = get(s, "offset_for_non_ref_pic", 0);
    p->offset_for_top_to_bottom_field = get(s, "offset_for_top_to_bottom_field", 0);
    p->num_ref_frames_in_pic_order_cnt_cycle = get(s, "num_ref_frames_in_pic_order_cnt_cycle", 0);
    for (unsigned i = 0; i < p->num_ref_frames_in_pic_order_cnt_cycle; i++) {
        char name[64];
        snprintf(name, sizeof(name), "offset_for_ref_frame[%u]", i);
        slot->offsets[i] = get(s, name, 0);
    }
    p->pOffsetForRefFrame = slot->offsets;
    p->max_num_ref_frames = get(s, "max_num_ref_frames", 0);
    p->flags.gaps_in_frame_num_value_allowed_flag = get(s, "gaps_in_frame_num_allowed_flag", 0);
    p->pic_width_in_mbs_minus1 = get(s, "pic_width_in_mbs_minus1", 0);
    p->pic_height_in_map_units_minus1 = get(s, "pic_height_in_map_units_minus1", 0);
    p->flags.frame_mbs_only_flag = get(s, "frame_mbs_only_flag", 0);
    p->flags.mb_adaptive_frame_field_flag = get(s, "mb_adaptive_frame_field_flag", 0);
    p->flags.direct_8x8_inference_flag = get(s, "direct_8x8_inference_flag", 0);
    p->flags.seq_scaling_matrix_present_flag = get(s, "seq_scaling_matrix_present_flag", 0);
    rebuild_lists(s, "seq_scaling_list_present_flag", &slot->lists);
    p->pScalingLists = &slot->lists;

    /* The SPS control of the translated struct carries the traced numbers. */
    struct v4l2_ctrl_h264_sps v;
    EXPECT_EQ("fill_sps", vkv4l2_h264_fill_sps(p, &v), 0);
    EXPECT_EQ("sps.profile_idc", v.profile_idc, get(s, "profile_idc", 0));
    EXPECT_EQ("sps.level_idc", v.level_idc, get(s, "level_idc", 0));
    EXPECT_EQ("sps.max_num_ref_frames", v.max_num_ref_frames, get(s, "max_num_ref_frames", 0));
}

static void build_pps(const struct section *s)
{
    unsigned id = get(s, "pic_parameter_set_id", 0);
    struct pps_slot *slot = &ppss[id & 255];
    StdVideoH264PictureParameterSet *p = &slot->pps;

    memset(slot, 0, sizeof(*slot));
    slot->valid = true;
    p->pic_parameter_set_id = id;
    p->seq_parameter_set_id = get(s, "seq_parameter_set_id", 0);
    p->flags.entropy_coding_mode_flag = get(s, "entropy_coding_mode_flag", 0);
    p->flags.bottom_field_pic_order_in_frame_present_flag =
        get(s, "bottom_field_pic_order_in_frame_present_flag", 0);
    p->num_ref_idx_l0_default_active_minus1 = get(s, "num_ref_idx_l0_default_active_minus1", 0);
    p->num_ref_idx_l1_default_active_minus1 = get(s, "num_ref_idx_l1_default_active_minus1", 0);
    p->flags.weighted_pred_flag = get(s, "weighted_pred_flag", 0);
    p->weighted_bipred_idc = get(s, "weighted_bipred_idc", 0);
    p->pic_init_qp_minus26 = get(s, "pic_init_qp_minus26", 0);
    p->pic_init_qs_minus26 = get(s, "pic_init_qs_minus26", 0);
    p->chroma_qp_index_offset = get(s, "chroma_qp_index_offset", 0);
    p->flags.deblocking_filter_control_present_flag = get(s, "deblocking_filter_control_present_flag", 0);
    p->flags.constrained_intra_pred_flag = get(s, "constrained_intra_pred_flag", 0);
    p->flags.redundant_pic_cnt_present_flag = get(s, "redundant_pic_cnt_present_flag", 0);
    p->flags.transform_8x8_mode_flag = get(s, "transform_8x8_mode_flag", 0);
    p->flags.pic_scaling_matrix_present_flag = get(s, "pic_scaling_matrix_present_flag", 0);
    p->second_chroma_qp_index_offset = get(s, "second_chroma_qp_index_offset", p->chroma_qp_index_offset);
    rebuild_lists(s, "pic_scaling_list_present_flag", &slot->lists);
    p->pScalingLists = &slot->lists;
}

struct counts {
    unsigned slices, mmco, rplm, weights, b_slices, with_marking;
};

static bool is_poc_elem(const char *n)
{
    return !strcmp(n, "pic_order_cnt_lsb") || !strcmp(n, "delta_pic_order_cnt_bottom") ||
           !strcmp(n, "delta_pic_order_cnt[0]") || !strcmp(n, "delta_pic_order_cnt[1]");
}

static void check_bit_sizes(const struct section *s, const struct vkv4l2_h264_slice_header *sh)
{
    unsigned poc_start = 0, poc_end = 0, mark_start = 0, mark_end = 0, end = 0;
    bool in_poc = false, in_mark = false;

    for (unsigned i = 0; i < s->n; i++) {
        const struct elem *e = &s->e[i];
        if (is_poc_elem(e->name)) {
            if (!in_poc)
                poc_start = e->pos;
            in_poc = true;
            poc_end = e->pos + e->nbits;
        }
        if (!strcmp(e->name, "no_output_of_prior_pics_flag") ||
            !strcmp(e->name, "adaptive_ref_pic_marking_mode_flag")) {
            mark_start = e->pos;
            in_mark = true;
        }
        if (in_mark && (!strcmp(e->name, "cabac_init_idc") || !strcmp(e->name, "slice_qp_delta"))) {
            mark_end = e->pos;
            in_mark = false;
        }
        if (strcmp(e->name, "cabac_alignment_one_bit"))
            end = e->pos + e->nbits;
    }
    EXPECT_EQ("pic_order_cnt_bit_size", sh->pic_order_cnt_bit_size, poc_end - poc_start);
    EXPECT_EQ("dec_ref_pic_marking_bit_size", sh->dec_ref_pic_marking_bit_size, mark_end - mark_start);
    EXPECT_EQ("header_bit_size", sh->header_bit_size, end);
}

static void check_slice(const struct section *s, const uint8_t *nal, size_t size, struct counts *c)
{
    struct vkv4l2_h264_slice_header sh;
    int pps_id = vkv4l2_h264_slice_pps_id(nal, size);

    EXPECT_EQ("slice_pps_id", pps_id, get(s, "pic_parameter_set_id", -1));
    if (pps_id < 0 || !ppss[pps_id].valid || !spss[ppss[pps_id].pps.seq_parameter_set_id & 31].valid) {
        failures++;
        return;
    }
    const StdVideoH264PictureParameterSet *pps = &ppss[pps_id].pps;
    const StdVideoH264SequenceParameterSet *sps = &spss[pps->seq_parameter_set_id & 31].sps;
    int ret = vkv4l2_h264_parse_slice_header(nal, size, sps, pps, &sh);
    EXPECT_EQ("parse result", ret, 0);
    if (ret < 0)
        return;
    c->slices++;

    EXPECT_EQ("nal_ref_idc", sh.nal_ref_idc, get(s, "nal_ref_idc", -1));
    EXPECT_EQ("nal_unit_type", sh.nal_unit_type, get(s, "nal_unit_type", -1));
    EXPECT_EQ("first_mb_in_slice", sh.first_mb_in_slice, get(s, "first_mb_in_slice", -1));
    EXPECT_EQ("slice_type", sh.slice_type, get(s, "slice_type", -1) % 5);
    EXPECT_EQ("colour_plane_id", sh.colour_plane_id, get(s, "colour_plane_id", 0));
    EXPECT_EQ("frame_num", sh.frame_num, get(s, "frame_num", -1));
    EXPECT_EQ("field_pic_flag", sh.field_pic_flag, get(s, "field_pic_flag", 0));
    EXPECT_EQ("bottom_field_flag", sh.bottom_field_flag, get(s, "bottom_field_flag", 0));
    EXPECT_EQ("idr_pic_id", sh.idr_pic_id, get(s, "idr_pic_id", 0));
    EXPECT_EQ("pic_order_cnt_lsb", sh.pic_order_cnt_lsb, get(s, "pic_order_cnt_lsb", 0));
    EXPECT_EQ("delta_pic_order_cnt_bottom", sh.delta_pic_order_cnt_bottom, get(s, "delta_pic_order_cnt_bottom", 0));
    EXPECT_EQ("delta_pic_order_cnt[0]", sh.delta_pic_order_cnt[0], get(s, "delta_pic_order_cnt[0]", 0));
    EXPECT_EQ("delta_pic_order_cnt[1]", sh.delta_pic_order_cnt[1], get(s, "delta_pic_order_cnt[1]", 0));
    EXPECT_EQ("redundant_pic_cnt", sh.redundant_pic_cnt, get(s, "redundant_pic_cnt", 0));
    EXPECT_EQ("direct_spatial_mv_pred_flag", sh.direct_spatial_mv_pred_flag, get(s, "direct_spatial_mv_pred_flag", 0));
    EXPECT_EQ("num_ref_idx_active_override_flag", sh.num_ref_idx_active_override_flag,
              get(s, "num_ref_idx_active_override_flag", 0));
    if (sh.slice_type != 2 && sh.slice_type != 4)
        EXPECT_EQ("num_ref_idx_l0_active_minus1", sh.num_ref_idx_l0_active_minus1,
                  get(s, "num_ref_idx_l0_active_minus1", pps->num_ref_idx_l0_default_active_minus1));
    if (sh.slice_type == 1) {
        c->b_slices++;
        EXPECT_EQ("num_ref_idx_l1_active_minus1", sh.num_ref_idx_l1_active_minus1,
                  get(s, "num_ref_idx_l1_active_minus1", pps->num_ref_idx_l1_default_active_minus1));
    }
    EXPECT_EQ("no_output_of_prior_pics_flag", sh.no_output_of_prior_pics_flag, get(s, "no_output_of_prior_pics_flag", 0));
    EXPECT_EQ("long_term_reference_flag", sh.long_term_reference_flag, get(s, "long_term_reference_flag", 0));
    EXPECT_EQ("adaptive_ref_pic_marking_mode_flag", sh.adaptive_ref_pic_marking_mode_flag,
              get(s, "adaptive_ref_pic_marking_mode_flag", 0));
    EXPECT_EQ("cabac_init_idc", sh.cabac_init_idc, get(s, "cabac_init_idc", 0));
    EXPECT_EQ("slice_qp_delta", sh.slice_qp_delta, get(s, "slice_qp_delta", -999));
    EXPECT_EQ("sp_for_switch_flag", sh.sp_for_switch_flag, get(s, "sp_for_switch_flag", 0));
    EXPECT_EQ("slice_qs_delta", sh.slice_qs_delta, get(s, "slice_qs_delta", 0));
    EXPECT_EQ("disable_deblocking_filter_idc", sh.disable_deblocking_filter_idc,
              get(s, "disable_deblocking_filter_idc", 0));
    EXPECT_EQ("slice_alpha_c0_offset_div2", sh.slice_alpha_c0_offset_div2, get(s, "slice_alpha_c0_offset_div2", 0));
    EXPECT_EQ("slice_beta_offset_div2", sh.slice_beta_offset_div2, get(s, "slice_beta_offset_div2", 0));
    EXPECT_EQ("has_pred_weight_table", sh.has_pred_weight_table, find(s, "luma_log2_weight_denom") != NULL);
    EXPECT_EQ("luma_log2_weight_denom", sh.pwt.luma_log2_weight_denom, get(s, "luma_log2_weight_denom", 0));
    EXPECT_EQ("chroma_log2_weight_denom", sh.pwt.chroma_log2_weight_denom, get(s, "chroma_log2_weight_denom", 0));

    /* Lists in syntax order: MMCOs (0 ends), modifications (3 ends),
     * explicit weights. */
    unsigned n_mmco = 0, n_rplm[2] = { 0, 0 }, list = 0;
    for (unsigned i = 0; i < s->n; i++) {
        const struct elem *e = &s->e[i];
        unsigned l, r, j;
        if (!strcmp(e->name, "ref_pic_list_modification_flag_l1"))
            list = 1;
        if (!strcmp(e->name, "memory_management_control_operation") && e->val) {
            EXPECT_EQ("mmco.op", n_mmco < sh.num_mmco ? sh.mmco[n_mmco].op : 0, e->val);
            n_mmco++;
        } else if (!strcmp(e->name, "modification_of_pic_nums_idc") && e->val != 3) {
            EXPECT_EQ("rplm.idc", n_rplm[list] < sh.num_rplm[list]
                                      ? sh.rplm[list][n_rplm[list]].modification_of_pic_nums_idc : 9, e->val);
            if (n_rplm[list] < sh.num_rplm[list] && i + 1 < s->n)
                EXPECT_EQ("rplm.value", sh.rplm[list][n_rplm[list]].value, s->e[i + 1].val);
            n_rplm[list]++;
        } else if (sscanf(e->name, "luma_weight_l%u[%u]", &l, &r) == 2 && l < 2 && r < 32) {
            EXPECT_EQ("luma_weight", sh.pwt.luma_weight[l][r], e->val);
            c->weights++;
        } else if (sscanf(e->name, "luma_offset_l%u[%u]", &l, &r) == 2 && l < 2 && r < 32) {
            EXPECT_EQ("luma_offset", sh.pwt.luma_offset[l][r], e->val);
        } else if (sscanf(e->name, "chroma_weight_l%u[%u][%u]", &l, &r, &j) == 3 && l < 2 && r < 32 && j < 2) {
            EXPECT_EQ("chroma_weight", sh.pwt.chroma_weight[l][r][j], e->val);
        } else if (sscanf(e->name, "chroma_offset_l%u[%u][%u]", &l, &r, &j) == 3 && l < 2 && r < 32 && j < 2) {
            EXPECT_EQ("chroma_offset", sh.pwt.chroma_offset[l][r][j], e->val);
        }
    }
    EXPECT_EQ("num_mmco", sh.num_mmco, n_mmco);
    EXPECT_EQ("num_rplm[0]", sh.num_rplm[0], n_rplm[0]);
    EXPECT_EQ("num_rplm[1]", sh.num_rplm[1], n_rplm[1]);
    c->mmco += n_mmco;
    c->rplm += n_rplm[0] + n_rplm[1];
    c->with_marking += sh.nal_ref_idc != 0;
    check_bit_sizes(s, &sh);

    /* A truncated NAL is an error, never a read past the end. */
    struct vkv4l2_h264_slice_header tmp;
    size_t cut = (sh.header_bit_size - 1) / 8;
    EXPECT_EQ("parse truncated", vkv4l2_h264_parse_slice_header(nal, cut, sps, pps, &tmp), -EINVAL);
}

/* high_scaling: x264 got raster matrices (cqm4i / cqm8i in the generate
 * table); lists it was not given stay flat (16). */
static void check_scaling(const char *generate)
{
    FILE *f = fopen(generate, "r");
    char line[4096];
    int cqm4i[16], cqm8i[64];
    bool found = false;

    if (!f) {
        failures++;
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        char *a = strstr(line, "cqm4i="), *b = strstr(line, "cqm8i=");
        if (strncmp(line, "high_scaling ", 13) || !a || !b)
            continue;
        a += 6;
        b += 6;
        for (unsigned i = 0; i < 16; i++)
            cqm4i[i] = strtol(a, &a, 10), a += (*a == ',');
        for (unsigned i = 0; i < 64; i++)
            cqm8i[i] = strtol(b, &b, 10), b += (*b == ',');
        found = true;
    }
    fclose(f);
    if (!found || !ppss[0].valid || !spss[0].valid) {
        fprintf(stderr, "high_scaling: no cqm in %s or no PPS 0\n", generate);
        failures++;
        return;
    }
    struct v4l2_ctrl_h264_scaling_matrix m;
    struct v4l2_ctrl_h264_pps v;
    cur_slice = 0;
    EXPECT_EQ("fill_scaling_matrix", vkv4l2_h264_fill_scaling_matrix(&spss[0].sps, &ppss[0].pps, &m), 0);
    EXPECT_EQ("fill_pps", vkv4l2_h264_fill_pps(&spss[0].sps, &ppss[0].pps, &v), 0);
    EXPECT_EQ("SCALING_MATRIX_PRESENT", !!(v.flags & V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT), 1);
    for (unsigned k = 0; k < 16; k++) {
        for (unsigned i = 0; i < 3; i++)
            EXPECT_EQ("scaling_list_4x4 intra", m.scaling_list_4x4[i][k], cqm4i[k]);
        for (unsigned i = 3; i < 6; i++)
            EXPECT_EQ("scaling_list_4x4 inter", m.scaling_list_4x4[i][k], 16);
    }
    for (unsigned k = 0; k < 64; k++) {
        EXPECT_EQ("scaling_list_8x8 intra Y", m.scaling_list_8x8[0][k], cqm8i[k]);
        EXPECT_EQ("scaling_list_8x8 inter Y", m.scaling_list_8x8[1][k], 16);
    }
}

static int check_stream(const char *dir, const char *name, const char *generate)
{
    char path[4096];
    struct trace t = { 0 };
    struct counts c = { 0 };

    snprintf(path, sizeof(path), "%s/%s.h264", dir, name);
    cur_stream = name;
    cur_slice = 0;
    memset(spss, 0, sizeof(spss));
    memset(ppss, 0, sizeof(ppss));
    if (read_trace(path, &t) < 0) {
        fprintf(stderr, "%s: no trace from ffmpeg\n", path);
        return -1;
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc(size);
    if (!data || fread(data, 1, size, f) != (size_t)size) {
        fclose(f);
        return -1;
    }
    fclose(f);

    size_t pos = 0, nal_size;
    const uint8_t *nal;
    unsigned si = 0;
    while (vkv4l2_h264_next_nal(data, size, &pos, &nal, &nal_size) == 0) {
        unsigned type = nal[0] & 31;
        enum kind k = type == 7 ? K_SPS : type == 8 ? K_PPS : (type == 1 || type == 5) ? K_SLICE : K_NONE;
        if (k == K_NONE)
            continue;
        if (si >= t.n || t.s[si].kind != k) {
            fprintf(stderr, "%s: NAL %u (type %u) does not line up with the trace\n", name, si, type);
            failures++;
            break;
        }
        const struct section *s = &t.s[si++];
        if (k == K_SPS)
            build_sps(s);
        else if (k == K_PPS)
            build_pps(s);
        else {
            cur_slice = c.slices;
            check_slice(s, nal, nal_size, &c);
        }
    }
    EXPECT_EQ("sections consumed", si, t.n);
    if (!strcmp(name, "high_scaling"))
        check_scaling(generate);
    printf("%s: %u slices (%u B, %u with dec_ref_pic_marking), %u MMCOs, %u list modifications, %u explicit luma weights\n",
           name, c.slices, c.b_slices, c.with_marking, c.mmco, c.rplm, c.weights);
    if (c.slices == 0)
        failures++;
    for (unsigned i = 0; i < t.n; i++)
        free(t.s[i].e);
    free(t.s);
    free(data);
    return 0;
}

int main(int argc, char **argv)
{
    char cmd[8192];
    int len;

    if (argc < 4) {
        fprintf(stderr, "usage: %s GENERATE STREAMS_DIR NAME...\n", argv[0]);
        return 2;
    }
    len = snprintf(cmd, sizeof(cmd), "'%s' '%s'", argv[1], argv[2]);
    for (int i = 3; i < argc && len < (int)sizeof(cmd); i++)
        len += snprintf(cmd + len, sizeof(cmd) - len, " %s", argv[i]);
    if (system(cmd) != 0) {
        fprintf(stderr, "stream generation failed: %s\n", cmd);
        return 1;
    }
    for (int i = 3; i < argc; i++)
        if (check_stream(argv[2], argv[i], argv[1]) < 0)
            failures++;
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("slice headers: all checks passed\n");
    return 0;
}
