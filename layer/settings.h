/* Layer settings.  Each setting is read from the environment variable
 * VKV4L2_<NAME> (secure_getenv: ignored in setuid programs) and, failing
 * that, from a VkLayerSettingsCreateInfoEXT for VK_LAYER_VKV4L2_video chained
 * to VkInstanceCreateInfo (setting name in lower case, string type).
 * docs/settings.md lists them all. */
#ifndef VKV4L2_SETTINGS_H
#define VKV4L2_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <vulkan/vulkan.h>

#define VKV4L2_LAYER_NAME "VK_LAYER_VKV4L2_video"

/* Copies the setting's value into buf; returns true when it is set.
 * name is the upper-case suffix, e.g. "LOG" for VKV4L2_LOG / "log". */
bool vkv4l2_setting_get(const VkInstanceCreateInfo *create_info, const char *name,
                        char *buf, size_t size);

#endif
