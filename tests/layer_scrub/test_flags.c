/* Single enums and flag words, queue families and sharing lists. */
#include "harness.h"

/* The KHR video layouts of vulkan_core.h 1.4.309. */
static const VkImageLayout video_layouts[] = {
    VK_IMAGE_LAYOUT_VIDEO_DECODE_DST_KHR, VK_IMAGE_LAYOUT_VIDEO_DECODE_SRC_KHR,
    VK_IMAGE_LAYOUT_VIDEO_DECODE_DPB_KHR, VK_IMAGE_LAYOUT_VIDEO_ENCODE_DST_KHR,
    VK_IMAGE_LAYOUT_VIDEO_ENCODE_SRC_KHR, VK_IMAGE_LAYOUT_VIDEO_ENCODE_DPB_KHR,
    VK_IMAGE_LAYOUT_VIDEO_ENCODE_QUANTIZATION_MAP_KHR,
};
static const VkImageLayout other_layouts[] = {
    VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_GENERAL,
    VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL, VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL,
    VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
    VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_PREINITIALIZED,
    VK_IMAGE_LAYOUT_READ_ONLY_OPTIMAL, VK_IMAGE_LAYOUT_ATTACHMENT_OPTIMAL,
    VK_IMAGE_LAYOUT_RENDERING_LOCAL_READ, VK_IMAGE_LAYOUT_PRESENT_SRC_KHR,
    VK_IMAGE_LAYOUT_SHARED_PRESENT_KHR, VK_IMAGE_LAYOUT_FRAGMENT_DENSITY_MAP_OPTIMAL_EXT,
    VK_IMAGE_LAYOUT_FRAGMENT_SHADING_RATE_ATTACHMENT_OPTIMAL_KHR,
    VK_IMAGE_LAYOUT_ATTACHMENT_FEEDBACK_LOOP_OPTIMAL_EXT,
};

static void layouts(void)
{
    for (size_t i = 0; i < sizeof(video_layouts) / sizeof(video_layouts[0]); i++) {
        CHECK(vkv4l2_is_video_layout(video_layouts[i]));
        CHECK_EQ(vkv4l2_scrub_layout(video_layouts[i]), VK_IMAGE_LAYOUT_GENERAL);
    }
    for (size_t i = 0; i < sizeof(other_layouts) / sizeof(other_layouts[0]); i++) {
        CHECK(!vkv4l2_is_video_layout(other_layouts[i]));
        CHECK_EQ(vkv4l2_scrub_layout(other_layouts[i]), other_layouts[i]);
    }
}

/* Every single bit of a 64-bit mask: video bits go, all others stay. */
static void access_bits(void)
{
    const VkAccessFlags2 video = VK_ACCESS_2_VIDEO_DECODE_READ_BIT_KHR |
                                 VK_ACCESS_2_VIDEO_DECODE_WRITE_BIT_KHR |
                                 VK_ACCESS_2_VIDEO_ENCODE_READ_BIT_KHR |
                                 VK_ACCESS_2_VIDEO_ENCODE_WRITE_BIT_KHR;
    CHECK_EQ(vkv4l2_video_access2(), video);
    for (int b = 0; b < 64; b++) {
        VkAccessFlags2 bit = 1ULL << b;
        CHECK_EQ(vkv4l2_scrub_access2(bit), (bit & video) ? 0 : bit);
    }
    CHECK_EQ(vkv4l2_scrub_access2(VK_ACCESS_2_VIDEO_DECODE_WRITE_BIT_KHR |
                                  VK_ACCESS_2_MEMORY_READ_BIT),
             VK_ACCESS_2_MEMORY_READ_BIT);
    CHECK_EQ(vkv4l2_scrub_access2(VK_ACCESS_2_NONE), VK_ACCESS_2_NONE);
}

static void stage_bits(void)
{
    const VkPipelineStageFlags2 video = VK_PIPELINE_STAGE_2_VIDEO_DECODE_BIT_KHR |
                                        VK_PIPELINE_STAGE_2_VIDEO_ENCODE_BIT_KHR;
    CHECK_EQ(vkv4l2_video_stages2(), video);
    for (int b = 0; b < 64; b++) {
        VkPipelineStageFlags2 bit = 1ULL << b;
        /* rule: a mask left empty by the removal becomes ALL_COMMANDS */
        CHECK_EQ(vkv4l2_scrub_stages2(bit), (bit & video) ? VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT : bit);
    }
    CHECK_EQ(vkv4l2_scrub_stages2(video), VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT);
    CHECK_EQ(vkv4l2_scrub_stages2(VK_PIPELINE_STAGE_2_VIDEO_DECODE_BIT_KHR |
                                  VK_PIPELINE_STAGE_2_TRANSFER_BIT),
             VK_PIPELINE_STAGE_2_TRANSFER_BIT);
    CHECK_EQ(vkv4l2_scrub_stages2(VK_PIPELINE_STAGE_2_NONE), VK_PIPELINE_STAGE_2_NONE);
}

