/* Fuzz target: the recorder's deep copy of video commands and their pNext
 * chains (layer/cmd_record.c, cmd_copy_video.c, cmd_copy_sync.c).  The
 * input builds begin-coding, decode, control and barrier commands with
 * random chains of known and unknown structs, arrays and std structs; the
 * application's memory is scribbled over and freed right after recording.
 * Oracles: the sanitizers (a copy that aliases the application's memory is
 * a use after free); each copy equal to a second, untouched build of the
 * same input, with exactly the unknown structs dropped. */
#include <string.h>

#include "cmd_record.h"
#include "fuzz.h"

struct app_mem {
    void *p[4096];
    size_t size[4096];
    unsigned n;
};

static void *app_alloc(struct app_mem *m, size_t size)
{
    FUZZ_ASSERT(m->n < 4096);
    void *p = calloc(1, size);
    FUZZ_ASSERT(p);
    m->size[m->n] = size;
    m->p[m->n++] = p;
    return p;
}

static void app_free(struct app_mem *m)
{
    for (unsigned i = 0; i < m->n; i++) {
        memset(m->p[i], 0xdb, m->size[i]);
        free(m->p[i]);
    }
    m->n = 0;
}

static uint64_t handle(struct fz *f) { return 0x1000 + fz_u16(f); }

/* A chain for a video struct: H.264 picture / DPB slot info, inline query
 * info, and structs the recorder does not know (dropped, counted). */
static const void *chain(struct fz *f, struct app_mem *m, unsigned *unknown)
{
    const void *head = NULL;
    for (unsigned n = fz_range(f, 0, 4); n > 0; n--) {
        VkBaseOutStructure *s;
        switch (fz_range(f, 0, 3)) {
        case 0: {
            VkVideoDecodeH264PictureInfoKHR *pi = app_alloc(m, sizeof(*pi));
            pi->sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PICTURE_INFO_KHR;
            StdVideoDecodeH264PictureInfo *std = app_alloc(m, sizeof(*std));
            std->frame_num = (uint16_t)fz_u16(f);
            std->PicOrderCnt[1] = (int32_t)fz_u32(f);
            pi->pStdPictureInfo = std;
            pi->sliceCount = fz_range(f, 0, 40);
            uint32_t *offsets = pi->sliceCount ? app_alloc(m, 4 * pi->sliceCount) : NULL;
            for (uint32_t i = 0; i < pi->sliceCount; i++)
                offsets[i] = fz_u32(f);
            pi->pSliceOffsets = offsets;
            s = (VkBaseOutStructure *)pi;
            break;
        }
        case 1: {
            VkVideoDecodeH264DpbSlotInfoKHR *d = app_alloc(m, sizeof(*d));
            d->sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_DPB_SLOT_INFO_KHR;
            StdVideoDecodeH264ReferenceInfo *std = app_alloc(m, sizeof(*std));
            std->FrameNum = (uint16_t)fz_u16(f);
            std->PicOrderCnt[0] = (int32_t)fz_u32(f);
            d->pStdReferenceInfo = std;
            s = (VkBaseOutStructure *)d;
            break;
        }
        case 2: {
            VkVideoInlineQueryInfoKHR *q = app_alloc(m, sizeof(*q));
            q->sType = VK_STRUCTURE_TYPE_VIDEO_INLINE_QUERY_INFO_KHR;
            q->queryPool = (VkQueryPool)handle(f);
            q->firstQuery = fz_u8(f);
            q->queryCount = fz_u8(f);
            s = (VkBaseOutStructure *)q;
            break;
        }
        default: /* unknown to the recorder, with a body it must not read */
            s = app_alloc(m, sizeof(*s) + 64);
            s->sType = (VkStructureType)(1000999000 + fz_u8(f));
            (*unknown)++;
            break;
        }
        s->pNext = (VkBaseOutStructure *)head;
        head = s;
    }
    return head;
}

