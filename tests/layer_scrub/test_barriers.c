/* Barriers, dependency infos and submissions, built as FFmpeg 7.1/8.0
 * (hwcontext_vulkan.c prepare_frame, vulkan_decode.c ff_vk_decode_frame),
 * libplacebo (hold / release of a wrapped decoder image) and a QFOT-using
 * client record them.  Expected values: the input with the rule applied. */
#include "harness.h"

#include <stdint.h>
#include <string.h>

#define IGN VK_QUEUE_FAMILY_IGNORED
#define S2(x) VK_PIPELINE_STAGE_2_##x
#define A2(x) VK_ACCESS_2_##x
#define L(x) VK_IMAGE_LAYOUT_##x
#define DRIVER VKV4L2_RECORDED_ON_DRIVER_FAMILY
#define DECODE VKV4L2_RECORDED_ON_DECODE_FAMILY
/* Byte copy (padding included) so memcmp against a scrubbed copy is fair. */
#define COPY(dst, src) memcpy(&(dst), &(src), sizeof(dst))

static const VkImage frame_image = (VkImage)(uintptr_t)0x1000;

static VkImageMemoryBarrier2 ib2(VkPipelineStageFlags2 ss, VkAccessFlags2 sa,
                                 VkPipelineStageFlags2 ds, VkAccessFlags2 da,
                                 VkImageLayout ol, VkImageLayout nl, uint32_t sq, uint32_t dq)
{
    return (VkImageMemoryBarrier2){
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2,
        .srcStageMask = ss, .srcAccessMask = sa, .dstStageMask = ds, .dstAccessMask = da,
        .oldLayout = ol, .newLayout = nl,
        .srcQueueFamilyIndex = sq, .dstQueueFamilyIndex = dq,
        .image = frame_image,
        .subresourceRange = { VK_IMAGE_ASPECT_PLANE_0_BIT, 0, 1, 0, 1 },
    };
}

static void check_ib2(const VkImageMemoryBarrier2 *got, const VkImageMemoryBarrier2 *want)
{
    CHECK_EQ(got->sType, want->sType);
    CHECK(got->pNext == want->pNext);
    CHECK_EQ(got->srcStageMask, want->srcStageMask);
    CHECK_EQ(got->srcAccessMask, want->srcAccessMask);
    CHECK_EQ(got->dstStageMask, want->dstStageMask);
    CHECK_EQ(got->dstAccessMask, want->dstAccessMask);
    CHECK_EQ(got->oldLayout, want->oldLayout);
    CHECK_EQ(got->newLayout, want->newLayout);
    CHECK_EQ(got->srcQueueFamilyIndex, want->srcQueueFamilyIndex);
    CHECK_EQ(got->dstQueueFamilyIndex, want->dstQueueFamilyIndex);
    CHECK(got->image == want->image);
    CHECK(!memcmp(&got->subresourceRange, &want->subresourceRange, sizeof(want->subresourceRange)));
}

/* Scrubs one barrier and compares it with `want`. */
static void expect_ib2(enum vkv4l2_recorded_on on, uint32_t driver_families,
                       VkImageMemoryBarrier2 in, VkImageMemoryBarrier2 want)
{
    struct env e;
    env_init(&e, driver_families);
    KEEP(in);
    const VkImageMemoryBarrier2 *out = NULL;
    CHECK_EQ(vkv4l2_scrub_image_barriers2(&e.s, on, 1, &in, &out), VK_SUCCESS);
    CHECK(out != &in);
    check_ib2(out, &want);
    CHECK_KEPT();
    env_fini(&e);
}

