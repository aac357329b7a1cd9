#include "device_create.h"

#include <string.h>

#include "video_caps.h"

static bool has_name(const char *const *names, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++) {
        if (!strcmp(names[i], name))
            return true;
    }
    return false;
}

/* The queue the layer submits proxy work and copies on: a queue of the
 * first family that can transfer (graphics and compute imply it) among
 * those the application creates; a spare one when the family has room. */
static VkResult plan_driver_queue(struct vkv4l2_device_plan *plan, const VkDeviceCreateInfo *in,
                                  struct vkv4l2_arena *arena, VkDeviceQueueCreateInfo *queues,
                                  uint32_t nqueues)
{
    const VkQueueFlags usable = VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT;
    for (uint32_t i = 0; i < nqueues; i++) {
        VkDeviceQueueCreateInfo *q = &queues[i];
        if (q->queueFamilyIndex >= plan->driver_family_count || q->flags)
            continue;
        const VkQueueFamilyProperties *fam = &plan->driver_families[q->queueFamilyIndex];
        if (!(fam->queueFlags & usable))
            continue;
        plan->driver_queue_found = true;
        plan->driver_queue_family = q->queueFamilyIndex;
        if (q->queueCount < fam->queueCount) {
            float *prio = vkv4l2_arena_new(arena, float, q->queueCount + 1);
            if (!prio)
                return VK_ERROR_OUT_OF_HOST_MEMORY;
            memcpy(prio, q->pQueuePriorities, q->queueCount * sizeof(float));
            prio[q->queueCount] = 1.0f;
            plan->driver_queue_index = q->queueCount;
            plan->driver_queue_is_spare = true;
            q->pQueuePriorities = prio;
            q->queueCount++;
        } else {
            plan->driver_queue_index = 0;
        }
        return VK_SUCCESS;
    }
    (void)in;
    return VK_SUCCESS;
}

VkResult vkv4l2_device_plan_create_info(struct vkv4l2_device_plan *plan,
                                        const VkDeviceCreateInfo *in, struct vkv4l2_arena *arena,
                                        VkDeviceCreateInfo *out)
{
    *out = *in;
    plan->video_enabled =
        has_name(in->ppEnabledExtensionNames, in->enabledExtensionCount,
                 VK_KHR_VIDEO_DECODE_QUEUE_EXTENSION_NAME);

    VkDeviceQueueCreateInfo *queues =
        vkv4l2_arena_new(arena, VkDeviceQueueCreateInfo, in->queueCreateInfoCount + 1);
    if (!queues)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    uint32_t nq = 0;
    for (uint32_t i = 0; i < in->queueCreateInfoCount; i++) {
        const VkDeviceQueueCreateInfo *q = &in->pQueueCreateInfos[i];
        if (q->queueFamilyIndex == plan->decode_family) {
            plan->decode_queue_count = q->queueCount;
            continue;
        }
        queues[nq++] = *q;
    }
    if (plan->decode_queue_count && !plan->video_enabled)
        return VK_ERROR_INITIALIZATION_FAILED;

    if (plan->video_enabled) {
        VkResult r = plan_driver_queue(plan, in, arena, queues, nq);
        if (r != VK_SUCCESS)
            return r;
        if (!plan->driver_queue_found && plan->decode_queue_count) {
            /* The application created no queue we can use: ask for one. */
            for (uint32_t f = 0; f < plan->driver_family_count; f++) {
                if (!(plan->driver_families[f].queueFlags &
                      (VK_QUEUE_GRAPHICS_BIT | VK_QUEUE_COMPUTE_BIT | VK_QUEUE_TRANSFER_BIT)))
                    continue;
                static const float prio = 1.0f;
                queues[nq++] = (VkDeviceQueueCreateInfo){
                    .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
                    .queueFamilyIndex = f,
                    .queueCount = 1,
                    .pQueuePriorities = &prio,
                };
                plan->driver_queue_found = true;
                plan->driver_queue_family = f;
                plan->driver_queue_index = 0;
                plan->driver_queue_is_spare = true;
                break;
            }
            if (!plan->driver_queue_found)
                return VK_ERROR_INITIALIZATION_FAILED;
        }
    }
    out->queueCreateInfoCount = nq;
    out->pQueueCreateInfos = queues;

    /* Extensions: ours removed, the import path's added. */
    const char *add[4];
    uint32_t nadd = 0;
    if (plan->video_enabled) {
        add[nadd++] = VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME;
        add[nadd++] = VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME;
        if (plan->driver_has_modifier_ext) {
            add[nadd++] = VK_EXT_IMAGE_DRM_FORMAT_MODIFIER_EXTENSION_NAME;
            if (plan->driver_api_version < VK_API_VERSION_1_2)
                add[nadd++] = VK_KHR_IMAGE_FORMAT_LIST_EXTENSION_NAME;
        }
    }
    const char **names =
        vkv4l2_arena_new(arena, const char *, in->enabledExtensionCount + nadd);
    if (!names)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    uint32_t nn = 0;
    for (uint32_t i = 0; i < in->enabledExtensionCount; i++) {
        if (!vkv4l2_is_video_extension(in->ppEnabledExtensionNames[i]))
            names[nn++] = in->ppEnabledExtensionNames[i];
    }
    for (uint32_t i = 0; i < nadd; i++) {
        if (!has_name(names, nn, add[i]))
            names[nn++] = add[i];
    }
    out->enabledExtensionCount = nn;
    out->ppEnabledExtensionNames = names;
    return VK_SUCCESS;
}
