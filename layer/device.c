#include "device.h"

#include <stdlib.h>
#include <string.h>

#include "copy_path.h"
#include "copy_readers.h"
#include "device_create.h"
#include "device_teardown.h"
#include "instance.h"
#include "log.h"
#include "object_map.h"
#include "physdev.h"
#include "queue.h"
#include "session_runtime.h"
#include "settings.h"

static struct vkv4l2_object_map devices = VKV4L2_OBJECT_MAP_INIT;

struct vkv4l2_device *vkv4l2_device_get(const void *dispatchable)
{
    return vkv4l2_object_map_get(&devices, vkv4l2_dispatch_key(dispatchable));
}

static VkLayerDeviceCreateInfo *find_device_info(const VkDeviceCreateInfo *ci,
                                                 VkLayerFunction function)
{
    for (const VkBaseInStructure *s = ci->pNext; s; s = s->pNext) {
        if (s->sType != VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO)
            continue;
        VkLayerDeviceCreateInfo *info = (VkLayerDeviceCreateInfo *)s;
        if (info->function == function)
            return info;
    }
    return NULL;
}

/* VK_EXT_debug_utils is an instance extension with device commands: a
 * layer below ours may not hand them out through vkGetDeviceProcAddr,
 * while applications get them through vkGetInstanceProcAddr -- and then
 * call our intercepts, which must not call a NULL entry. */