static void fast_path_untouched(void)
{
    struct env e;
    env_init(&e, 1);
    /* libplacebo sampling after rendering: nothing video, nothing ours */
    VkImageMemoryBarrier2 b[2] = {
        ib2(S2(COLOR_ATTACHMENT_OUTPUT_BIT), A2(COLOR_ATTACHMENT_WRITE_BIT),
            S2(FRAGMENT_SHADER_BIT), A2(SHADER_SAMPLED_READ_BIT),
            L(COLOR_ATTACHMENT_OPTIMAL), L(SHADER_READ_ONLY_OPTIMAL), IGN, IGN),
        /* FFmpeg PREP_MODE_EXTERNAL_EXPORT: driver family -> EXTERNAL */
        ib2(S2(ALL_COMMANDS_BIT), 0, S2(ALL_COMMANDS_BIT),
            A2(MEMORY_READ_BIT) | A2(MEMORY_WRITE_BIT), L(UNDEFINED), L(GENERAL),
            0, VK_QUEUE_FAMILY_EXTERNAL),
    };
    KEEP(b);
    const VkImageMemoryBarrier2 *out = NULL;
    CHECK_EQ(vkv4l2_scrub_image_barriers2(&e.s, DRIVER, 2, b, &out), VK_SUCCESS);
    CHECK(out == b);
    const VkBufferMemoryBarrier2 buf = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2,
        .srcStageMask = S2(HOST_BIT), .srcAccessMask = A2(HOST_WRITE_BIT),
        .dstStageMask = S2(TRANSFER_BIT), .dstAccessMask = A2(TRANSFER_READ_BIT),
        .srcQueueFamilyIndex = IGN, .dstQueueFamilyIndex = IGN, .size = VK_WHOLE_SIZE,
    };
    KEEP(buf);
    const VkBufferMemoryBarrier2 *bout = NULL;
    CHECK_EQ(vkv4l2_scrub_buffer_barriers2(&e.s, DRIVER, 1, &buf, &bout), VK_SUCCESS);
    CHECK(bout == &buf);
    const VkDependencyInfo dep = {
        .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
        .bufferMemoryBarrierCount = 1, .pBufferMemoryBarriers = &buf,
        .imageMemoryBarrierCount = 2, .pImageMemoryBarriers = b,
    };
    KEEP(dep);
    const VkDependencyInfo *dout = NULL;
    CHECK_EQ(vkv4l2_scrub_dependency_infos(&e.s, DRIVER, 1, &dep, &dout), VK_SUCCESS);
    CHECK(dout == &dep);
    CHECK_EQ(vkv4l2_scrub_image_barriers2(&e.s, DRIVER, 0, NULL, &out), VK_SUCCESS);
    CHECK(out == NULL);
    CHECK_NO_ALLOC(&e);
    CHECK_KEPT();
    env_fini(&e);
}

/* FFmpeg prepare_frame(PREP_MODE_DECODING_DPB) on its compute queue. */
static void ffmpeg_prepare_frame(void)
{
    VkImageMemoryBarrier2 in = ib2(S2(NONE), 0, S2(ALL_COMMANDS_BIT),
                                   VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
                                   L(UNDEFINED), L(VIDEO_DECODE_DPB_KHR), IGN, IGN);
    VkImageMemoryBarrier2 want = in;
    want.newLayout = L(GENERAL); /* rule: video layout -> GENERAL, nothing else */
    expect_ib2(DRIVER, 1, in, want);
}

