/* Unit test of the command recorder's struct coverage: unknown pNext
 * structs are dropped (and reported) while the known ones around them are
 * kept in order; H.265 and AV1 chains.  Barriers, events and labels
 * are in test_record_sync.c.  Every original is scribbled over and freed
 * before the copies are checked. */
#include <stddef.h>
#include <string.h>

#include "app_frames.h"

#define MAX_DROPS 16
struct drop_log {
    unsigned n;
    struct { enum vkv4l2_cmd_type cmd; VkStructureType parent, dropped; } e[MAX_DROPS];
};

static void log_drop(void *user, enum vkv4l2_cmd_type cmd, VkStructureType parent,
                     VkStructureType dropped)
{
    struct drop_log *log = user;
    EXPECT(log->n < MAX_DROPS);
    log->e[log->n].cmd = cmd;
    log->e[log->n].parent = parent;
    log->e[log->n].dropped = dropped;
    log->n++;
}

static void expect_drop(const struct drop_log *log, unsigned i, enum vkv4l2_cmd_type cmd,
                        VkStructureType parent, VkStructureType dropped)
{
    EXPECT(i < log->n);
    EXPECT(log->e[i].cmd == cmd);
    EXPECT(log->e[i].parent == parent);
    EXPECT(log->e[i].dropped == dropped);
}

static void test_dropped_chains(void)
{
    struct drop_log log = { 0 };
    struct vkv4l2_cmd_list list;
    vkv4l2_cmd_list_init(&list, NULL);
    vkv4l2_cmd_list_set_drop_callback(&list, log_drop, &log);

    /* Decode chain: encode rate control (unknown) -> H.264 picture ->
     * inline query (kept) -> inline session parameters (not advertised). */
    struct app_h264_frame *f = app_h264_frame_new(42, 2, 3);
    VkVideoEncodeRateControlInfoKHR rc = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_RATE_CONTROL_INFO_KHR,
        .pNext = &f->h264_pic_info,
    };
    VkVideoInlineQueryInfoKHR inline_query = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_INLINE_QUERY_INFO_KHR,
        .queryPool = APP_HANDLE(VkQueryPool, 0x8800), .firstQuery = 5, .queryCount = 1,
    };
    VkVideoDecodeH264InlineSessionParametersInfoKHR inline_params = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_INLINE_SESSION_PARAMETERS_INFO_KHR,
    };
    VkVideoProfileInfoKHR profile = { .sType = VK_STRUCTURE_TYPE_VIDEO_PROFILE_INFO_KHR };
    f->decode_info.pNext = &rc;
    f->h264_pic_info.pNext = &inline_query;
    inline_query.pNext = &inline_params;
    f->decode_info.dstPictureResource.pNext = &profile;
    EXPECT(vkv4l2_record_decode_video(&list, &f->decode_info) == VK_SUCCESS);

    /* Control: rate control and quality level are encode-only. */
    VkVideoEncodeQualityLevelInfoKHR quality = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_ENCODE_QUALITY_LEVEL_INFO_KHR,
    };
    VkVideoCodingControlInfoKHR ctrl = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_CODING_CONTROL_INFO_KHR,
        .pNext = &rc,
        .flags = VK_VIDEO_CODING_CONTROL_RESET_BIT_KHR |
                 VK_VIDEO_CODING_CONTROL_ENCODE_RATE_CONTROL_BIT_KHR,
    };
    rc.pNext = &quality;
    EXPECT(vkv4l2_record_control_video_coding(&list, &ctrl) == VK_SUCCESS);

    /* A barrier's sample locations. */
    VkSampleLocationsInfoEXT locations = { .sType = VK_STRUCTURE_TYPE_SAMPLE_LOCATIONS_INFO_EXT };
    f->img_bar[1].pNext = &locations;
    EXPECT(vkv4l2_record_pipeline_barrier2(&list, &f->dep) == VK_SUCCESS);

    EXPECT(list.dropped_struct_count == 6 && log.n == 6);
    expect_drop(&log, 0, VKV4L2_CMD_DECODE_VIDEO, VK_STRUCTURE_TYPE_VIDEO_DECODE_INFO_KHR,
                VK_STRUCTURE_TYPE_VIDEO_ENCODE_RATE_CONTROL_INFO_KHR);
    expect_drop(&log, 1, VKV4L2_CMD_DECODE_VIDEO, VK_STRUCTURE_TYPE_VIDEO_DECODE_INFO_KHR,
                VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_INLINE_SESSION_PARAMETERS_INFO_KHR);
    expect_drop(&log, 2, VKV4L2_CMD_DECODE_VIDEO, VK_STRUCTURE_TYPE_VIDEO_PICTURE_RESOURCE_INFO_KHR,
                VK_STRUCTURE_TYPE_VIDEO_PROFILE_INFO_KHR);
    expect_drop(&log, 3, VKV4L2_CMD_CONTROL_VIDEO_CODING,
                VK_STRUCTURE_TYPE_VIDEO_CODING_CONTROL_INFO_KHR,
                VK_STRUCTURE_TYPE_VIDEO_ENCODE_RATE_CONTROL_INFO_KHR);
    expect_drop(&log, 4, VKV4L2_CMD_CONTROL_VIDEO_CODING,
                VK_STRUCTURE_TYPE_VIDEO_CODING_CONTROL_INFO_KHR,
                VK_STRUCTURE_TYPE_VIDEO_ENCODE_QUALITY_LEVEL_INFO_KHR);
    expect_drop(&log, 5, VKV4L2_CMD_PIPELINE_BARRIER2, VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2,
                VK_STRUCTURE_TYPE_SAMPLE_LOCATIONS_INFO_EXT);

    memset(&inline_query, 0xa5, sizeof(inline_query));
    memset(&ctrl, 0xa5, sizeof(ctrl));
    app_h264_frame_free(f);
    struct app_h264_frame *want = app_h264_frame_new(42, 2, 3);

    const struct vkv4l2_cmd *c = list.first;
    EXPECT(c->type == VKV4L2_CMD_DECODE_VIDEO);
    const VkVideoDecodeH264PictureInfoKHR *pic = c->u.decode_video.pNext;
    EXPECT(pic && pic->sType == VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PICTURE_INFO_KHR);
    EXPECT(pic->sliceCount == 3);
    EXPECT(memcmp(pic->pSliceOffsets, want->slice_off, 3 * sizeof(uint32_t)) == 0);
    EXPECT(memcmp(pic->pStdPictureInfo, &want->h264pic, sizeof(want->h264pic)) == 0);
    const VkVideoInlineQueryInfoKHR *q = pic->pNext;
    EXPECT(q && q->sType == VK_STRUCTURE_TYPE_VIDEO_INLINE_QUERY_INFO_KHR);
    EXPECT(q->pNext == NULL);
    EXPECT(q->queryPool == APP_HANDLE(VkQueryPool, 0x8800));
    EXPECT(q->firstQuery == 5 && q->queryCount == 1);
    app_check_picture_resource(&c->u.decode_video.dstPictureResource,
                               &want->decode_info.dstPictureResource);

    c = c->next;
    EXPECT(c->type == VKV4L2_CMD_CONTROL_VIDEO_CODING);
    EXPECT(c->u.control_video_coding.pNext == NULL);
    EXPECT(c->u.control_video_coding.flags == (VK_VIDEO_CODING_CONTROL_RESET_BIT_KHR |
                                               VK_VIDEO_CODING_CONTROL_ENCODE_RATE_CONTROL_BIT_KHR));
    c = c->next;
    EXPECT(c->type == VKV4L2_CMD_PIPELINE_BARRIER2);
    app_check_dependency_info(&c->u.pipeline_barrier2, &want->dep);
    EXPECT(c->next == NULL);
    app_h264_frame_free(want);

    vkv4l2_cmd_list_reset(&list);
    EXPECT(list.dropped_struct_count == 0);
    vkv4l2_cmd_list_fini(&list);
}