static void usage_bits(void)
{
    const VkImageUsageFlags vi = VK_IMAGE_USAGE_VIDEO_DECODE_DST_BIT_KHR |
        VK_IMAGE_USAGE_VIDEO_DECODE_SRC_BIT_KHR | VK_IMAGE_USAGE_VIDEO_DECODE_DPB_BIT_KHR |
        VK_IMAGE_USAGE_VIDEO_ENCODE_DST_BIT_KHR | VK_IMAGE_USAGE_VIDEO_ENCODE_SRC_BIT_KHR |
        VK_IMAGE_USAGE_VIDEO_ENCODE_DPB_BIT_KHR |
        VK_IMAGE_USAGE_VIDEO_ENCODE_QUANTIZATION_DELTA_MAP_BIT_KHR |
        VK_IMAGE_USAGE_VIDEO_ENCODE_EMPHASIS_MAP_BIT_KHR;
    CHECK_EQ(vkv4l2_video_image_usage(), vi);
    CHECK_EQ(vkv4l2_video_buffer_usage(),
             VK_BUFFER_USAGE_VIDEO_DECODE_SRC_BIT_KHR | VK_BUFFER_USAGE_VIDEO_DECODE_DST_BIT_KHR |
             VK_BUFFER_USAGE_VIDEO_ENCODE_DST_BIT_KHR | VK_BUFFER_USAGE_VIDEO_ENCODE_SRC_BIT_KHR);
    CHECK_EQ(vkv4l2_video_buffer_usage2(),
             VK_BUFFER_USAGE_2_VIDEO_DECODE_SRC_BIT_KHR | VK_BUFFER_USAGE_2_VIDEO_DECODE_DST_BIT_KHR |
             VK_BUFFER_USAGE_2_VIDEO_ENCODE_DST_BIT_KHR | VK_BUFFER_USAGE_2_VIDEO_ENCODE_SRC_BIT_KHR);

    const VkImageUsageFlags ffmpeg = VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_SAMPLED_BIT |
                                     VK_IMAGE_USAGE_VIDEO_DECODE_DST_BIT_KHR |
                                     VK_IMAGE_USAGE_VIDEO_DECODE_DPB_BIT_KHR;
    CHECK_EQ(vkv4l2_scrub_image_usage(ffmpeg, 0), ffmpeg & ~vi);
    CHECK_EQ(vkv4l2_scrub_image_usage(ffmpeg, VK_IMAGE_USAGE_TRANSFER_DST_BIT),
             (ffmpeg & ~vi) | VK_IMAGE_USAGE_TRANSFER_DST_BIT);
    /* video-only -> TRANSFER_DST; extra usage only when video bits were there */
    CHECK_EQ(vkv4l2_scrub_image_usage(VK_IMAGE_USAGE_VIDEO_DECODE_DPB_BIT_KHR, 0),
             VK_IMAGE_USAGE_TRANSFER_DST_BIT);
    CHECK_EQ(vkv4l2_scrub_image_usage(VK_IMAGE_USAGE_SAMPLED_BIT, VK_IMAGE_USAGE_TRANSFER_DST_BIT),
             VK_IMAGE_USAGE_SAMPLED_BIT);
}

static void families(void)
{
    struct env e;
    env_init(&e, 1); /* lavapipe: one driver family, decode family 1 */
    CHECK(!vkv4l2_is_layer_family(&e.s, 0));
    CHECK(vkv4l2_is_layer_family(&e.s, 1));
    CHECK(vkv4l2_is_layer_family(&e.s, 7)); /* beyond the driver: never passed down */
    CHECK(!vkv4l2_is_layer_family(&e.s, VK_QUEUE_FAMILY_IGNORED));
    CHECK(!vkv4l2_is_layer_family(&e.s, VK_QUEUE_FAMILY_EXTERNAL));
    CHECK(!vkv4l2_is_layer_family(&e.s, VK_QUEUE_FAMILY_FOREIGN_EXT));
    env_fini(&e);
}

static void sharing(void)
{
    struct env e;
    env_init(&e, 2); /* two driver families, decode family 2 */

    /* no layer family: untouched, nothing allocated */
    const uint32_t drv[] = { 0, 1 };
    KEEP(drv);
    VkSharingMode mode = VK_SHARING_MODE_CONCURRENT;
    uint32_t count = 2;
    const uint32_t *list = drv;
    CHECK_EQ(vkv4l2_scrub_sharing(&e.s, &mode, &count, &list), VK_SUCCESS);
    CHECK(list == drv && count == 2 && mode == VK_SHARING_MODE_CONCURRENT);
    CHECK_NO_ALLOC(&e);

    /* decode family removed and duplicates dropped, order kept */
    const uint32_t dup[] = { 1, 2, 1, 0, 2 };
    KEEP(dup);
    count = 5;
    list = dup;
    CHECK_EQ(vkv4l2_scrub_sharing(&e.s, &mode, &count, &list), VK_SUCCESS);
    CHECK_EQ(mode, VK_SHARING_MODE_CONCURRENT);
    CHECK_EQ(count, 2);
    CHECK(list != dup);
    CHECK_EQ(list[0], 1);
    CHECK_EQ(list[1], 0);

    /* one family left: EXCLUSIVE, no list */
    const uint32_t one[] = { 0, 2, 0 };
    KEEP(one);
    mode = VK_SHARING_MODE_CONCURRENT;
    count = 3;
    list = one;
    CHECK_EQ(vkv4l2_scrub_sharing(&e.s, &mode, &count, &list), VK_SUCCESS);
    CHECK_EQ(mode, VK_SHARING_MODE_EXCLUSIVE);
    CHECK_EQ(count, 0);
    CHECK(list == NULL);

    /* EXCLUSIVE naming the decode family: the list is ignored, still not passed down */
    mode = VK_SHARING_MODE_EXCLUSIVE;
    count = 3;
    list = dup + 1;
    CHECK_EQ(vkv4l2_scrub_sharing(&e.s, &mode, &count, &list), VK_SUCCESS);
    CHECK(mode == VK_SHARING_MODE_EXCLUSIVE && count == 0 && list == NULL);
    CHECK_KEPT();
    env_fini(&e);
}

void test_flags(void)
{
    layouts();
    access_bits();
    stage_bits();
    usage_bits();
    families();
    sharing();
}