/* ff_vk_decode_frame's barriers, replayed from the decode command buffer. */
static void ffmpeg_decode_barriers_replayed(void)
{
    struct env e;
    env_init(&e, 1);
    VkImageMemoryBarrier2 b[3] = {
        ib2(S2(VIDEO_DECODE_BIT_KHR), A2(NONE), S2(VIDEO_DECODE_BIT_KHR),
            A2(VIDEO_DECODE_WRITE_BIT_KHR), L(VIDEO_DECODE_DST_KHR), L(VIDEO_DECODE_DPB_KHR),
            IGN, IGN),
        ib2(S2(VIDEO_DECODE_BIT_KHR), A2(NONE), S2(VIDEO_DECODE_BIT_KHR),
            A2(VIDEO_DECODE_READ_BIT_KHR) | A2(VIDEO_DECODE_WRITE_BIT_KHR),
            L(VIDEO_DECODE_DPB_KHR), L(VIDEO_DECODE_DPB_KHR), IGN, IGN),
        ib2(S2(VIDEO_DECODE_BIT_KHR), A2(NONE), S2(VIDEO_DECODE_BIT_KHR),
            A2(VIDEO_DECODE_READ_BIT_KHR) | A2(VIDEO_DECODE_WRITE_BIT_KHR),
            L(UNDEFINED), L(VIDEO_DECODE_DPB_KHR), IGN, IGN),
    };
    KEEP(b);
    const VkDependencyInfo dep = {
        .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
        .dependencyFlags = VK_DEPENDENCY_BY_REGION_BIT,
        .imageMemoryBarrierCount = 3, .pImageMemoryBarriers = b,
    };
    KEEP(dep);
    const VkDependencyInfo *out = NULL;
    CHECK_EQ(vkv4l2_scrub_dependency_infos(&e.s, DECODE, 1, &dep, &out), VK_SUCCESS);
    CHECK(out != &dep);
    CHECK_EQ(out->sType, VK_STRUCTURE_TYPE_DEPENDENCY_INFO);
    CHECK_EQ(out->dependencyFlags, VK_DEPENDENCY_BY_REGION_BIT);
    CHECK_EQ(out->memoryBarrierCount, 0);
    CHECK_EQ(out->bufferMemoryBarrierCount, 0);
    CHECK_EQ(out->imageMemoryBarrierCount, 3); /* never dropped, even GENERAL -> GENERAL */
    for (int i = 0; i < 3; i++) {
        VkImageMemoryBarrier2 want = b[i];
        /* video-only stages -> ALL_COMMANDS, video accesses removed */
        want.srcStageMask = want.dstStageMask = S2(ALL_COMMANDS_BIT);
        want.srcAccessMask = want.dstAccessMask = 0;
        want.oldLayout = vkv4l2_is_video_layout(b[i].oldLayout) ? L(GENERAL) : b[i].oldLayout;
        want.newLayout = L(GENERAL);
        check_ib2(&out->pImageMemoryBarriers[i], &want);
    }
    CHECK_KEPT();
    env_fini(&e);
}

/* libplacebo: pl_vulkan_release_ex(layout = VIDEO_DECODE_DST, qf IGNORED),
 * then sampling; pl_vulkan_hold_ex back to the decoder's layout. */
static void libplacebo_release_and_hold(void)
{
    VkImageMemoryBarrier2 rel = ib2(S2(TOP_OF_PIPE_BIT), 0, S2(FRAGMENT_SHADER_BIT),
                                    A2(SHADER_SAMPLED_READ_BIT), L(VIDEO_DECODE_DST_KHR),
                                    L(SHADER_READ_ONLY_OPTIMAL), IGN, IGN);
    VkImageMemoryBarrier2 want = rel;
    want.oldLayout = L(GENERAL);
    expect_ib2(DRIVER, 1, rel, want);

    VkImageMemoryBarrier2 hold = ib2(S2(FRAGMENT_SHADER_BIT), A2(SHADER_SAMPLED_READ_BIT),
                                     S2(BOTTOM_OF_PIPE_BIT), 0, L(SHADER_READ_ONLY_OPTIMAL),
                                     L(VIDEO_DECODE_DPB_KHR), IGN, IGN);
    want = hold;
    want.newLayout = L(GENERAL);
    expect_ib2(DRIVER, 1, hold, want);
}

