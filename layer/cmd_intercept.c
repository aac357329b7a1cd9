/* vkCmd* entry points.  On the layer's decode command buffers they record;
 * on the driver's command buffers the ones that may carry video values
 * (barriers, event waits) are scrubbed and passed down, the rest pass
 * through. */
#include "cmd_intercept.h"

#include "copy_readers.h"

#include "cmd_buffer.h"
#include "device.h"
#include "physdev.h"
#include "log.h"
#include "query_pool.h"
#include "scrub.h"

static struct vkv4l2_scrub scrubber(struct vkv4l2_device *dev, struct vkv4l2_arena *arena)
{
    return (struct vkv4l2_scrub){
        .arena = arena,
        .decode_family = dev->decode_family,
        .driver_family_count = dev->pd ? dev->pd->driver_family_count : dev->decode_family,
    };
}

static void note_record_error(struct vkv4l2_cmd_buffer *cb, VkResult r)
{
    /* Reported at vkEndCommandBuffer (the list's status is sticky). */
    if (r != VK_SUCCESS)
        vkv4l2_log_inst(cb->dev->inst, VKV4L2_LOG_ERROR, "recording failed: %d", r);
}

/* The command buffer is ours: record.  Video commands on a driver command
 * buffer are an application error the validation layer reports; the
 * driver must not see them. */
#define VIDEO_ONLY(cmdbuf, record_call)                                              \
    struct vkv4l2_device *dev = vkv4l2_device_get(cmdbuf);                          \
    struct vkv4l2_cmd_buffer *cb = vkv4l2_cmd_buffer_get(dev, cmdbuf);              \
    if (!cb) {                                                                       \
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_ERROR,                                 \
                        "%s on a command buffer of a driver queue family: dropped",  \
                        __func__);                                                   \
        return;                                                                      \
    }                                                                                \
    note_record_error(cb, record_call)

VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdBeginVideoCodingKHR(VkCommandBuffer commandBuffer,
                                                         const VkVideoBeginCodingInfoKHR *pInfo)
{
    VIDEO_ONLY(commandBuffer, vkv4l2_record_begin_video_coding(&cb->list, pInfo));
    /* The decodes read the parameters when they execute, which may be
     * after the application destroyed them (a GPU decoder reads them now). */
    note_record_error(cb, vkv4l2_cmd_buffer_hold_params(cb, pInfo->videoSessionParameters));
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdEndVideoCodingKHR(VkCommandBuffer commandBuffer,
                                                       const VkVideoEndCodingInfoKHR *pInfo)
{
    VIDEO_ONLY(commandBuffer, vkv4l2_record_end_video_coding(&cb->list, pInfo));
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdControlVideoCodingKHR(
    VkCommandBuffer commandBuffer, const VkVideoCodingControlInfoKHR *pInfo)
{
    VIDEO_ONLY(commandBuffer, vkv4l2_record_control_video_coding(&cb->list, pInfo));
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdDecodeVideoKHR(VkCommandBuffer commandBuffer,
                                                    const VkVideoDecodeInfoKHR *pInfo)
{
    VIDEO_ONLY(commandBuffer, vkv4l2_record_decode_video(&cb->list, pInfo));
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdPipelineBarrier(
    VkCommandBuffer commandBuffer, VkPipelineStageFlags srcStageMask,
    VkPipelineStageFlags dstStageMask, VkDependencyFlags dependencyFlags,
    uint32_t memoryBarrierCount, const VkMemoryBarrier *pMemoryBarriers,
    uint32_t bufferMemoryBarrierCount, const VkBufferMemoryBarrier *pBufferMemoryBarriers,
    uint32_t imageMemoryBarrierCount, const VkImageMemoryBarrier *pImageMemoryBarriers)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(commandBuffer);
    struct vkv4l2_cmd_buffer *cb = vkv4l2_cmd_buffer_get(dev, commandBuffer);
    if (cb) {
        note_record_error(cb, vkv4l2_record_pipeline_barrier(
                                  &cb->list, srcStageMask, dstStageMask, dependencyFlags,
                                  memoryBarrierCount, pMemoryBarriers, bufferMemoryBarrierCount,
                                  pBufferMemoryBarriers, imageMemoryBarrierCount,
                                  pImageMemoryBarriers));
        return;
    }
    for (uint32_t i = 0; i < imageMemoryBarrierCount; i++)
        vkv4l2_copy_readers_note(dev, commandBuffer, pImageMemoryBarriers[i].image);
    struct vkv4l2_arena arena = VKV4L2_ARENA_INIT;
    struct vkv4l2_scrub s = scrubber(dev, &arena);
    struct vkv4l2_barriers1 b = {
        .src_stages = srcStageMask,
        .dst_stages = dstStageMask,
        .buffer_count = bufferMemoryBarrierCount,
        .buffers = pBufferMemoryBarriers,
        .image_count = imageMemoryBarrierCount,
        .images = pImageMemoryBarriers,
    };
    if (vkv4l2_scrub_barriers1(&s, VKV4L2_RECORDED_ON_DRIVER_FAMILY, false, &b) < 0)
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_ERROR, "out of memory scrubbing a barrier");
    dev->vtbl.CmdPipelineBarrier(commandBuffer, b.src_stages, b.dst_stages, dependencyFlags,
                                 memoryBarrierCount, pMemoryBarriers, b.buffer_count, b.buffers,
                                 b.image_count, b.images);
    vkv4l2_arena_fini(&arena);
}

static void pipeline_barrier2(VkCommandBuffer commandBuffer, const VkDependencyInfo *pInfo,
                              bool khr)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(commandBuffer);
    struct vkv4l2_cmd_buffer *cb = vkv4l2_cmd_buffer_get(dev, commandBuffer);
    if (cb) {
        note_record_error(cb, vkv4l2_record_pipeline_barrier2(&cb->list, pInfo));
        return;
    }
    for (uint32_t i = 0; i < pInfo->imageMemoryBarrierCount; i++)
        vkv4l2_copy_readers_note(dev, commandBuffer, pInfo->pImageMemoryBarriers[i].image);
    struct vkv4l2_arena arena = VKV4L2_ARENA_INIT;
    struct vkv4l2_scrub s = scrubber(dev, &arena);
    const VkDependencyInfo *info = pInfo;
    if (vkv4l2_scrub_dependency_infos(&s, VKV4L2_RECORDED_ON_DRIVER_FAMILY, 1, pInfo, &info) < 0)
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_ERROR, "out of memory scrubbing a barrier");
    if (khr)
        dev->vtbl.CmdPipelineBarrier2KHR(commandBuffer, info);
    else
        dev->vtbl.CmdPipelineBarrier2(commandBuffer, info);
    vkv4l2_arena_fini(&arena);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdPipelineBarrier2(VkCommandBuffer commandBuffer,
                                                      const VkDependencyInfo *pInfo)
{
    pipeline_barrier2(commandBuffer, pInfo, false);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdPipelineBarrier2KHR(VkCommandBuffer commandBuffer,
                                                         const VkDependencyInfo *pInfo)
{
    pipeline_barrier2(commandBuffer, pInfo, true);
}

/* Queries on a driver command buffer naming one of the layer's pools cannot
 * run on the driver: reset them on the host now, which is what an
 * application resetting before use expects. */
VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdResetQueryPool(VkCommandBuffer commandBuffer,
                                                    VkQueryPool queryPool, uint32_t firstQuery,
                                                    uint32_t queryCount)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(commandBuffer);
    struct vkv4l2_cmd_buffer *cb = vkv4l2_cmd_buffer_get(dev, commandBuffer);
    if (cb) {
        note_record_error(cb, vkv4l2_record_reset_query_pool(&cb->list, queryPool, firstQuery,
                                                             queryCount));
        return;
    }
    struct vkv4l2_query_pool *qp = vkv4l2_query_pool_get(dev, queryPool);
    if (qp) {
        vkv4l2_query_reset(qp, firstQuery, queryCount);
        return;
    }
    dev->vtbl.CmdResetQueryPool(commandBuffer, queryPool, firstQuery, queryCount);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdBeginQuery(VkCommandBuffer commandBuffer,
                                                VkQueryPool queryPool, uint32_t query,
                                                VkQueryControlFlags flags)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(commandBuffer);
    struct vkv4l2_cmd_buffer *cb = vkv4l2_cmd_buffer_get(dev, commandBuffer);
    if (cb) {
        note_record_error(cb, vkv4l2_record_begin_query(&cb->list, queryPool, query, flags));
        return;
    }
    dev->vtbl.CmdBeginQuery(commandBuffer, queryPool, query, flags);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdEndQuery(VkCommandBuffer commandBuffer,
                                              VkQueryPool queryPool, uint32_t query)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(commandBuffer);
    struct vkv4l2_cmd_buffer *cb = vkv4l2_cmd_buffer_get(dev, commandBuffer);
    if (cb) {
        note_record_error(cb, vkv4l2_record_end_query(&cb->list, queryPool, query));
        return;
    }
    dev->vtbl.CmdEndQuery(commandBuffer, queryPool, query);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdBeginDebugUtilsLabelEXT(VkCommandBuffer commandBuffer,
                                                             const VkDebugUtilsLabelEXT *pLabel)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(commandBuffer);
    struct vkv4l2_cmd_buffer *cb = vkv4l2_cmd_buffer_get(dev, commandBuffer);
    if (cb)
        note_record_error(cb, vkv4l2_record_begin_debug_label(&cb->list, pLabel));
    else if (dev->vtbl.CmdBeginDebugUtilsLabelEXT)
        dev->vtbl.CmdBeginDebugUtilsLabelEXT(commandBuffer, pLabel);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdEndDebugUtilsLabelEXT(VkCommandBuffer commandBuffer)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(commandBuffer);
    struct vkv4l2_cmd_buffer *cb = vkv4l2_cmd_buffer_get(dev, commandBuffer);
    if (cb)
        note_record_error(cb, vkv4l2_record_end_debug_label(&cb->list));
    else if (dev->vtbl.CmdEndDebugUtilsLabelEXT)
        dev->vtbl.CmdEndDebugUtilsLabelEXT(commandBuffer);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdInsertDebugUtilsLabelEXT(VkCommandBuffer commandBuffer,
                                                              const VkDebugUtilsLabelEXT *pLabel)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(commandBuffer);
    struct vkv4l2_cmd_buffer *cb = vkv4l2_cmd_buffer_get(dev, commandBuffer);
    if (cb)
        note_record_error(cb, vkv4l2_record_insert_debug_label(&cb->list, pLabel));
    else if (dev->vtbl.CmdInsertDebugUtilsLabelEXT)
        dev->vtbl.CmdInsertDebugUtilsLabelEXT(commandBuffer, pLabel);
}
