/* The driver's answers for the import ladder, through plain dispatch tables. */
#include "import_query.h"

#include "scrub.h"

#define DRM_MOD_LINEAR 0ull /* DRM_FORMAT_MOD_LINEAR (drm_fourcc.h) */

static VkResult image_format_props2(const struct vkv4l2_import_query *q,
                                    const VkPhysicalDeviceImageFormatInfo2 *info,
                                    VkImageFormatProperties2 *props)
{
    const VkuInstanceDispatchTable *vk = q->ivk;
    PFN_vkGetPhysicalDeviceImageFormatProperties2 fn = vk->GetPhysicalDeviceImageFormatProperties2;
    if (!fn)
        fn = vk->GetPhysicalDeviceImageFormatProperties2KHR;
    return fn ? fn(q->physdev, info, props) : VK_ERROR_FORMAT_NOT_SUPPORTED;
}

/* The usage and flags of `base` supported with `tiling` (+ chain), the
 * extent and layers fitting, and importable from a dma-buf. */
static bool importable(const struct vkv4l2_import_query *q, const VkImageCreateInfo *base,
                       VkImageTiling tiling, VkImageCreateFlags flags, const void *chain)
{
    VkPhysicalDeviceExternalImageFormatInfo ext = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_IMAGE_FORMAT_INFO,
        .pNext = chain,
        .handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
    };
    const VkPhysicalDeviceImageFormatInfo2 info = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2,
        .pNext = &ext,
        .format = base->format,
        .type = base->imageType,
        .tiling = tiling,
        .usage = base->usage,
        .flags = flags,
    };
    VkExternalImageFormatProperties eprops = {
        .sType = VK_STRUCTURE_TYPE_EXTERNAL_IMAGE_FORMAT_PROPERTIES};
    VkImageFormatProperties2 props = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_FORMAT_PROPERTIES_2, .pNext = &eprops};
    if (image_format_props2(q, &info, &props) != VK_SUCCESS)
        return false;
    const VkImageFormatProperties *p = &props.imageFormatProperties;
    return (eprops.externalMemoryProperties.externalMemoryFeatures &
            VK_EXTERNAL_MEMORY_FEATURE_IMPORTABLE_BIT) &&
           p->maxExtent.width >= base->extent.width &&
           p->maxExtent.height >= base->extent.height && p->maxArrayLayers >= base->arrayLayers;
}

/* VK_EXT_image_drm_format_modifier offers LINEAR with two planes for the
 * format, and the image is importable with it. */
static bool modifier_linear_ok(const struct vkv4l2_import_query *q, const VkImageCreateInfo *base)
{
    if (!q->has_modifier_ext)
        return false;
    VkDrmFormatModifierPropertiesEXT mods[64];
    VkDrmFormatModifierPropertiesListEXT list = {
        .sType = VK_STRUCTURE_TYPE_DRM_FORMAT_MODIFIER_PROPERTIES_LIST_EXT,
        .drmFormatModifierCount = 64,
        .pDrmFormatModifierProperties = mods,
    };
    VkFormatProperties2 fp = { .sType = VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_2, .pNext = &list };
    const VkuInstanceDispatchTable *vk = q->ivk;
    PFN_vkGetPhysicalDeviceFormatProperties2 fn = vk->GetPhysicalDeviceFormatProperties2;
    if (!fn)
        fn = vk->GetPhysicalDeviceFormatProperties2KHR;
    if (!fn)
        return false;
    fn(q->physdev, base->format, &fp);
    bool linear = false;
    for (uint32_t i = 0; i < list.drmFormatModifierCount && i < 64; i++)
        linear |= mods[i].drmFormatModifier == DRM_MOD_LINEAR &&
                  mods[i].drmFormatModifierPlaneCount == 2;
    if (!linear)
        return false;
    const VkPhysicalDeviceImageDrmFormatModifierInfoEXT mod = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_DRM_FORMAT_MODIFIER_INFO_EXT,
        .drmFormatModifier = DRM_MOD_LINEAR,
        .sharingMode = base->sharingMode,
        .queueFamilyIndexCount = base->queueFamilyIndexCount,
        .pQueueFamilyIndices = base->pQueueFamilyIndices,
    };
    return importable(q, base, VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT, base->flags, &mod);
}

