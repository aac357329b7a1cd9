/* Entry points of VkVideoSessionKHR and VkVideoSessionParametersKHR.  Both
 * objects live in the layer alone; on a device where the layer adds no
 * video (dev->video false) the calls go to the driver unchanged. */
#include <stdlib.h>

#include "device.h"
#include "instance.h"
#include "log.h"
#include "object_map.h"
#include "physdev.h"
#include "session_params.h"
#include "video_session.h"

#define HANDLE_KEY(h) ((uintptr_t)(h))

struct vkv4l2_video_session *vkv4l2_video_session_get(struct vkv4l2_device *dev,
                                                      VkVideoSessionKHR handle)
{
    return handle ? vkv4l2_object_map_get(&dev->sessions, HANDLE_KEY(handle)) : NULL;
}

struct vkv4l2_video_session_params *vkv4l2_session_params_get(struct vkv4l2_device *dev,
                                                              VkVideoSessionParametersKHR handle)
{
    return handle ? vkv4l2_object_map_get(&dev->session_params, HANDLE_KEY(handle)) : NULL;
}

struct vkv4l2_video_session_params *vkv4l2_session_params_hold(struct vkv4l2_device *dev,
                                                               VkVideoSessionParametersKHR handle)
{
    struct vkv4l2_video_session_params *p = vkv4l2_session_params_get(dev, handle);
    if (p)
        vkv4l2_session_params_ref(p);
    return p;
}

