/* The per-stream Vulkan objects: video session (+ memory), session
 * parameters per SPS/PPS pair, the RESULT_STATUS_ONLY query pool, one NV12
 * image per DPB slot (FFmpeg's way: OPTIMAL, CONCURRENT, profile list,
 * dedicated memory when asked), host-visible bitstream buffers. */
#include <errno.h>
#include <string.h>

#include "client.h"
#include "client_session.h"

#define NV12 VK_FORMAT_G8_B8R8_2PLANE_420_UNORM

static int alloc_memory(struct client_vk *vk, const VkMemoryRequirements *req,
                        VkMemoryPropertyFlags want, const void *pnext, VkDeviceMemory *mem)
{
    int type = client_vk_memory_type(vk, req->memoryTypeBits, want);
    if (type < 0)
        CLIENT_FAIL(-ENOMEM, "no memory type with properties 0x%x", want);
    const VkMemoryAllocateInfo ai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, .pNext = pnext,
        .allocationSize = req->size, .memoryTypeIndex = (uint32_t)type};
    CLIENT_VK(vkAllocateMemory(vk->dev, &ai, NULL, mem));
    return 0;
}

static int create_video_session(struct client_stream *s)
{
    struct client_vk *vk = s->vk;
    static const VkExtensionProperties std = {
        .extensionName = VK_STD_VULKAN_VIDEO_CODEC_H264_DECODE_EXTENSION_NAME,
        .specVersion = VK_STD_VULKAN_VIDEO_CODEC_H264_DECODE_SPEC_VERSION};
    const VkVideoSessionCreateInfoKHR ci = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_CREATE_INFO_KHR,
        .queueFamilyIndex = vk->decode_family, .pVideoProfile = &client_profile,
        .pictureFormat = NV12, .maxCodedExtent = s->extent, .referencePictureFormat = NV12,
        .maxDpbSlots = CLIENT_SLOTS, .maxActiveReferencePictures = CLIENT_SLOTS - 1,
        .pStdHeaderVersion = &std};
    CLIENT_VK(vk->CreateVideoSession(vk->dev, &ci, NULL, &s->session));
    VkVideoSessionMemoryRequirementsKHR req[8];
    uint32_t n = 8;
    for (uint32_t i = 0; i < n; i++)
        req[i] = (VkVideoSessionMemoryRequirementsKHR){
            .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_MEMORY_REQUIREMENTS_KHR};
    CLIENT_VK(vk->GetVideoSessionMemoryRequirements(vk->dev, s->session, &n, req));
    VkBindVideoSessionMemoryInfoKHR bind[8];
    for (uint32_t i = 0; i < n; i++) {
        if (alloc_memory(vk, &req[i].memoryRequirements, 0, NULL, &s->session_mem[i]))
            return -ENOMEM;
        s->n_session_mem = i + 1;
        bind[i] = (VkBindVideoSessionMemoryInfoKHR){
            .sType = VK_STRUCTURE_TYPE_BIND_VIDEO_SESSION_MEMORY_INFO_KHR,
            .memoryBindIndex = req[i].memoryBindIndex, .memory = s->session_mem[i],
            .memorySize = req[i].memoryRequirements.size};
    }
    if (n)
        CLIENT_VK(vk->BindVideoSessionMemory(vk->dev, s->session, n, bind));
    return 0;
}

int client_params_for(struct client_stream *s, const struct vkv4l2_fe_picture *pic,
                      VkVideoSessionParametersKHR *out)
{
    for (unsigned i = 0; i < s->n_params; i++)
        if (s->params_sps[i] == pic->sps && s->params_pps[i] == pic->pps) {
            *out = s->params[i];
            return 0;
        }
    if (s->n_params == sizeof(s->params) / sizeof(s->params[0]))
        CLIENT_FAIL(-ENOSPC, "%s: too many SPS/PPS pairs", s->name);
    const VkVideoDecodeH264SessionParametersAddInfoKHR add = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_SESSION_PARAMETERS_ADD_INFO_KHR,
        .stdSPSCount = 1, .pStdSPSs = &pic->sps->std, .stdPPSCount = 1, .pStdPPSs = &pic->pps->std};
    const VkVideoDecodeH264SessionParametersCreateInfoKHR h264 = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_SESSION_PARAMETERS_CREATE_INFO_KHR,
        .maxStdSPSCount = 1, .maxStdPPSCount = 1, .pParametersAddInfo = &add};
    const VkVideoSessionParametersCreateInfoKHR ci = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_PARAMETERS_CREATE_INFO_KHR, .pNext = &h264,
        .videoSession = s->session};
    VkVideoSessionParametersKHR p;
    CLIENT_VK(s->vk->CreateVideoSessionParameters(s->vk->dev, &ci, NULL, &p));
    s->params[s->n_params] = p;
    s->params_sps[s->n_params] = pic->sps;
    s->params_pps[s->n_params++] = pic->pps;
    *out = p;
    return 0;
}