/* ---- H.265 and AV1 ---- */

struct codec_frame {
    StdVideoDecodeH265PictureInfo h265_std;
    uint32_t h265_offsets[5];
    VkVideoDecodeH265PictureInfoKHR h265_pic;
    StdVideoDecodeH265ReferenceInfo h265_ref_std;
    VkVideoDecodeH265DpbSlotInfoKHR h265_dpb;

    uint16_t mi_cols[3], mi_rows[2], widths[3], heights[2];
    StdVideoAV1TileInfo tile;
    StdVideoAV1Quantization quant;
    StdVideoAV1Segmentation seg;
    StdVideoAV1LoopFilter lf;
    StdVideoAV1CDEF cdef;
    StdVideoAV1LoopRestoration lr;
    StdVideoAV1GlobalMotion gm;
    StdVideoDecodeAV1PictureInfo av1_std;
    uint32_t tile_offsets[6], tile_sizes[6];
    VkVideoDecodeAV1PictureInfoKHR av1_pic;
    StdVideoDecodeAV1ReferenceInfo av1_ref_std;
    VkVideoDecodeAV1DpbSlotInfoKHR av1_dpb;

    VkVideoPictureResourceInfoKHR res;
    VkVideoReferenceSlotInfoKHR slots[2]; /* H.265 ref, AV1 setup */
    VkVideoDecodeInfoKHR h265_info, av1_info;
};