/* Ownership transfers between graphics family 0 and decode family 1. */
static void qfot_driver_halves(void)
{
    /* acquire on graphics from decode: keeps the transition, src -> ALL_COMMANDS */
    VkImageMemoryBarrier2 acq = ib2(S2(NONE), 0, S2(FRAGMENT_SHADER_BIT), A2(SHADER_READ_BIT),
                                    L(VIDEO_DECODE_DST_KHR), L(SHADER_READ_ONLY_OPTIMAL), 1, 0);
    VkImageMemoryBarrier2 want = acq;
    want.srcQueueFamilyIndex = want.dstQueueFamilyIndex = IGN;
    want.oldLayout = L(GENERAL);
    want.srcStageMask = S2(ALL_COMMANDS_BIT);
    expect_ib2(DRIVER, 1, acq, want);

    /* release from graphics to decode: keeps the transition, dst -> ALL_COMMANDS */
    VkImageMemoryBarrier2 rel = ib2(S2(FRAGMENT_SHADER_BIT), A2(SHADER_READ_BIT), S2(NONE), 0,
                                    L(SHADER_READ_ONLY_OPTIMAL), L(VIDEO_DECODE_DPB_KHR), 0, 1);
    want = rel;
    want.srcQueueFamilyIndex = want.dstQueueFamilyIndex = IGN;
    want.newLayout = L(GENERAL);
    want.dstStageMask = S2(ALL_COMMANDS_BIT);
    expect_ib2(DRIVER, 1, rel, want);

    /* layer family with no transfer, or with IGNORED: just IGNORED */
    VkImageMemoryBarrier2 same = ib2(S2(TRANSFER_BIT), A2(TRANSFER_WRITE_BIT), S2(TRANSFER_BIT),
                                     A2(TRANSFER_READ_BIT), L(VIDEO_DECODE_DST_KHR),
                                     L(VIDEO_DECODE_DPB_KHR), 1, 1);
    want = same;
    want.srcQueueFamilyIndex = want.dstQueueFamilyIndex = IGN;
    want.oldLayout = want.newLayout = L(GENERAL);
    expect_ib2(DRIVER, 1, same, want);
    same.dstQueueFamilyIndex = IGN;
    expect_ib2(DRIVER, 1, same, want);
}

static void qfot_decode_halves(void)
{
    /* release from decode, partner is graphics: the graphics acquire
     * transitions, so the replay holds the layout (scrubbed old = GENERAL) */
    VkImageMemoryBarrier2 rel = ib2(S2(VIDEO_DECODE_BIT_KHR), A2(VIDEO_DECODE_WRITE_BIT_KHR),
                                    S2(NONE), 0, L(VIDEO_DECODE_DST_KHR),
                                    L(SHADER_READ_ONLY_OPTIMAL), 1, 0);
    VkImageMemoryBarrier2 want = rel;
    want.srcQueueFamilyIndex = want.dstQueueFamilyIndex = IGN;
    want.oldLayout = want.newLayout = L(GENERAL);
    want.srcStageMask = S2(ALL_COMMANDS_BIT);
    want.srcAccessMask = 0;
    expect_ib2(DECODE, 1, rel, want);

    /* acquire onto decode: the graphics release transitioned already */
    VkImageMemoryBarrier2 acq = ib2(S2(NONE), 0, S2(VIDEO_DECODE_BIT_KHR),
                                    A2(VIDEO_DECODE_READ_BIT_KHR), L(SHADER_READ_ONLY_OPTIMAL),
                                    L(VIDEO_DECODE_DPB_KHR), 0, 1);
    want = acq;
    want.srcQueueFamilyIndex = want.dstQueueFamilyIndex = IGN;
    want.oldLayout = want.newLayout = L(GENERAL);
    want.dstStageMask = S2(ALL_COMMANDS_BIT);
    want.dstAccessMask = 0;
    expect_ib2(DECODE, 1, acq, want);

    /* acquire onto decode from EXTERNAL: no driver half exists, keep the
     * transition and widen the ignored src scope */
    VkImageMemoryBarrier2 ext = ib2(S2(NONE), 0, S2(VIDEO_DECODE_BIT_KHR),
                                    A2(VIDEO_DECODE_WRITE_BIT_KHR), L(UNDEFINED),
                                    L(VIDEO_DECODE_DST_KHR), VK_QUEUE_FAMILY_EXTERNAL, 1);
    want = ext;
    want.srcQueueFamilyIndex = want.dstQueueFamilyIndex = IGN;
    want.newLayout = L(GENERAL);
    want.srcStageMask = S2(ALL_COMMANDS_BIT);
    want.dstStageMask = S2(ALL_COMMANDS_BIT);
    want.dstAccessMask = 0;
    expect_ib2(DECODE, 1, ext, want);
}

/* Tracks one image's driver-level layout through a sequence of both halves
 * of three ownership transfers, executed in order: each scrubbed barrier
 * must start from the tracked layout, and each app-level transition must
 * happen exactly once. */