/* One DPB slot's image; notes the CAPTURE dma-buf the layer opened for it. */
static int create_slot_image(struct client_stream *s, int slot)
{
    struct client_vk *vk = s->vk;
    int before[256], after[256];
    int nb = client_emu_fds(before, 256);
    const uint32_t families[2] = { vk->gfx_family, vk->decode_family };
    const VkImageCreateInfo ci = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO, .pNext = &client_profile_list,
        .imageType = VK_IMAGE_TYPE_2D, .format = NV12,
        .extent = { s->extent.width, s->extent.height, 1 }, .mipLevels = 1, .arrayLayers = 1,
        .samples = VK_SAMPLE_COUNT_1_BIT, .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = VK_IMAGE_USAGE_VIDEO_DECODE_DST_BIT_KHR | VK_IMAGE_USAGE_VIDEO_DECODE_DPB_BIT_KHR |
                 VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
        .sharingMode = VK_SHARING_MODE_CONCURRENT, .queueFamilyIndexCount = 2,
        .pQueueFamilyIndices = families, .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED};
    CLIENT_VK(vkCreateImage(vk->dev, &ci, NULL, &s->image[slot]));

    VkMemoryDedicatedRequirements ded = { .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_REQUIREMENTS };
    VkMemoryRequirements2 req = { .sType = VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2, .pNext = &ded };
    const VkImageMemoryRequirementsInfo2 ri = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_REQUIREMENTS_INFO_2, .image = s->image[slot]};
    vkGetImageMemoryRequirements2(vk->dev, &ri, &req);
    const VkMemoryDedicatedAllocateInfo dai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO, .image = s->image[slot]};
    if (alloc_memory(vk, &req.memoryRequirements, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT,
                     ded.prefersDedicatedAllocation || ded.requiresDedicatedAllocation ? &dai : NULL,
                     &s->image_mem[slot]))
        return -ENOMEM;
    CLIENT_VK(vkBindImageMemory(vk->dev, s->image[slot], s->image_mem[slot], 0));

    const VkImageViewUsageCreateInfo usage = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_USAGE_CREATE_INFO,
        .usage = VK_IMAGE_USAGE_VIDEO_DECODE_DST_BIT_KHR | VK_IMAGE_USAGE_VIDEO_DECODE_DPB_BIT_KHR};
    const VkImageViewCreateInfo vci = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO, .pNext = &usage,
        .image = s->image[slot], .viewType = VK_IMAGE_VIEW_TYPE_2D, .format = NV12,
        .subresourceRange = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1 }};
    CLIENT_VK(vkCreateImageView(vk->dev, &vci, NULL, &s->view[slot]));

    /* The one new emulator dma-buf (several fds of one memfd on the copy
     * rung; any of them names it). */
    int na = client_emu_fds(after, 256);
    s->capture_fd[slot] = -1;
    for (int i = 0; i < na && s->capture_fd[slot] < 0; i++) {
        bool old = false;
        for (int j = 0; j < nb; j++)
            old |= after[i] == before[j];
        if (!old)
            s->capture_fd[slot] = after[i];
    }
    return 0;
}

static int create_buffer(struct client_stream *s, VkDeviceSize size, VkBufferUsageFlags usage,
                         const void *pnext, VkBuffer *buf, VkDeviceMemory *mem, void **map)
{
    struct client_vk *vk = s->vk;
    const VkBufferCreateInfo ci = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO, .pNext = pnext, .size = size,
        .usage = usage, .sharingMode = VK_SHARING_MODE_EXCLUSIVE};
    CLIENT_VK(vkCreateBuffer(vk->dev, &ci, NULL, buf));
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(vk->dev, *buf, &req);
    if (alloc_memory(vk, &req,
                     VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                     NULL, mem))
        return -ENOMEM;
    CLIENT_VK(vkBindBufferMemory(vk->dev, *buf, *mem, 0));
    CLIENT_VK(vkMapMemory(vk->dev, *mem, 0, VK_WHOLE_SIZE, 0, map));
    return 0;
}

/* UNDEFINED -> VIDEO_DECODE_DPB for every slot image, on the graphics
 * queue (as FFmpeg does on its own queue, not the decode one). */
static int init_layouts(struct client_stream *s)
{
    struct client_vk *vk = s->vk;
    VkImageMemoryBarrier2 b[CLIENT_SLOTS];
    for (int i = 0; i < CLIENT_SLOTS; i++)
        b[i] = (VkImageMemoryBarrier2){
            .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2,
            .srcStageMask = VK_PIPELINE_STAGE_2_NONE, .dstStageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
            .dstAccessMask = VK_ACCESS_2_MEMORY_READ_BIT | VK_ACCESS_2_MEMORY_WRITE_BIT,
            .oldLayout = VK_IMAGE_LAYOUT_UNDEFINED, .newLayout = VK_IMAGE_LAYOUT_VIDEO_DECODE_DPB_KHR,
            .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED, .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .image = s->image[i], .subresourceRange = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1 }};
    const VkDependencyInfo dep = {
        .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO, .imageMemoryBarrierCount = CLIENT_SLOTS,
        .pImageMemoryBarriers = b};
    const VkCommandBufferBeginInfo bi = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
    CLIENT_VK(vkBeginCommandBuffer(s->readback_cmd, &bi));
    vkCmdPipelineBarrier2(s->readback_cmd, &dep);
    CLIENT_VK(vkEndCommandBuffer(s->readback_cmd));
    const VkCommandBufferSubmitInfo cbi = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO, .commandBuffer = s->readback_cmd};
    const VkSubmitInfo2 si = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2, .commandBufferInfoCount = 1,
        .pCommandBufferInfos = &cbi};
    CLIENT_VK(vkResetFences(vk->dev, 1, &s->readback_fence));
    CLIENT_VK(client_vk_submit(vk, false, &si, s->readback_fence));
    CLIENT_VK(vkWaitForFences(vk->dev, 1, &s->readback_fence, VK_TRUE, UINT64_MAX));
    return 0;
}