static const VkVideoReferenceSlotInfoKHR *slots(struct fz *f, struct app_mem *m, uint32_t count,
                                                unsigned *unknown)
{
    if (!count)
        return fz_bool(f) ? NULL : app_alloc(m, 1); /* a count of 0 may come with junk */
    VkVideoReferenceSlotInfoKHR *s = app_alloc(m, sizeof(*s) * count);
    for (uint32_t i = 0; i < count; i++) {
        s[i].sType = VK_STRUCTURE_TYPE_VIDEO_REFERENCE_SLOT_INFO_KHR;
        s[i].pNext = chain(f, m, unknown);
        s[i].slotIndex = (int32_t)fz_range(f, 0, 17) - 1;
        if (fz_range(f, 0, 3)) {
            VkVideoPictureResourceInfoKHR *r = app_alloc(m, sizeof(*r));
            r->sType = VK_STRUCTURE_TYPE_VIDEO_PICTURE_RESOURCE_INFO_KHR;
            r->pNext = chain(f, m, unknown);
            r->codedExtent = (VkExtent2D){ fz_u16(f), fz_u16(f) };
            r->baseArrayLayer = fz_u8(f);
            r->imageViewBinding = (VkImageView)handle(f);
            s[i].pPictureResource = r;
        }
    }
    return s;
}

/* Records the commands the input describes into list. */
static void build_and_record(struct fz *f, struct app_mem *m, struct vkv4l2_cmd_list *list,
                             unsigned *unknown)
{
    for (unsigned n = fz_range(f, 1, 6); n > 0 && f->n; n--) {
        switch (fz_range(f, 0, 3)) {
        case 0: {
            VkVideoBeginCodingInfoKHR b = {
                .sType = VK_STRUCTURE_TYPE_VIDEO_BEGIN_CODING_INFO_KHR,
                .pNext = chain(f, m, unknown),
                .videoSession = (VkVideoSessionKHR)handle(f),
                .videoSessionParameters = (VkVideoSessionParametersKHR)handle(f),
                .referenceSlotCount = fz_range(f, 0, 17),
            };
            b.pReferenceSlots = slots(f, m, b.referenceSlotCount, unknown);
            FUZZ_ASSERT(vkv4l2_record_begin_video_coding(list, &b) == VK_SUCCESS);
            break;
        }
        case 1: {
            VkVideoDecodeInfoKHR d = {
                .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_INFO_KHR,
                .pNext = chain(f, m, unknown),
                .srcBuffer = (VkBuffer)handle(f),
                .srcBufferOffset = fz_u32(f),
                .srcBufferRange = fz_u32(f),
                .dstPictureResource = {
                    .sType = VK_STRUCTURE_TYPE_VIDEO_PICTURE_RESOURCE_INFO_KHR,
                    .pNext = chain(f, m, unknown),
                    .imageViewBinding = (VkImageView)handle(f),
                },
                .referenceSlotCount = fz_range(f, 0, 16),
            };
            d.pSetupReferenceSlot = fz_bool(f) ? slots(f, m, 1, unknown) : NULL;
            d.pReferenceSlots = slots(f, m, d.referenceSlotCount, unknown);
            FUZZ_ASSERT(vkv4l2_record_decode_video(list, &d) == VK_SUCCESS);
            break;
        }
        case 2: {
            VkVideoCodingControlInfoKHR c = {
                .sType = VK_STRUCTURE_TYPE_VIDEO_CODING_CONTROL_INFO_KHR,
                .pNext = chain(f, m, unknown), /* decode knows no control struct */
                .flags = VK_VIDEO_CODING_CONTROL_RESET_BIT_KHR,
            };
            for (const VkBaseInStructure *s = c.pNext; s; s = s->pNext)
                if (s->sType < 1000999000)
                    (*unknown)++;
            FUZZ_ASSERT(vkv4l2_record_control_video_coding(list, &c) == VK_SUCCESS);
            break;
        }
        default: {
            VkDependencyInfo dep = { .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO };
            dep.imageMemoryBarrierCount = fz_range(f, 0, 5);
            VkImageMemoryBarrier2 *ib = dep.imageMemoryBarrierCount
                ? app_alloc(m, sizeof(*ib) * dep.imageMemoryBarrierCount) : NULL;
            for (uint32_t i = 0; i < dep.imageMemoryBarrierCount; i++) {
                ib[i].sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2;
                ib[i].oldLayout = (VkImageLayout)fz_range(f, 0, 8);
                ib[i].newLayout = VK_IMAGE_LAYOUT_VIDEO_DECODE_DPB_KHR;
                ib[i].image = (VkImage)handle(f);
            }
            dep.pImageMemoryBarriers = ib;
            dep.bufferMemoryBarrierCount = fz_range(f, 0, 3);
            VkBufferMemoryBarrier2 *bb = dep.bufferMemoryBarrierCount
                ? app_alloc(m, sizeof(*bb) * dep.bufferMemoryBarrierCount) : NULL;
            for (uint32_t i = 0; i < dep.bufferMemoryBarrierCount; i++) {
                bb[i].sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2;
                bb[i].size = fz_u32(f);
            }
            dep.pBufferMemoryBarriers = bb;
            FUZZ_ASSERT(vkv4l2_record_pipeline_barrier2(list, &dep) == VK_SUCCESS);
            break;
        }
        }
    }
}