static bool linear_disjoint_ok(const struct vkv4l2_import_query *q, const VkImageCreateInfo *base)
{
    VkFormatProperties fp;
    q->ivk->GetPhysicalDeviceFormatProperties(q->physdev, base->format, &fp);
    if (!(fp.linearTilingFeatures & VK_FORMAT_FEATURE_DISJOINT_BIT))
        return false;
    return importable(q, base, VK_IMAGE_TILING_LINEAR, base->flags | VK_IMAGE_CREATE_DISJOINT_BIT,
                      NULL);
}

static uint32_t driver_import_align(const struct vkv4l2_import_query *q)
{
    VkPhysicalDeviceDriverProperties drv = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
    VkPhysicalDeviceProperties2 props = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, .pNext = &drv};
    const VkuInstanceDispatchTable *vk = q->ivk;
    PFN_vkGetPhysicalDeviceProperties2 fn = vk->GetPhysicalDeviceProperties2;
    if (q->driver_api_version < VK_API_VERSION_1_2 || !fn) {
        VkPhysicalDeviceProperties p;
        vk->GetPhysicalDeviceProperties(q->physdev, &p);
        return vkv4l2_driver_import_align((VkDriverId)0, p.vendorID);
    }
    fn(q->physdev, &props);
    return vkv4l2_driver_import_align(drv.driverID, props.properties.vendorID);
}

static VkResult create_linear_disjoint(const struct vkv4l2_import_query *q, const VkImageCreateInfo *base,
                                       const VkAllocationCallbacks *alloc, VkImage *out)
{
    const VkExternalMemoryImageCreateInfo ext = {
        .sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO,
        .pNext = base->pNext,
        .handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
    };
    VkImageCreateInfo ci = *base;
    ci.pNext = &ext;
    ci.tiling = VK_IMAGE_TILING_LINEAR;
    ci.flags |= VK_IMAGE_CREATE_DISJOINT_BIT;
    return q->dvk->CreateImage(q->device, &ci, alloc, out);
}

static void plane_layouts(const struct vkv4l2_import_query *q, VkImage image, VkSubresourceLayout out[2])
{
    for (int p = 0; p < 2; p++) {
        const VkImageSubresource sub = {
            .aspectMask = p ? VK_IMAGE_ASPECT_PLANE_1_BIT : VK_IMAGE_ASPECT_PLANE_0_BIT};
        q->dvk->GetImageSubresourceLayout(q->device, image, &sub, &out[p]);
    }
}


void vkv4l2_import_gather(const struct vkv4l2_import_query *q, const VkImageCreateInfo *base,
                          const VkAllocationCallbacks *alloc, struct vkv4l2_rung_inputs *in,
                          VkImage *trial)
{
    in->array_layers = base->arrayLayers;
    in->app_disjoint = (base->flags & VK_IMAGE_CREATE_DISJOINT_BIT) != 0;
    in->import_align = driver_import_align(q);
    in->app_constraint = NULL;
    in->modifier_linear = false;
    in->linear_supported = false;
    *trial = VK_NULL_HANDLE;
    if (base->tiling == VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT ||
        vkv4l2_chain_find(base->pNext, VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO))
        in->app_constraint = "application chose the tiling / external memory itself";
    if (in->app_constraint || in->array_layers != 1 || in->app_disjoint)
        return;
    in->modifier_linear = modifier_linear_ok(q, base);
    if (!in->modifier_linear && linear_disjoint_ok(q, base) &&
        create_linear_disjoint(q, base, alloc, trial) == VK_SUCCESS) {
        in->linear_supported = true;
        plane_layouts(q, *trial, in->linear_planes);
    }
}
