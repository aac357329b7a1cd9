/* Unit test of the layer's activation verdict and of the video support it
 * derives from a decoder's caps (driver_facts.h). */
#include <string.h>

#include "../v4l2/check.h"
#include "driver_facts.h"

int main(void)
{
    struct vkv4l2_driver_facts ok = {
        .extensions_read = true,
        .dma_buf = true,
        .api_version = VK_API_VERSION_1_3,
        .nv12_usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
        .nv12_create_flags = VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT,
    };
    CHECK_EQ(vkv4l2_verdict_decide(&ok, true), VKV4L2_VERDICT_ACTIVE);
    CHECK_EQ(vkv4l2_verdict_decide(&ok, false), VKV4L2_VERDICT_NO_DECODER);

    struct vkv4l2_driver_facts f = ok;
    f.native_h264 = true; /* comes before a missing decoder */
    CHECK_EQ(vkv4l2_verdict_decide(&f, false), VKV4L2_VERDICT_NATIVE_DECODE);
    f = ok;
    f.dma_buf = false;
    CHECK_EQ(vkv4l2_verdict_decide(&f, true), VKV4L2_VERDICT_NO_DMA_BUF);
    f = ok;
    f.api_version = VK_API_VERSION_1_0;
    CHECK_EQ(vkv4l2_verdict_decide(&f, true), VKV4L2_VERDICT_VULKAN_1_0);
    f = ok;
    f.nv12_usage = VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    CHECK_EQ(vkv4l2_verdict_decide(&f, true), VKV4L2_VERDICT_NO_NV12);
    f = ok;
    f.extensions_read = false;
    CHECK_EQ(vkv4l2_verdict_decide(&f, true), VKV4L2_VERDICT_NO_EXTENSIONS);
    for (int v = VKV4L2_VERDICT_ACTIVE; v <= VKV4L2_VERDICT_NO_DECODER; v++)
        CHECK(strcmp(vkv4l2_verdict_text((enum vkv4l2_verdict)v), "?") != 0);

    struct vkv4l2_decoder_caps caps = { .sizes = { .known = true, .min_width = 64,
                                                    .max_width = 4096, .min_height = 48,
                                                    .max_height = 2304 } };
    struct vkv4l2_video_support s;
    vkv4l2_video_support_from(&ok, &caps, &s);
    CHECK(s.h264);
    CHECK_EQ(s.min_extent.width, 64);
    CHECK_EQ(s.max_extent.height, 2304);
    CHECK_EQ(s.nv12_usage, ok.nv12_usage);
    CHECK_EQ(s.nv12_create_flags, ok.nv12_create_flags);
    caps.sizes.known = false; /* ENUM_FRAMESIZES unanswered: hantro G1's limits */
    vkv4l2_video_support_from(&ok, &caps, &s);
    CHECK_EQ(s.max_extent.width, 1920);
    CHECK_EQ(s.max_extent.height, 1088);
    return check_result("test_driver_facts");
}