/* ---- equality of two copies ---- */

static size_t known_size(VkStructureType t)
{
    switch (t) {
    case VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PICTURE_INFO_KHR:
        return sizeof(VkVideoDecodeH264PictureInfoKHR);
    case VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_DPB_SLOT_INFO_KHR:
        return sizeof(VkVideoDecodeH264DpbSlotInfoKHR);
    case VK_STRUCTURE_TYPE_VIDEO_INLINE_QUERY_INFO_KHR:
        return sizeof(VkVideoInlineQueryInfoKHR);
    default:
        return 0;
    }
}

static void same_chain(const void *a, const void *b)
{
    const VkBaseInStructure *x = a, *y = b;
    for (; x && y; x = x->pNext, y = y->pNext) {
        FUZZ_ASSERT(x->sType == y->sType && known_size(x->sType));
        if (x->sType == VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PICTURE_INFO_KHR) {
            const VkVideoDecodeH264PictureInfoKHR *p = (const void *)x, *q = (const void *)y;
            FUZZ_ASSERT(p->sliceCount == q->sliceCount);
            FUZZ_ASSERT(!memcmp(p->pStdPictureInfo, q->pStdPictureInfo,
                                sizeof(*p->pStdPictureInfo)));
            FUZZ_ASSERT(!p->sliceCount ||
                        !memcmp(p->pSliceOffsets, q->pSliceOffsets, 4 * p->sliceCount));
        } else if (x->sType == VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_DPB_SLOT_INFO_KHR) {
            const VkVideoDecodeH264DpbSlotInfoKHR *p = (const void *)x, *q = (const void *)y;
            FUZZ_ASSERT(!memcmp(p->pStdReferenceInfo, q->pStdReferenceInfo,
                                sizeof(*p->pStdReferenceInfo)));
        } else {
            const VkVideoInlineQueryInfoKHR *p = (const void *)x, *q = (const void *)y;
            FUZZ_ASSERT(p->queryPool == q->queryPool && p->firstQuery == q->firstQuery &&
                        p->queryCount == q->queryCount);
        }
    }
    FUZZ_ASSERT(!x && !y);
}

static void same_resource(const VkVideoPictureResourceInfoKHR *a,
                          const VkVideoPictureResourceInfoKHR *b)
{
    FUZZ_ASSERT(!a == !b);
    if (!a)
        return;
    same_chain(a->pNext, b->pNext);
    FUZZ_ASSERT(a->codedExtent.width == b->codedExtent.width &&
                a->codedExtent.height == b->codedExtent.height &&
                a->baseArrayLayer == b->baseArrayLayer &&
                a->imageViewBinding == b->imageViewBinding);
}

static void same_slots(const VkVideoReferenceSlotInfoKHR *a, const VkVideoReferenceSlotInfoKHR *b,
                       uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        same_chain(a[i].pNext, b[i].pNext);
        FUZZ_ASSERT(a[i].slotIndex == b[i].slotIndex);
        same_resource(a[i].pPictureResource, b[i].pPictureResource);
    }
}