static struct codec_frame *codec_frame_new(uint32_t seed)
{
    struct codec_frame *f = calloc(1, sizeof(*f));
    EXPECT(f);
    uint32_t rng = seed;
    app_fill(f, sizeof(*f), &rng); /* every array and std struct seeded */

    f->h265_pic = (VkVideoDecodeH265PictureInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H265_PICTURE_INFO_KHR,
        .pStdPictureInfo = &f->h265_std, .sliceSegmentCount = 5,
        .pSliceSegmentOffsets = f->h265_offsets,
    };
    f->h265_dpb = (VkVideoDecodeH265DpbSlotInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H265_DPB_SLOT_INFO_KHR,
        .pStdReferenceInfo = &f->h265_ref_std,
    };
    f->tile.TileCols = 3;
    f->tile.TileRows = 2;
    f->tile.pMiColStarts = f->mi_cols;
    f->tile.pMiRowStarts = f->mi_rows;
    f->tile.pWidthInSbsMinus1 = f->widths;
    f->tile.pHeightInSbsMinus1 = f->heights;
    f->av1_std.pTileInfo = &f->tile;
    f->av1_std.pQuantization = &f->quant;
    f->av1_std.pSegmentation = &f->seg;
    f->av1_std.pLoopFilter = &f->lf;
    f->av1_std.pCDEF = &f->cdef;
    f->av1_std.pLoopRestoration = &f->lr;
    f->av1_std.pGlobalMotion = &f->gm;
    f->av1_std.pFilmGrain = NULL; /* absent: stays absent */
    VkVideoDecodeAV1PictureInfoKHR av1 = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_AV1_PICTURE_INFO_KHR,
        .pStdPictureInfo = &f->av1_std,
        .frameHeaderOffset = seed % 1000, .tileCount = 6,
        .pTileOffsets = f->tile_offsets, .pTileSizes = f->tile_sizes,
    };
    memcpy(av1.referenceNameSlotIndices, f->tile_offsets, sizeof(av1.referenceNameSlotIndices));
    f->av1_pic = av1;
    f->av1_dpb = (VkVideoDecodeAV1DpbSlotInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_AV1_DPB_SLOT_INFO_KHR,
        .pStdReferenceInfo = &f->av1_ref_std,
    };
    f->res = (VkVideoPictureResourceInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_PICTURE_RESOURCE_INFO_KHR,
        .codedExtent = { 1920, 1088 }, .imageViewBinding = APP_HANDLE(VkImageView, 0x9900),
    };
    for (int i = 0; i < 2; i++)
        f->slots[i] = (VkVideoReferenceSlotInfoKHR){
            .sType = VK_STRUCTURE_TYPE_VIDEO_REFERENCE_SLOT_INFO_KHR,
            .pNext = i ? (const void *)&f->av1_dpb : (const void *)&f->h265_dpb,
            .slotIndex = 4 + i, .pPictureResource = &f->res,
        };
    f->h265_info = (VkVideoDecodeInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_INFO_KHR, .pNext = &f->h265_pic,
        .dstPictureResource = f->res, .referenceSlotCount = 1, .pReferenceSlots = &f->slots[0],
    };
    f->av1_info = (VkVideoDecodeInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_INFO_KHR, .pNext = &f->av1_pic,
        .dstPictureResource = f->res, .pSetupReferenceSlot = &f->slots[1],
    };
    return f;
}