static void qfot_sequence_transitions_once(void)
{
    struct step {
        enum vkv4l2_recorded_on on;
        VkImageMemoryBarrier2 b;
    } steps[] = {
        { DRIVER, ib2(S2(NONE), 0, S2(NONE), 0, L(UNDEFINED), L(VIDEO_DECODE_DST_KHR), 0, 1) },
        { DECODE, ib2(S2(NONE), 0, S2(VIDEO_DECODE_BIT_KHR), A2(VIDEO_DECODE_WRITE_BIT_KHR),
                      L(UNDEFINED), L(VIDEO_DECODE_DST_KHR), 0, 1) },
        { DECODE, ib2(S2(VIDEO_DECODE_BIT_KHR), A2(VIDEO_DECODE_WRITE_BIT_KHR), S2(NONE), 0,
                      L(VIDEO_DECODE_DST_KHR), L(SHADER_READ_ONLY_OPTIMAL), 1, 0) },
        { DRIVER, ib2(S2(NONE), 0, S2(FRAGMENT_SHADER_BIT), A2(SHADER_READ_BIT),
                      L(VIDEO_DECODE_DST_KHR), L(SHADER_READ_ONLY_OPTIMAL), 1, 0) },
        { DRIVER, ib2(S2(FRAGMENT_SHADER_BIT), A2(SHADER_READ_BIT), S2(NONE), 0,
                      L(SHADER_READ_ONLY_OPTIMAL), L(VIDEO_DECODE_DPB_KHR), 0, 1) },
        { DECODE, ib2(S2(NONE), 0, S2(VIDEO_DECODE_BIT_KHR), A2(VIDEO_DECODE_READ_BIT_KHR),
                      L(SHADER_READ_ONLY_OPTIMAL), L(VIDEO_DECODE_DPB_KHR), 0, 1) },
    };
    const int n = (int)(sizeof(steps) / sizeof(steps[0]));
    struct env e;
    env_init(&e, 1);
    /* App-level transitions: one per transfer pair whose layouts differ
     * after scrubbing (UNDEFINED->DST, DST->SHADER_READ, SHADER_READ->DPB). */
    int want_transitions = 0;
    for (int i = 0; i < n; i += 2) {
        const VkImageMemoryBarrier2 *b = &steps[i].b;
        want_transitions += vkv4l2_scrub_layout(b->oldLayout) != vkv4l2_scrub_layout(b->newLayout);
    }
    VkImageLayout tracked = L(UNDEFINED);
    int transitions = 0;
    for (int i = 0; i < n; i++) {
        const VkImageMemoryBarrier2 *out = NULL;
        CHECK_EQ(vkv4l2_scrub_image_barriers2(&e.s, steps[i].on, 1, &steps[i].b, &out), VK_SUCCESS);
        CHECK(out->oldLayout == tracked || out->oldLayout == L(UNDEFINED));
        CHECK(!vkv4l2_is_video_layout(out->newLayout));
        CHECK_EQ(out->srcQueueFamilyIndex, IGN);
        CHECK_EQ(out->dstQueueFamilyIndex, IGN);
        transitions += out->oldLayout != out->newLayout;
        tracked = out->newLayout;
    }
    CHECK_EQ(transitions, want_transitions);
    CHECK_EQ(tracked, L(GENERAL));
    env_fini(&e);
}

/* Only the barriers that need it change; the others are byte-identical. */
static void mixed_array(void)
{
    struct env e;
    env_init(&e, 1);
    VkImageMemoryBarrier2 b[3] = {
        ib2(S2(TRANSFER_BIT), A2(TRANSFER_WRITE_BIT), S2(FRAGMENT_SHADER_BIT),
            A2(SHADER_READ_BIT), L(TRANSFER_DST_OPTIMAL), L(SHADER_READ_ONLY_OPTIMAL), IGN, IGN),
        ib2(S2(NONE), 0, S2(TRANSFER_BIT), A2(TRANSFER_WRITE_BIT), L(UNDEFINED),
            L(TRANSFER_DST_OPTIMAL), IGN, IGN),
        ib2(S2(NONE), 0, S2(ALL_COMMANDS_BIT), A2(MEMORY_WRITE_BIT), L(UNDEFINED),
            L(VIDEO_DECODE_DST_KHR), IGN, IGN),
    };
    KEEP(b);
    const VkImageMemoryBarrier2 *out = NULL;
    CHECK_EQ(vkv4l2_scrub_image_barriers2(&e.s, DRIVER, 3, b, &out), VK_SUCCESS);
    CHECK(out != b);
    CHECK(!memcmp(&out[0], &b[0], sizeof(b[0])));
    CHECK(!memcmp(&out[1], &b[1], sizeof(b[1])));
    VkImageMemoryBarrier2 want = b[2];
    want.newLayout = L(GENERAL);
    check_ib2(&out[2], &want);
    CHECK_KEPT();
    env_fini(&e);
}

