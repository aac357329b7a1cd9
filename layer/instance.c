#include "instance.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "object_map.h"
#include "physdev.h"
#include "settings_read.h"

static struct vkv4l2_object_map instances = VKV4L2_OBJECT_MAP_INIT;

struct vkv4l2_instance *vkv4l2_instance_get(VkInstance instance)
{
    return vkv4l2_object_map_get(&instances, vkv4l2_dispatch_key(instance));
}

struct vkv4l2_instance *vkv4l2_instance_from_physdev(VkPhysicalDevice physdev)
{
    struct vkv4l2_physdev *pd = vkv4l2_physdev_get(physdev);
    return pd ? pd->inst : NULL;
}

static VkLayerInstanceCreateInfo *find_link_info(const VkInstanceCreateInfo *ci)
{
    for (const VkBaseInStructure *s = ci->pNext; s; s = s->pNext) {
        if (s->sType != VK_STRUCTURE_TYPE_LOADER_INSTANCE_CREATE_INFO)
            continue;
        VkLayerInstanceCreateInfo *info = (VkLayerInstanceCreateInfo *)s;
        if (info->function == VK_LAYER_LINK_INFO)
            return info;
    }
    return NULL;
}

static void keep_create_messengers(struct vkv4l2_instance *inst, const VkInstanceCreateInfo *ci)
{
    for (const VkBaseInStructure *s = ci->pNext; s; s = s->pNext) {
        if (s->sType != VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT ||
            inst->create_messenger_count == 4)
            continue;
        VkDebugUtilsMessengerCreateInfoEXT *m = &inst->create_messengers[inst->create_messenger_count++];
        *m = *(const VkDebugUtilsMessengerCreateInfoEXT *)s;
        m->pNext = NULL;
    }
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateInstance(const VkInstanceCreateInfo *pCreateInfo,
                                                     const VkAllocationCallbacks *pAllocator,
                                                     VkInstance *pInstance)
{
    VkLayerInstanceCreateInfo *link = find_link_info(pCreateInfo);
    if (!link || !link->u.pLayerInfo)
        return VK_ERROR_INITIALIZATION_FAILED;
    VkLayerInstanceLink *layer_info = link->u.pLayerInfo;
    PFN_vkGetInstanceProcAddr next_gipa = layer_info->pfnNextGetInstanceProcAddr;
    PFN_GetPhysicalDeviceProcAddr next_gpdpa = layer_info->pfnNextGetPhysicalDeviceProcAddr;
    PFN_vkCreateInstance next_create =
        (PFN_vkCreateInstance)next_gipa(VK_NULL_HANDLE, "vkCreateInstance");
    if (!next_create)
        return VK_ERROR_INITIALIZATION_FAILED;

    struct vkv4l2_instance *inst = calloc(1, sizeof(*inst));
    if (!inst)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    VkResult res = vkv4l2_settings_read(pCreateInfo, &inst->settings);
    if (res != VK_SUCCESS) {
        free(inst);
        return res;
    }
    /* The log level is process-wide: the newest instance that sets it wins. */
    if (inst->settings.set[VKV4L2_SETTING_LOG])
        vkv4l2_log_set_level((enum vkv4l2_log_level)inst->settings.log);
    keep_create_messengers(inst, pCreateInfo);
    atomic_store(&inst->in_lifecycle, true);

    /* Advance the chain for the next layer, and put it back afterwards:
     * the structure belongs to the loader. */
    link->u.pLayerInfo = layer_info->pNext;
    res = next_create(pCreateInfo, pAllocator, pInstance);
    link->u.pLayerInfo = layer_info;
    if (res != VK_SUCCESS) {
        free(inst);
        return res;
    }

    inst->handle = *pInstance;
    inst->next_gipa = next_gipa;
    inst->next_gpdpa = next_gpdpa;
    inst->api_version = pCreateInfo->pApplicationInfo && pCreateInfo->pApplicationInfo->apiVersion
                            ? pCreateInfo->pApplicationInfo->apiVersion
                            : VK_API_VERSION_1_0;
    vkuInitInstanceDispatchTable(*pInstance, &inst->vtbl, next_gipa);
    for (uint32_t i = 0; i < pCreateInfo->enabledExtensionCount; i++) {
        if (!strcmp(pCreateInfo->ppEnabledExtensionNames[i], VK_EXT_DEBUG_UTILS_EXTENSION_NAME))
            inst->debug_utils = true;
    }

    if (vkv4l2_object_map_insert(&instances, vkv4l2_dispatch_key(*pInstance), inst) != 0) {
        inst->vtbl.DestroyInstance(*pInstance, pAllocator);
        free(inst);
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    }
    vkv4l2_log_inst(inst, VKV4L2_LOG_DEBUG, "instance %p created (API %u.%u)", (void *)*pInstance,
                    VK_API_VERSION_MAJOR(inst->api_version),
                    VK_API_VERSION_MINOR(inst->api_version));
    atomic_store(&inst->in_lifecycle, false);
    return VK_SUCCESS;
}

VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyInstance(VkInstance instance,
                                                  const VkAllocationCallbacks *pAllocator)
{
    if (instance == VK_NULL_HANDLE)
        return;
    struct vkv4l2_instance *inst =
        vkv4l2_object_map_remove(&instances, vkv4l2_dispatch_key(instance));
    if (!inst)
        return;
    atomic_store(&inst->in_lifecycle, true);
    vkv4l2_log_inst(inst, VKV4L2_LOG_DEBUG, "instance %p destroyed", (void *)instance);
    vkv4l2_physdev_remove_instance(inst);
    inst->vtbl.DestroyInstance(instance, pAllocator);
    free(inst);
}

static void remember_physdevs(struct vkv4l2_instance *inst, const VkPhysicalDevice *devs,
                              uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        if (vkv4l2_physdev_add(inst, devs[i]))
            vkv4l2_err("out of memory tracking a physical device");
    }
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_EnumeratePhysicalDevices(VkInstance instance,
                                                               uint32_t *pCount,
                                                               VkPhysicalDevice *pDevices)
{
    struct vkv4l2_instance *inst = vkv4l2_instance_get(instance);
    VkResult res = inst->vtbl.EnumeratePhysicalDevices(instance, pCount, pDevices);
    if (pDevices && (res == VK_SUCCESS || res == VK_INCOMPLETE))
        remember_physdevs(inst, pDevices, *pCount);
    return res;
}

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_EnumeratePhysicalDeviceGroups(
    VkInstance instance, uint32_t *pCount, VkPhysicalDeviceGroupProperties *pGroups)
{
    struct vkv4l2_instance *inst = vkv4l2_instance_get(instance);
    /* Reached through either name; the layer only exposes this entry point
     * when the next one has one of them. */
    PFN_vkEnumeratePhysicalDeviceGroups next = inst->vtbl.EnumeratePhysicalDeviceGroups
                                                   ? inst->vtbl.EnumeratePhysicalDeviceGroups
                                                   : inst->vtbl.EnumeratePhysicalDeviceGroupsKHR;
    VkResult res = next(instance, pCount, pGroups);
    if (pGroups && (res == VK_SUCCESS || res == VK_INCOMPLETE)) {
        for (uint32_t i = 0; i < *pCount; i++)
            remember_physdevs(inst, pGroups[i].physicalDevices, pGroups[i].physicalDeviceCount);
    }
    return res;
}