static void same_list(const struct vkv4l2_cmd_list *a, const struct vkv4l2_cmd_list *b)
{
    FUZZ_ASSERT(a->count == b->count && a->dropped_struct_count == b->dropped_struct_count);
    const struct vkv4l2_cmd *y = b->first;
    vkv4l2_cmd_list_foreach(x, a) {
        FUZZ_ASSERT(y && x->type == y->type);
        switch (x->type) {
        case VKV4L2_CMD_BEGIN_VIDEO_CODING: {
            const VkVideoBeginCodingInfoKHR *p = &x->u.begin_video_coding,
                                            *q = &y->u.begin_video_coding;
            same_chain(p->pNext, q->pNext);
            FUZZ_ASSERT(p->videoSession == q->videoSession &&
                        p->videoSessionParameters == q->videoSessionParameters &&
                        p->referenceSlotCount == q->referenceSlotCount);
            same_slots(p->pReferenceSlots, q->pReferenceSlots, p->referenceSlotCount);
            break;
        }
        case VKV4L2_CMD_DECODE_VIDEO: {
            const VkVideoDecodeInfoKHR *p = &x->u.decode_video, *q = &y->u.decode_video;
            same_chain(p->pNext, q->pNext);
            FUZZ_ASSERT(p->srcBuffer == q->srcBuffer && p->srcBufferOffset == q->srcBufferOffset &&
                        p->srcBufferRange == q->srcBufferRange &&
                        p->referenceSlotCount == q->referenceSlotCount);
            same_resource(&p->dstPictureResource, &q->dstPictureResource);
            FUZZ_ASSERT(!p->pSetupReferenceSlot == !q->pSetupReferenceSlot);
            if (p->pSetupReferenceSlot)
                same_slots(p->pSetupReferenceSlot, q->pSetupReferenceSlot, 1);
            same_slots(p->pReferenceSlots, q->pReferenceSlots, p->referenceSlotCount);
            break;
        }
        case VKV4L2_CMD_CONTROL_VIDEO_CODING:
            FUZZ_ASSERT(!x->u.control_video_coding.pNext && !y->u.control_video_coding.pNext);
            FUZZ_ASSERT(x->u.control_video_coding.flags == y->u.control_video_coding.flags);
            break;
        case VKV4L2_CMD_PIPELINE_BARRIER2: {
            const VkDependencyInfo *p = &x->u.pipeline_barrier2, *q = &y->u.pipeline_barrier2;
            FUZZ_ASSERT(p->imageMemoryBarrierCount == q->imageMemoryBarrierCount &&
                        p->bufferMemoryBarrierCount == q->bufferMemoryBarrierCount);
            for (uint32_t i = 0; i < p->imageMemoryBarrierCount; i++)
                FUZZ_ASSERT(p->pImageMemoryBarriers[i].image == q->pImageMemoryBarriers[i].image &&
                            p->pImageMemoryBarriers[i].oldLayout ==
                                q->pImageMemoryBarriers[i].oldLayout);
            for (uint32_t i = 0; i < p->bufferMemoryBarrierCount; i++)
                FUZZ_ASSERT(p->pBufferMemoryBarriers[i].size == q->pBufferMemoryBarriers[i].size);
            break;
        }
        default:
            FUZZ_ASSERT(0);
        }
        y = y->next;
    }
    FUZZ_ASSERT(!y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct app_mem m1, m2;
    struct vkv4l2_cmd_list a, b;
    vkv4l2_cmd_list_init(&a, NULL);
    vkv4l2_cmd_list_init(&b, NULL);
    unsigned unknown_a = 0, unknown_b = 0;
    struct fz f1 = { data, size }, f2 = { data, size };
    build_and_record(&f1, &m1, &a, &unknown_a);
    app_free(&m1); /* the application reuses its memory at once */
    build_and_record(&f2, &m2, &b, &unknown_b);
    FUZZ_ASSERT(vkv4l2_cmd_list_status(&a) == VK_SUCCESS);
    FUZZ_ASSERT(a.dropped_struct_count == unknown_a);
    same_list(&a, &b);
    app_free(&m2);
    /* Reset and re-record: storage reused, nothing of the old list left. */
    vkv4l2_cmd_list_reset(&a);
    FUZZ_ASSERT(a.count == 0 && !a.first && a.dropped_struct_count == 0);
    vkv4l2_cmd_list_fini(&a);
    vkv4l2_cmd_list_fini(&b);
    return 0;
}