static void buffer_and_memory_barriers(void)
{
    struct env e;
    env_init(&e, 1);
    /* bitstream written by the host, read by the decoder */
    const VkBufferMemoryBarrier2 bufs[2] = {
        { .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2,
          .srcStageMask = S2(HOST_BIT), .srcAccessMask = A2(HOST_WRITE_BIT),
          .dstStageMask = S2(VIDEO_DECODE_BIT_KHR), .dstAccessMask = A2(VIDEO_DECODE_READ_BIT_KHR),
          .srcQueueFamilyIndex = IGN, .dstQueueFamilyIndex = IGN, .size = VK_WHOLE_SIZE },
        /* decode-side half of a buffer transfer: buffers have no transition */
        { .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2,
          .srcStageMask = S2(NONE), .dstStageMask = S2(VIDEO_DECODE_BIT_KHR),
          .dstAccessMask = A2(VIDEO_DECODE_READ_BIT_KHR) | A2(MEMORY_READ_BIT),
          .srcQueueFamilyIndex = 0, .dstQueueFamilyIndex = 1, .offset = 256, .size = 4096 },
    };
    KEEP(bufs);
    const VkBufferMemoryBarrier2 *bout = NULL;
    CHECK_EQ(vkv4l2_scrub_buffer_barriers2(&e.s, DECODE, 2, bufs, &bout), VK_SUCCESS);
    for (int i = 0; i < 2; i++) {
        VkBufferMemoryBarrier2 want;
        COPY(want, bufs[i]);
        want.dstStageMask = S2(ALL_COMMANDS_BIT); /* video-only -> ALL_COMMANDS */
        want.dstAccessMask &= ~vkv4l2_video_access2();
        want.srcQueueFamilyIndex = want.dstQueueFamilyIndex = IGN;
        CHECK(!memcmp(&bout[i], &want, sizeof(want)));
    }

    const VkMemoryBarrier2 mem = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER_2,
        .srcStageMask = S2(VIDEO_DECODE_BIT_KHR) | S2(COMPUTE_SHADER_BIT),
        .srcAccessMask = A2(VIDEO_DECODE_WRITE_BIT_KHR) | A2(SHADER_STORAGE_WRITE_BIT),
        .dstStageMask = S2(FRAGMENT_SHADER_BIT), .dstAccessMask = A2(SHADER_SAMPLED_READ_BIT),
    };
    KEEP(mem);
    const VkMemoryBarrier2 *mout = NULL;
    CHECK_EQ(vkv4l2_scrub_memory_barriers2(&e.s, 1, &mem, &mout), VK_SUCCESS);
    VkMemoryBarrier2 mwant;
    COPY(mwant, mem);
    mwant.srcStageMask = S2(COMPUTE_SHADER_BIT);
    mwant.srcAccessMask = A2(SHADER_STORAGE_WRITE_BIT);
    CHECK(!memcmp(mout, &mwant, sizeof(mwant)));

    /* vkCmdWaitEvents2: two infos, only the second needs scrubbing */
    const VkDependencyInfo deps[2] = {
        { .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO },
        { .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO, .memoryBarrierCount = 1,
          .pMemoryBarriers = &mem, .bufferMemoryBarrierCount = 2, .pBufferMemoryBarriers = bufs },
    };
    KEEP(deps);
    const VkDependencyInfo *dout = NULL;
    CHECK_EQ(vkv4l2_scrub_dependency_infos(&e.s, DECODE, 2, deps, &dout), VK_SUCCESS);
    CHECK(dout != deps);
    CHECK(!memcmp(&dout[0], &deps[0], sizeof(deps[0])));
    CHECK(dout[1].pMemoryBarriers != &mem && dout[1].pBufferMemoryBarriers != bufs);
    CHECK(!memcmp(dout[1].pMemoryBarriers, &mwant, sizeof(mwant)));
    CHECK_EQ(dout[1].pBufferMemoryBarriers[1].dstQueueFamilyIndex, IGN);
    CHECK_EQ(dout[1].bufferMemoryBarrierCount, 2);
    CHECK_KEPT();
    env_fini(&e);
}