int client_session_create(struct client_stream *s)
{
    struct client_vk *vk = s->vk;
    int ret = create_video_session(s);
    if (ret)
        return ret;
    const VkQueryPoolCreateInfo qci = {
        .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO, .pNext = &client_profile,
        .queryType = VK_QUERY_TYPE_RESULT_STATUS_ONLY_KHR, .queryCount = CLIENT_RING};
    CLIENT_VK(vkCreateQueryPool(vk->dev, &qci, NULL, &s->query));

    for (int i = 0; i < CLIENT_SLOTS; i++)
        if ((ret = create_slot_image(s, i)))
            return ret;

    VkCommandPoolCreateInfo pci = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
        .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
        .queueFamilyIndex = vk->decode_family};
    CLIENT_VK(vkCreateCommandPool(vk->dev, &pci, NULL, &s->decode_pool));
    pci.queueFamilyIndex = vk->gfx_family;
    CLIENT_VK(vkCreateCommandPool(vk->dev, &pci, NULL, &s->gfx_pool));
    VkCommandBufferAllocateInfo ai = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO, .commandPool = s->gfx_pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY, .commandBufferCount = 1};
    CLIENT_VK(vkAllocateCommandBuffers(vk->dev, &ai, &s->readback_cmd));
    ai.commandPool = s->decode_pool;
    const VkFenceCreateInfo fci = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
    CLIENT_VK(vkCreateFence(vk->dev, &fci, NULL, &s->readback_fence));
    const VkSemaphoreTypeCreateInfo tci = {
        .sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
        .semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE};
    const VkSemaphoreCreateInfo sci = { .sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO, .pNext = &tci };
    CLIENT_VK(vkCreateSemaphore(vk->dev, &sci, NULL, &s->timeline));

    /* Every picture of the stream fits in a buffer the size of the file. */
    VkDeviceSize bs_size = (s->size + 4095) & ~(VkDeviceSize)4095;
    for (int i = 0; i < CLIENT_RING; i++) {
        struct client_entry *e = &s->ring[i];
        CLIENT_VK(vkAllocateCommandBuffers(vk->dev, &ai, &e->cmd));
        if ((ret = create_buffer(s, bs_size, VK_BUFFER_USAGE_VIDEO_DECODE_SRC_BIT_KHR,
                                 &client_profile_list, &e->bitstream, &e->bitstream_mem,
                                 &e->bitstream_map)))
            return ret;
    }
    VkDeviceSize rb_size = (VkDeviceSize)s->extent.width * s->extent.height * 3 / 2;
    if ((ret = create_buffer(s, rb_size, VK_BUFFER_USAGE_TRANSFER_DST_BIT, NULL, &s->readback,
                             &s->readback_mem, &s->readback_map)))
        return ret;
    return init_layouts(s);
}

void client_session_destroy(struct client_stream *s)
{
    struct client_vk *vk = s->vk;
    VkDevice d = vk->dev;
    for (int i = 0; i < CLIENT_RING; i++) {
        vkDestroyBuffer(d, s->ring[i].bitstream, NULL);
        vkFreeMemory(d, s->ring[i].bitstream_mem, NULL);
    }
    vkDestroyBuffer(d, s->readback, NULL);
    vkFreeMemory(d, s->readback_mem, NULL);
    vkDestroySemaphore(d, s->timeline, NULL);
    vkDestroyFence(d, s->readback_fence, NULL);
    vkDestroyCommandPool(d, s->decode_pool, NULL);
    vkDestroyCommandPool(d, s->gfx_pool, NULL);
    for (int i = 0; i < CLIENT_SLOTS; i++) {
        vkDestroyImageView(d, s->view[i], NULL);
        vkDestroyImage(d, s->image[i], NULL);
        vkFreeMemory(d, s->image_mem[i], NULL);
    }
    vkDestroyQueryPool(d, s->query, NULL);
    for (unsigned i = 0; i < s->n_params; i++)
        vk->DestroyVideoSessionParameters(d, s->params[i], NULL);
    if (s->session)
        vk->DestroyVideoSession(d, s->session, NULL);
    for (uint32_t i = 0; i < s->n_session_mem; i++)
        vkFreeMemory(d, s->session_mem[i], NULL);
}