static void fill_debug_utils(struct vkv4l2_device *dev)
{
    PFN_vkGetInstanceProcAddr gipa = dev->inst->next_gipa;
    VkInstance instance = dev->inst->handle;
#define FILL(name)                                                              \
    if (!dev->vtbl.name)                                                        \
        dev->vtbl.name = (PFN_vk##name)gipa(instance, "vk" #name);
    FILL(CmdBeginDebugUtilsLabelEXT);
    FILL(CmdEndDebugUtilsLabelEXT);
    FILL(CmdInsertDebugUtilsLabelEXT);
    FILL(QueueBeginDebugUtilsLabelEXT);
    FILL(QueueEndDebugUtilsLabelEXT);
    FILL(QueueInsertDebugUtilsLabelEXT);
#undef FILL
}

/* Decode queues and the driver queue the layer submits to. */
static VkResult setup_video(struct vkv4l2_device *dev, const struct vkv4l2_device_plan *plan)
{
    if (plan->decode_queue_count) {
        dev->vtbl.GetDeviceQueue(dev->handle, plan->driver_queue_family, plan->driver_queue_index,
                                 &dev->driver_queue);
        /* Created below the loader: give it the loader's dispatch so that
         * a layer below ours can dispatch on it. */
        if (plan->driver_queue_is_spare &&
            dev->set_loader_data(dev->handle, dev->driver_queue) != VK_SUCCESS)
            return VK_ERROR_INITIALIZATION_FAILED;
        dev->driver_queue_family = plan->driver_queue_family;
    }
    dev->decode_queues = calloc(plan->decode_queue_count + 1, sizeof(*dev->decode_queues));
    if (!dev->decode_queues)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    for (uint32_t i = 0; i < plan->decode_queue_count; i++) {
        VkResult r = vkv4l2_queue_create(dev, dev->decode_family, i, &dev->decode_queues[i]);
        if (r != VK_SUCCESS)
            return r;
        dev->decode_queue_count++;
    }
    return VK_SUCCESS;
}

static VkResult create_device(VkPhysicalDevice physicalDevice,
                              const VkDeviceCreateInfo *pCreateInfo,
                              const VkAllocationCallbacks *pAllocator, VkDevice *pDevice)
{
    struct vkv4l2_instance *inst = vkv4l2_instance_from_physdev(physicalDevice);
    VkLayerDeviceCreateInfo *link = find_device_info(pCreateInfo, VK_LAYER_LINK_INFO);
    VkLayerDeviceCreateInfo *loader_cb = find_device_info(pCreateInfo, VK_LOADER_DATA_CALLBACK);
    if (!inst || !link || !link->u.pLayerInfo)
        return VK_ERROR_INITIALIZATION_FAILED;

    VkLayerDeviceLink *layer_info = link->u.pLayerInfo;
    PFN_vkGetInstanceProcAddr next_gipa = layer_info->pfnNextGetInstanceProcAddr;
    PFN_vkGetDeviceProcAddr next_gdpa = layer_info->pfnNextGetDeviceProcAddr;
    PFN_vkCreateDevice next_create =
        (PFN_vkCreateDevice)next_gipa(inst->handle, "vkCreateDevice");
    if (!next_create)
        return VK_ERROR_INITIALIZATION_FAILED;

    struct vkv4l2_device *dev = calloc(1, sizeof(*dev));
    if (!dev)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    pthread_mutex_init(&dev->driver_queue_lock, NULL);
    struct vkv4l2_object_map *maps[] = {
        &dev->images, &dev->image_views, &dev->buffers, &dev->memories, &dev->sessions,
        &dev->session_params, &dev->query_pools, &dev->cmd_pools, &dev->cmd_buffers,
        &dev->timeline_semaphores, &dev->queue_families, &dev->layer_fences,
        &dev->copy_readers,
    };
    for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
        vkv4l2_object_map_init(maps[i]);
    pthread_mutex_init(&dev->fence_lock, NULL);
    pthread_cond_init(&dev->fence_cond, NULL);

    /* The driver must not see the layer's family or extensions. */
    struct vkv4l2_physdev *pd = vkv4l2_physdev_probed(physicalDevice);
    struct vkv4l2_arena arena = VKV4L2_ARENA_INIT;
    VkDeviceCreateInfo info = *pCreateInfo;
    VkQueueFamilyProperties families[64];
    struct vkv4l2_device_plan plan = { 0 };
    if (pd && pd->video) {
        uint32_t nfam = pd->driver_family_count < 64 ? pd->driver_family_count : 64;
        inst->vtbl.GetPhysicalDeviceQueueFamilyProperties(physicalDevice, &nfam, families);
        plan = (struct vkv4l2_device_plan){
            .decode_family = pd->decode_family,
            .driver_families = families,
            .driver_family_count = nfam,
            .driver_api_version = pd->driver_api_version,
            .driver_has_modifier_ext = pd->has_modifier_ext,
        };
        VkResult r = vkv4l2_device_plan_create_info(&plan, pCreateInfo, &arena, &info);
        if (r != VK_SUCCESS) {
            vkv4l2_arena_fini(&arena);
            free(dev);
            return r;
        }
    }

    link->u.pLayerInfo = layer_info->pNext;
    VkResult res = next_create(physicalDevice, &info, pAllocator, pDevice);
    link->u.pLayerInfo = layer_info;
    vkv4l2_arena_fini(&arena);
    if (res != VK_SUCCESS) {
        free(dev);
        return res;
    }

    dev->handle = *pDevice;
    dev->physdev = physicalDevice;
    dev->inst = inst;
    dev->pd = pd;
    dev->next_gdpa = next_gdpa;
    dev->set_loader_data = loader_cb ? loader_cb->u.pfnSetDeviceLoaderData : NULL;
    vkuInitDeviceDispatchTable(*pDevice, &dev->vtbl, next_gdpa);
    fill_debug_utils(dev);
    dev->video = pd && pd->video && plan.video_enabled && dev->set_loader_data;
    dev->decode_family = pd ? pd->decode_family : 0;
    dev->api_version = pd ? pd->driver_api_version : 0;

    if (vkv4l2_object_map_insert(&devices, vkv4l2_dispatch_key(*pDevice), dev) != 0) {
        dev->vtbl.DestroyDevice(*pDevice, pAllocator);
        free(dev);
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    }
    if (dev->video) {
        res = setup_video(dev, &plan);
        if (res != VK_SUCCESS) {
            vkv4l2_DestroyDevice(*pDevice, pAllocator);
            return res;
        }
    }
    vkv4l2_log_inst(inst, VKV4L2_LOG_DEBUG, "device %p created%s", (void *)*pDevice,
                    dev->video ? " with video decode" : "");
    return VK_SUCCESS;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateDevice(VkPhysicalDevice physicalDevice,
                                                   const VkDeviceCreateInfo *pCreateInfo,
                                                   const VkAllocationCallbacks *pAllocator,
                                                   VkDevice *pDevice)
{
    /* The loader holds its global lock across vkCreateDevice. */
    vkv4l2_log_loader_locked(1);
    VkResult res = create_device(physicalDevice, pCreateInfo, pAllocator, pDevice);
    vkv4l2_log_loader_locked(-1);
    return res;
}

/* A leak is the application's bug, but its V4L2 state is ours to release;
 * say what was found so the bug stays visible. */
static void report_leaks(struct vkv4l2_device *dev, struct vkv4l2_leak_counts n)
{
    uint32_t total = n.cmd_pools + n.query_pools + n.session_params + n.sessions +
                     n.image_views + n.images + n.imported_memories + n.buffers + n.memories;
    if (!total)
        return;
    /* Views and memory records hold no V4L2 state: FFmpeg 7.1 with frame
     * threads leaves one image view at exit (validation reports it too). */
    bool v4l2_state = n.sessions || n.session_params || n.query_pools || n.cmd_pools ||
                      n.images || n.imported_memories || n.buffers;
    vkv4l2_log_inst(dev->inst, v4l2_state ? VKV4L2_LOG_WARN : VKV4L2_LOG_INFO,
                    "vkDestroyDevice: freeing what the application did not destroy: "
                    "%u video sessions, %u session parameters, %u query pools, "
                    "%u decode command pools, %u video images (%u views, %u imported "
                    "memories), %u video buffers, %u other memory records",
                    n.sessions, n.session_params, n.query_pools, n.cmd_pools, n.images,
                    n.image_views, n.imported_memories, n.buffers, n.memories);
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyDevice(VkDevice device,
                                                const VkAllocationCallbacks *pAllocator)
{
    if (device == VK_NULL_HANDLE)
        return;
    struct vkv4l2_device *dev = vkv4l2_object_map_get(&devices, vkv4l2_dispatch_key(device));
    if (!dev)
        return;
    /* Decode queues drain first: their threads use the driver. */
    for (uint32_t i = 0; i < dev->decode_queue_count; i++) {
        vkv4l2_queue_destroy(dev->decode_queues[i]);
    }
    free(dev->decode_queues);
    vkv4l2_copy_path_fini(dev);
    vkv4l2_copy_readers_fini(dev);
    /* The loader holds its lock across vkDestroyDevice: log to stderr only. */
    vkv4l2_log_loader_locked(1);
    report_leaks(dev, vkv4l2_device_free_leaked(dev));
    vkv4l2_log_loader_locked(-1);
    vkv4l2_runtime_destroy_all(dev);
    vkv4l2_object_map_remove(&devices, vkv4l2_dispatch_key(device));
    dev->vtbl.DestroyDevice(device, pAllocator);
    struct vkv4l2_object_map *maps[] = {
        &dev->images, &dev->image_views, &dev->buffers, &dev->memories, &dev->sessions,
        &dev->session_params, &dev->query_pools, &dev->cmd_pools, &dev->cmd_buffers,
        &dev->timeline_semaphores, &dev->queue_families, &dev->layer_fences,
        &dev->copy_readers,
    };
    for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
        vkv4l2_object_map_fini(maps[i]);
    pthread_cond_destroy(&dev->fence_cond);
    pthread_mutex_destroy(&dev->fence_lock);
    pthread_mutex_destroy(&dev->driver_queue_lock);
    free(dev);
}
