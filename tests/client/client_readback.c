/* Output: an NV12 slot image copied to a host buffer on the graphics
 * queue, hashed as cropped yuv420p; and the software-decode reference. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "client.h"
#include "nv12_md5.h"

static VkImageMemoryBarrier2 layout_barrier(VkImage image, VkImageLayout from, VkImageLayout to)
{
    return (VkImageMemoryBarrier2){
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2,
        .srcStageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
        .srcAccessMask = VK_ACCESS_2_MEMORY_WRITE_BIT,
        .dstStageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
        .dstAccessMask = VK_ACCESS_2_MEMORY_READ_BIT | VK_ACCESS_2_MEMORY_WRITE_BIT,
        .oldLayout = from, .newLayout = to,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED, .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .image = image, .subresourceRange = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1 }};
}

static void barrier(VkCommandBuffer cmd, VkImage image, VkImageLayout from, VkImageLayout to)
{
    const VkImageMemoryBarrier2 b = layout_barrier(image, from, to);
    const VkDependencyInfo dep = {
        .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO, .imageMemoryBarrierCount = 1,
        .pImageMemoryBarriers = &b};
    vkCmdPipelineBarrier2(cmd, &dep);
}

int client_readback_md5(struct client_stream *s, const struct vkv4l2_fe_output *o, char md5[33])
{
    struct client_vk *vk = s->vk;
    VkImage image = s->image[o->slot];
    uint32_t w = s->extent.width, h = s->extent.height;
    /* The layout changes below must not overlap a decode reading the
     * image as a reference: wait for all of this stream's decodes. */
    int ret = client_stream_wait(s, s->submitted, 10ull * 1000000000);
    if (ret)
        CLIENT_FAIL(ret < 0 ? ret : -ETIMEDOUT, "%s: decodes never completed", s->name);

    VkCommandBuffer cmd = s->readback_cmd;
    const VkCommandBufferBeginInfo bi = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
    CLIENT_VK(vkBeginCommandBuffer(cmd, &bi));
    barrier(cmd, image, VK_IMAGE_LAYOUT_VIDEO_DECODE_DPB_KHR, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL);
    const VkBufferImageCopy regions[2] = {
        { .bufferOffset = 0, .imageSubresource = { VK_IMAGE_ASPECT_PLANE_0_BIT, 0, 0, 1 },
          .imageExtent = { w, h, 1 } },
        { .bufferOffset = (VkDeviceSize)w * h,
          .imageSubresource = { VK_IMAGE_ASPECT_PLANE_1_BIT, 0, 0, 1 },
          .imageExtent = { w / 2, h / 2, 1 } },
    };
    vkCmdCopyImageToBuffer(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, s->readback, 2, regions);
    barrier(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, VK_IMAGE_LAYOUT_VIDEO_DECODE_DPB_KHR);
    CLIENT_VK(vkEndCommandBuffer(cmd));
    const VkCommandBufferSubmitInfo cbi = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO, .commandBuffer = cmd};
    /* Also a semaphore wait, as FFmpeg does: the layer attaches its copy
     * (copy rung) to the first submission waiting for the decode. */
    const VkSemaphoreSubmitInfo wait = {
        .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO, .semaphore = s->timeline,
        .value = s->submitted, .stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT};
    const VkSubmitInfo2 si = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
        .waitSemaphoreInfoCount = getenv("CLIENT_HOST_WAIT_ONLY") ? 0 : 1,
        .pWaitSemaphoreInfos = &wait, .commandBufferInfoCount = 1, .pCommandBufferInfos = &cbi};
    CLIENT_VK(vkResetFences(vk->dev, 1, &s->readback_fence));
    CLIENT_VK(client_vk_submit(vk, false, &si, s->readback_fence));
    CLIENT_VK(vkWaitForFences(vk->dev, 1, &s->readback_fence, VK_TRUE, 10ull * 1000000000));

    const uint8_t *y = s->readback_map;
    const struct nv12_view view = {
        .y = y, .uv = y + (size_t)w * h, .y_pitch = w, .uv_pitch = w,
        .crop_left = o->crop_left, .crop_top = o->crop_top,
        .width = o->display_width, .height = o->display_height};
    long size = nv12_md5(&view, md5);
    if (size < 0)
        CLIENT_FAIL((int)size, "%s: hashing slot %d", s->name, o->slot);
    return 0;
}

int client_reference_md5(const char *path, char (**md5)[33])
{
    char cmd[1200];
    snprintf(cmd, sizeof(cmd),
             "VKV4L2_DISABLE=1 ffmpeg -nostdin -loglevel error -threads 1 -i '%s' "
             "-pix_fmt yuv420p -f framemd5 -", path);
    FILE *f = popen(cmd, "r");
    if (!f)
        CLIENT_FAIL(-errno, "popen ffmpeg");
    char line[512];
    unsigned n = 0, cap = 0;
    char (*out)[33] = NULL;
    while (fgets(line, sizeof(line), f)) {
        if (line[0] == '#')
            continue;
        char *hash = strrchr(line, ',');
        if (!hash)
            continue;
        hash++;
        while (*hash == ' ')
            hash++;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            void *p = realloc(out, cap * sizeof(*out));
            if (!p) {
                free(out);
                pclose(f);
                return -ENOMEM;
            }
            out = p;
        }
        snprintf(out[n], 33, "%.32s", hash);
        n++;
    }
    int rc = pclose(f);
    if (rc != 0) {
        free(out);
        CLIENT_FAIL(-EIO, "software decode of %s failed (%d)", path, rc);
    }
    *md5 = out;
    return (int)n;
}

int client_stream_path(const char *name, char *path, size_t size)
{
    const char *src = getenv("VKV4L2_SOURCE_ROOT"), *dir = getenv("VKV4L2_STREAMS_DIR");
    if (!src || !dir)
        CLIENT_FAIL(-EINVAL, "VKV4L2_SOURCE_ROOT and VKV4L2_STREAMS_DIR must be set");
    char cmd[1200];
    snprintf(cmd, sizeof(cmd), "'%s/tests/streams/generate' '%s' '%s' >&2", src, dir, name);
    if (system(cmd) != 0)
        CLIENT_FAIL(-EIO, "cannot generate stream %s", name);
    snprintf(path, size, "%s/%s.h264", dir, name);
    struct stat st;
    if (stat(path, &st) < 0)
        CLIENT_FAIL(-ENOENT, "%s missing after generation", path);
    return 0;
}
