/* Reading the settings once per instance through Vulkan-Utility-Libraries
 * (VkLayerSettingsCreateInfoEXT, vk_layer_settings.txt, environment), and
 * the process-wide copy the compatibility accessor serves. */
#ifndef VKV4L2_SETTINGS_READ_H
#define VKV4L2_SETTINGS_READ_H

#include <vulkan/vulkan.h>

#include "settings.h"

/* Fills out from every source for create_info (may be NULL: environment
 * and file only).  An invalid value is reported with vkv4l2_warn and the
 * setting keeps its default.  In a setuid/setgid program nothing is read
 * (defaults only): the sources include the environment and the working
 * directory.  Returns VK_SUCCESS or the library's error. */
VkResult vkv4l2_settings_read(const VkInstanceCreateInfo *create_info, struct vkv4l2_settings *out);


#endif