static VkImageMemoryBarrier ib1(VkImageLayout ol, VkImageLayout nl, uint32_t sq, uint32_t dq)
{
    return (VkImageMemoryBarrier){
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT, .dstAccessMask = VK_ACCESS_SHADER_READ_BIT,
        .oldLayout = ol, .newLayout = nl, .srcQueueFamilyIndex = sq, .dstQueueFamilyIndex = dq,
        .image = frame_image, .subresourceRange = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1 },
    };
}

static void sync1_barriers(void)
{
    struct env e;
    env_init(&e, 1);
    const VkImageMemoryBarrier plain[1] = {
        ib1(L(TRANSFER_DST_OPTIMAL), L(SHADER_READ_ONLY_OPTIMAL), IGN, IGN) };
    const VkBufferMemoryBarrier buf[1] = { {
        .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER, .srcQueueFamilyIndex = 1,
        .dstQueueFamilyIndex = 0, .size = VK_WHOLE_SIZE } };
    const VkImageMemoryBarrier acq[2] = {
        ib1(L(TRANSFER_DST_OPTIMAL), L(SHADER_READ_ONLY_OPTIMAL), IGN, IGN),
        ib1(L(VIDEO_DECODE_DST_KHR), L(SHADER_READ_ONLY_OPTIMAL), 1, 0) };
    const VkImageMemoryBarrier rel[1] = {
        ib1(L(SHADER_READ_ONLY_OPTIMAL), L(VIDEO_DECODE_DPB_KHR), 0, 1) };
    KEEP(plain);
    KEEP(buf);
    KEEP(acq);
    KEEP(rel);

    struct vkv4l2_barriers1 b = { VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                                  0, NULL, 1, plain };
    CHECK_EQ(vkv4l2_scrub_barriers1(&e.s, DRIVER, false, &b), VK_SUCCESS);
    CHECK(b.images == plain);
    CHECK_EQ(b.src_stages, VK_PIPELINE_STAGE_TRANSFER_BIT);
    CHECK_EQ(b.dst_stages, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT);
    CHECK_NO_ALLOC(&e);

    /* acquire from decode (image) and a buffer acquire: src widens */
    b = (struct vkv4l2_barriers1){ VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
                                   VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, 1, buf, 2, acq };
    CHECK_EQ(vkv4l2_scrub_barriers1(&e.s, DRIVER, false, &b), VK_SUCCESS);
    CHECK_EQ(b.src_stages, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT);
    CHECK_EQ(b.dst_stages, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT);
    CHECK(!memcmp(&b.images[0], &acq[0], sizeof(acq[0])));
    VkImageMemoryBarrier want;
    COPY(want, acq[1]);
    want.oldLayout = L(GENERAL);
    want.srcQueueFamilyIndex = want.dstQueueFamilyIndex = IGN;
    CHECK(!memcmp(&b.images[1], &want, sizeof(want)));
    VkBufferMemoryBarrier bwant;
    COPY(bwant, buf[0]);
    bwant.srcQueueFamilyIndex = bwant.dstQueueFamilyIndex = IGN;
    CHECK(!memcmp(&b.buffers[0], &bwant, sizeof(bwant)));

    /* vkCmdWaitEvents: src stages are pinned to the vkCmdSetEvent masks */
    b = (struct vkv4l2_barriers1){ VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
                                   VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, 0, NULL, 2, acq };
    CHECK_EQ(vkv4l2_scrub_barriers1(&e.s, DRIVER, true, &b), VK_SUCCESS);
    CHECK_EQ(b.src_stages, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT);

    /* release to decode: dst widens, transition kept */
    b = (struct vkv4l2_barriers1){ VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
                                   VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0, NULL, 1, rel };
    CHECK_EQ(vkv4l2_scrub_barriers1(&e.s, DRIVER, false, &b), VK_SUCCESS);
    CHECK_EQ(b.src_stages, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT);
    CHECK_EQ(b.dst_stages, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT);
    COPY(want, rel[0]);
    want.newLayout = L(GENERAL);
    want.srcQueueFamilyIndex = want.dstQueueFamilyIndex = IGN;
    CHECK(!memcmp(&b.images[0], &want, sizeof(want)));
    CHECK_KEPT();
    env_fini(&e);
}

