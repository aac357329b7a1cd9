/* vkCmd* entry points the layer intercepts (see cmd_intercept.c). */
#ifndef VKV4L2_CMD_INTERCEPT_H
#define VKV4L2_CMD_INTERCEPT_H

#include <vulkan/vulkan.h>

VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdBeginVideoCodingKHR(VkCommandBuffer commandBuffer,
                                                         const VkVideoBeginCodingInfoKHR *pInfo);
VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdEndVideoCodingKHR(VkCommandBuffer commandBuffer,
                                                       const VkVideoEndCodingInfoKHR *pInfo);
VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdControlVideoCodingKHR(VkCommandBuffer commandBuffer,
                                                           const VkVideoCodingControlInfoKHR *pInfo);
VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdDecodeVideoKHR(VkCommandBuffer commandBuffer,
                                                    const VkVideoDecodeInfoKHR *pInfo);
VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdPipelineBarrier(
    VkCommandBuffer commandBuffer, VkPipelineStageFlags srcStageMask,
    VkPipelineStageFlags dstStageMask, VkDependencyFlags dependencyFlags,
    uint32_t memoryBarrierCount, const VkMemoryBarrier *pMemoryBarriers,
    uint32_t bufferMemoryBarrierCount, const VkBufferMemoryBarrier *pBufferMemoryBarriers,
    uint32_t imageMemoryBarrierCount, const VkImageMemoryBarrier *pImageMemoryBarriers);
VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdPipelineBarrier2(VkCommandBuffer commandBuffer,
                                                      const VkDependencyInfo *pInfo);
VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdPipelineBarrier2KHR(VkCommandBuffer commandBuffer,
                                                         const VkDependencyInfo *pInfo);
VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdResetQueryPool(VkCommandBuffer commandBuffer,
                                                    VkQueryPool queryPool, uint32_t firstQuery,
                                                    uint32_t queryCount);
VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdBeginQuery(VkCommandBuffer commandBuffer,
                                                VkQueryPool queryPool, uint32_t query,
                                                VkQueryControlFlags flags);
VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdEndQuery(VkCommandBuffer commandBuffer,
                                              VkQueryPool queryPool, uint32_t query);
VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdBeginDebugUtilsLabelEXT(VkCommandBuffer commandBuffer,
                                                             const VkDebugUtilsLabelEXT *pLabel);
VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdEndDebugUtilsLabelEXT(VkCommandBuffer commandBuffer);
VKAPI_ATTR void VKAPI_CALL vkv4l2_CmdInsertDebugUtilsLabelEXT(VkCommandBuffer commandBuffer,
                                                              const VkDebugUtilsLabelEXT *pLabel);

#endif