static void test_h265_av1(void)
{
    struct vkv4l2_cmd_list list;
    vkv4l2_cmd_list_init(&list, NULL);
    struct codec_frame *app = codec_frame_new(77);
    EXPECT(vkv4l2_record_decode_video(&list, &app->h265_info) == VK_SUCCESS);
    EXPECT(vkv4l2_record_decode_video(&list, &app->av1_info) == VK_SUCCESS);
    EXPECT(list.dropped_struct_count == 0);
    app_scribble_free(app, sizeof(*app));
    struct codec_frame *want = codec_frame_new(77);

    const VkVideoDecodeInfoKHR *h265 = &list.first->u.decode_video;
    const VkVideoDecodeH265PictureInfoKHR *hp = h265->pNext;
    EXPECT(hp && hp->sType == VK_STRUCTURE_TYPE_VIDEO_DECODE_H265_PICTURE_INFO_KHR && !hp->pNext);
    EXPECT(memcmp(hp->pStdPictureInfo, &want->h265_std, sizeof(want->h265_std)) == 0);
    EXPECT(hp->sliceSegmentCount == 5);
    EXPECT(memcmp(hp->pSliceSegmentOffsets, want->h265_offsets, sizeof(want->h265_offsets)) == 0);
    EXPECT(h265->pSetupReferenceSlot == NULL && h265->referenceSlotCount == 1);
    EXPECT(h265->pReferenceSlots[0].slotIndex == 4);
    app_check_picture_resource(h265->pReferenceSlots[0].pPictureResource, &want->res);
    const VkVideoDecodeH265DpbSlotInfoKHR *hd = h265->pReferenceSlots[0].pNext;
    EXPECT(hd && hd->sType == VK_STRUCTURE_TYPE_VIDEO_DECODE_H265_DPB_SLOT_INFO_KHR && !hd->pNext);
    EXPECT(memcmp(hd->pStdReferenceInfo, &want->h265_ref_std, sizeof(want->h265_ref_std)) == 0);

    const VkVideoDecodeInfoKHR *av1 = &list.first->next->u.decode_video;
    const VkVideoDecodeAV1PictureInfoKHR *ap = av1->pNext;
    EXPECT(ap && ap->sType == VK_STRUCTURE_TYPE_VIDEO_DECODE_AV1_PICTURE_INFO_KHR && !ap->pNext);
    EXPECT(memcmp(ap->referenceNameSlotIndices, want->av1_pic.referenceNameSlotIndices,
                  sizeof(ap->referenceNameSlotIndices)) == 0);
    EXPECT(ap->frameHeaderOffset == want->av1_pic.frameHeaderOffset && ap->tileCount == 6);
    EXPECT(memcmp(ap->pTileOffsets, want->tile_offsets, sizeof(want->tile_offsets)) == 0);
    EXPECT(memcmp(ap->pTileSizes, want->tile_sizes, sizeof(want->tile_sizes)) == 0);
    const StdVideoDecodeAV1PictureInfo *as = ap->pStdPictureInfo;
    StdVideoDecodeAV1PictureInfo as_cmp = *as; /* scalars: compare with pointers patched */
    as_cmp.pTileInfo = want->av1_std.pTileInfo;
    as_cmp.pQuantization = want->av1_std.pQuantization;
    as_cmp.pSegmentation = want->av1_std.pSegmentation;
    as_cmp.pLoopFilter = want->av1_std.pLoopFilter;
    as_cmp.pCDEF = want->av1_std.pCDEF;
    as_cmp.pLoopRestoration = want->av1_std.pLoopRestoration;
    as_cmp.pGlobalMotion = want->av1_std.pGlobalMotion;
    EXPECT(memcmp(&as_cmp, &want->av1_std, sizeof(as_cmp)) == 0);
    EXPECT(as->pFilmGrain == NULL);
    EXPECT(memcmp(as->pQuantization, &want->quant, sizeof(want->quant)) == 0);
    EXPECT(memcmp(as->pSegmentation, &want->seg, sizeof(want->seg)) == 0);
    EXPECT(memcmp(as->pLoopFilter, &want->lf, sizeof(want->lf)) == 0);
    EXPECT(memcmp(as->pCDEF, &want->cdef, sizeof(want->cdef)) == 0);
    EXPECT(memcmp(as->pLoopRestoration, &want->lr, sizeof(want->lr)) == 0);
    EXPECT(memcmp(as->pGlobalMotion, &want->gm, sizeof(want->gm)) == 0);
    const StdVideoAV1TileInfo *t = as->pTileInfo;
    EXPECT(t->TileCols == 3 && t->TileRows == 2);
    EXPECT(memcmp(&t->flags, &want->tile.flags, offsetof(StdVideoAV1TileInfo, pMiColStarts)) == 0);
    EXPECT(memcmp(t->pMiColStarts, want->mi_cols, sizeof(want->mi_cols)) == 0);
    EXPECT(memcmp(t->pMiRowStarts, want->mi_rows, sizeof(want->mi_rows)) == 0);
    EXPECT(memcmp(t->pWidthInSbsMinus1, want->widths, sizeof(want->widths)) == 0);
    EXPECT(memcmp(t->pHeightInSbsMinus1, want->heights, sizeof(want->heights)) == 0);
    EXPECT(av1->pSetupReferenceSlot && av1->pSetupReferenceSlot->slotIndex == 5);
    EXPECT(av1->referenceSlotCount == 0 && av1->pReferenceSlots == NULL);
    const VkVideoDecodeAV1DpbSlotInfoKHR *ad = av1->pSetupReferenceSlot->pNext;
    EXPECT(ad && ad->sType == VK_STRUCTURE_TYPE_VIDEO_DECODE_AV1_DPB_SLOT_INFO_KHR && !ad->pNext);
    EXPECT(memcmp(ad->pStdReferenceInfo, &want->av1_ref_std, sizeof(want->av1_ref_std)) == 0);

    free(want);
    vkv4l2_cmd_list_fini(&list);
}

int main(void)
{
    test_dropped_chains();
    test_h265_av1();
    printf("ok\n");
    return 0;
}