void vkv4l2_session_params_release(struct vkv4l2_device *dev,
                                   struct vkv4l2_video_session_params *p)
{
    if (!vkv4l2_session_params_unref(p))
        return;
    /* Until now the handle still resolved, for the decodes recorded with it. */
    vkv4l2_object_map_remove(&dev->session_params, HANDLE_KEY(p));
    vkv4l2_session_params_destroy(p);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateVideoSessionKHR(
    VkDevice device, const VkVideoSessionCreateInfoKHR *pCreateInfo,
    const VkAllocationCallbacks *pAllocator, VkVideoSessionKHR *pVideoSession)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video)
        return dev->vtbl.CreateVideoSessionKHR
                   ? dev->vtbl.CreateVideoSessionKHR(device, pCreateInfo, pAllocator, pVideoSession)
                   : VK_ERROR_INITIALIZATION_FAILED;

    const char *why = NULL;
    VkResult r = vkv4l2_video_session_check(&dev->pd->support, dev->decode_family, pCreateInfo, &why);
    if (r != VK_SUCCESS) {
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_ERROR, "vkCreateVideoSessionKHR: %s (%d)", why, r);
        return r;
    }
    /* pAllocator is not used: the object is the layer's own host memory. */
    struct vkv4l2_video_session *s = malloc(sizeof(*s));
    if (!s)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    vkv4l2_video_session_init(s, pCreateInfo);
    s->dev = dev;
    if (vkv4l2_object_map_insert(&dev->sessions, (uintptr_t)s, s) != 0) {
        free(s);
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    }
    *pVideoSession = (VkVideoSessionKHR)(uintptr_t)s;
    vkv4l2_log_inst(dev->inst, VKV4L2_LOG_DEBUG, "video session %p: %ux%u max, %u DPB slots",
                    (void *)s, s->max_coded_extent.width, s->max_coded_extent.height,
                    s->max_dpb_slots);
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyVideoSessionKHR(
    VkDevice device, VkVideoSessionKHR videoSession, const VkAllocationCallbacks *pAllocator)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video) {
        if (dev->vtbl.DestroyVideoSessionKHR)
            dev->vtbl.DestroyVideoSessionKHR(device, videoSession, pAllocator);
        return;
    }
    if (!videoSession)
        return;
    struct vkv4l2_video_session *s = vkv4l2_object_map_remove(&dev->sessions,
                                                              HANDLE_KEY(videoSession));
    if (!s)
        return;
    if (s->runtime)
        vkv4l2_video_session_runtime_destroy(dev, s);
    free(s);
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_GetVideoSessionMemoryRequirementsKHR(
    VkDevice device, VkVideoSessionKHR videoSession, uint32_t *pMemoryRequirementsCount,
    VkVideoSessionMemoryRequirementsKHR *pMemoryRequirements)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video)
        return dev->vtbl.GetVideoSessionMemoryRequirementsKHR
                   ? dev->vtbl.GetVideoSessionMemoryRequirementsKHR(
                         device, videoSession, pMemoryRequirementsCount, pMemoryRequirements)
                   : VK_ERROR_INITIALIZATION_FAILED;
    /* The V4L2 device owns every buffer the session uses, so nothing is
     * needed; but clients (FFmpeg 7.1) call vkBindVideoSessionMemoryKHR
     * with the count they got, and a count of 0 is invalid usage there.
     * One small binding of any memory type keeps them valid; it is never
     * touched. */
    if (!pMemoryRequirements) {
        *pMemoryRequirementsCount = 1;
        return VK_SUCCESS;
    }
    if (*pMemoryRequirementsCount < 1)
        return VK_INCOMPLETE;
    VkPhysicalDeviceMemoryProperties mem;
    dev->inst->vtbl.GetPhysicalDeviceMemoryProperties(dev->physdev, &mem);
    pMemoryRequirements[0].memoryBindIndex = 0;
    pMemoryRequirements[0].memoryRequirements = (VkMemoryRequirements){
        .size = 4096,
        .alignment = 4096,
        .memoryTypeBits = mem.memoryTypeCount >= 32 ? ~0u : (1u << mem.memoryTypeCount) - 1,
    };
    *pMemoryRequirementsCount = 1;
    return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_BindVideoSessionMemoryKHR(
    VkDevice device, VkVideoSessionKHR videoSession, uint32_t bindSessionMemoryInfoCount,
    const VkBindVideoSessionMemoryInfoKHR *pBindSessionMemoryInfos)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video)
        return dev->vtbl.BindVideoSessionMemoryKHR
                   ? dev->vtbl.BindVideoSessionMemoryKHR(device, videoSession,
                                                         bindSessionMemoryInfoCount,
                                                         pBindSessionMemoryInfos)
                   : VK_ERROR_INITIALIZATION_FAILED;
    /* The one binding of vkv4l2_GetVideoSessionMemoryRequirementsKHR; the
     * memory is not used. */
    for (uint32_t i = 0; i < bindSessionMemoryInfoCount; i++) {
        if (pBindSessionMemoryInfos[i].memoryBindIndex != 0) {
            vkv4l2_log_inst(dev->inst, VKV4L2_LOG_ERROR,
                            "vkBindVideoSessionMemoryKHR: VUID-vkBindVideoSessionMemoryKHR-"
                            "pBindSessionMemoryInfos-07197: memoryBindIndex %u was never "
                            "reported",
                            pBindSessionMemoryInfos[i].memoryBindIndex);
            return VK_ERROR_VALIDATION_FAILED_EXT;
        }
    }
    return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateVideoSessionParametersKHR(
    VkDevice device, const VkVideoSessionParametersCreateInfoKHR *pCreateInfo,
    const VkAllocationCallbacks *pAllocator, VkVideoSessionParametersKHR *pVideoSessionParameters)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video)
        return dev->vtbl.CreateVideoSessionParametersKHR
                   ? dev->vtbl.CreateVideoSessionParametersKHR(device, pCreateInfo, pAllocator,
                                                               pVideoSessionParameters)
                   : VK_ERROR_INITIALIZATION_FAILED;

    struct vkv4l2_video_session *s = vkv4l2_video_session_get(dev, pCreateInfo->videoSession);
    struct vkv4l2_video_session_params *tmpl =
        vkv4l2_session_params_get(dev, pCreateInfo->videoSessionParametersTemplate);
    if (!s || (pCreateInfo->videoSessionParametersTemplate && !tmpl)) {
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_ERROR,
                        "vkCreateVideoSessionParametersKHR: unknown video session or template");
        return VK_ERROR_VALIDATION_FAILED_EXT;
    }
    const char *why = NULL;
    struct vkv4l2_video_session_params *p = NULL;
    VkResult r = vkv4l2_session_params_create(s, tmpl, pCreateInfo, &p, &why);
    if (r != VK_SUCCESS) {
        if (why)
            vkv4l2_log_inst(dev->inst, VKV4L2_LOG_ERROR,
                            "vkCreateVideoSessionParametersKHR: %s (%d)", why, r);
        return r;
    }
    if (vkv4l2_object_map_insert(&dev->session_params, (uintptr_t)p, p) != 0) {
        vkv4l2_session_params_destroy(p);
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    }
    *pVideoSessionParameters = (VkVideoSessionParametersKHR)(uintptr_t)p;
    return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_UpdateVideoSessionParametersKHR(
    VkDevice device, VkVideoSessionParametersKHR videoSessionParameters,
    const VkVideoSessionParametersUpdateInfoKHR *pUpdateInfo)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video)
        return dev->vtbl.UpdateVideoSessionParametersKHR
                   ? dev->vtbl.UpdateVideoSessionParametersKHR(device, videoSessionParameters,
                                                               pUpdateInfo)
                   : VK_ERROR_INITIALIZATION_FAILED;

    struct vkv4l2_video_session_params *p = vkv4l2_session_params_get(dev, videoSessionParameters);
    if (!p) {
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_ERROR,
                        "vkUpdateVideoSessionParametersKHR: unknown parameters object");
        return VK_ERROR_VALIDATION_FAILED_EXT;
    }
    const char *why = NULL;
    VkResult r = vkv4l2_session_params_update(p, pUpdateInfo, &why);
    if (r != VK_SUCCESS && why)
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_ERROR, "vkUpdateVideoSessionParametersKHR: %s (%d)",
                        why, r);
    return r;
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyVideoSessionParametersKHR(
    VkDevice device, VkVideoSessionParametersKHR videoSessionParameters,
    const VkAllocationCallbacks *pAllocator)
{
    struct vkv4l2_device *dev = vkv4l2_device_get(device);
    if (!dev->video) {
        if (dev->vtbl.DestroyVideoSessionParametersKHR)
            dev->vtbl.DestroyVideoSessionParametersKHR(device, videoSessionParameters, pAllocator);
        return;
    }
    struct vkv4l2_video_session_params *p = vkv4l2_session_params_get(dev, videoSessionParameters);
    if (p)
        vkv4l2_session_params_release(dev, p); /* the application's reference */
}