/* One vkQueueSubmit2 per frame (FFmpeg) needs nothing; a proxy submission
 * standing in for a decode-queue one carries video wait/signal stages. */
static void submits(void)
{
    struct env e;
    env_init(&e, 1);
    const VkCommandBufferSubmitInfo cmd = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO };
    const VkSemaphore sem = (VkSemaphore)(uintptr_t)0x2000;
    const VkSemaphoreSubmitInfo ff_wait = { VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO, NULL, sem, 41,
                                            S2(ALL_COMMANDS_BIT), 0 };
    const VkSemaphoreSubmitInfo ff_sig = { VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO, NULL, sem, 42,
                                           S2(ALL_COMMANDS_BIT), 0 };
    const VkSubmitInfo2 ff = { VK_STRUCTURE_TYPE_SUBMIT_INFO_2, NULL, 0, 1, &ff_wait, 1, &cmd, 1, &ff_sig };
    KEEP(ff);
    const VkSubmitInfo2 *out = NULL;
    CHECK_EQ(vkv4l2_scrub_submit_infos2(&e.s, 1, &ff, &out), VK_SUCCESS);
    CHECK(out == &ff);
    CHECK_NO_ALLOC(&e);

    const VkSemaphoreSubmitInfo waits[2] = {
        { VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO, NULL, sem, 7, S2(VIDEO_DECODE_BIT_KHR), 0 },
        { VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO, NULL, sem, 8,
          S2(VIDEO_DECODE_BIT_KHR) | S2(TRANSFER_BIT), 0 },
    };
    const VkSemaphoreSubmitInfo sig = { VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO, NULL, sem, 9,
                                        S2(VIDEO_DECODE_BIT_KHR), 0 };
    const VkSubmitInfo2 batches[2] = {
        ff, { VK_STRUCTURE_TYPE_SUBMIT_INFO_2, NULL, 0, 2, waits, 0, NULL, 1, &sig } };
    KEEP(waits);
    KEEP(sig);
    KEEP(batches);
    CHECK_EQ(vkv4l2_scrub_submit_infos2(&e.s, 2, batches, &out), VK_SUCCESS);
    CHECK(out != batches);
    CHECK(!memcmp(&out[0], &batches[0], sizeof(batches[0])));
    CHECK_EQ(out[1].waitSemaphoreInfoCount, 2);
    CHECK(out[1].pCommandBufferInfos == NULL);
    VkSemaphoreSubmitInfo w0, w1, s0;
    COPY(w0, waits[0]);
    COPY(w1, waits[1]);
    COPY(s0, sig);
    w0.stageMask = S2(ALL_COMMANDS_BIT); /* video-only -> ALL_COMMANDS */
    w1.stageMask = S2(TRANSFER_BIT);     /* video bit removed */
    s0.stageMask = S2(ALL_COMMANDS_BIT);
    CHECK(!memcmp(&out[1].pWaitSemaphoreInfos[0], &w0, sizeof(w0)));
    CHECK(!memcmp(&out[1].pWaitSemaphoreInfos[1], &w1, sizeof(w1)));
    CHECK(!memcmp(&out[1].pSignalSemaphoreInfos[0], &s0, sizeof(s0)));
    CHECK_KEPT();
    env_fini(&e);
}

void test_barriers(void)
{
    fast_path_untouched();
    ffmpeg_prepare_frame();
    ffmpeg_decode_barriers_replayed();
    libplacebo_release_and_hold();
    qfot_driver_halves();
    qfot_decode_halves();
    qfot_sequence_transitions_once();
    mixed_array();
    buffer_and_memory_barriers();
    sync1_barriers();
    submits();
}
