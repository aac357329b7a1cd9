#include "settings.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool copy_value(const char *value, char *buf, size_t size)
{
    snprintf(buf, size, "%s", value);
    return true;
}

static bool from_layer_settings(const VkInstanceCreateInfo *ci, const char *name, char *buf,
                                size_t size)
{
    if (!ci)
        return false;
    char lower[64];
    size_t i;
    for (i = 0; name[i] && i + 1 < sizeof(lower); i++)
        lower[i] = (char)tolower((unsigned char)name[i]);
    lower[i] = '\0';

    for (const VkBaseInStructure *s = ci->pNext; s; s = s->pNext) {
        if (s->sType != VK_STRUCTURE_TYPE_LAYER_SETTINGS_CREATE_INFO_EXT)
            continue;
        const VkLayerSettingsCreateInfoEXT *info = (const void *)s;
        for (uint32_t j = 0; j < info->settingCount; j++) {
            const VkLayerSettingEXT *set = &info->pSettings[j];
            if (!set->pLayerName || strcmp(set->pLayerName, VKV4L2_LAYER_NAME) ||
                strcmp(set->pSettingName, lower) || set->valueCount < 1)
                continue;
            switch (set->type) {
            case VK_LAYER_SETTING_TYPE_STRING_EXT:
                return copy_value(((const char *const *)set->pValues)[0], buf, size);
            case VK_LAYER_SETTING_TYPE_BOOL32_EXT:
                return copy_value(((const VkBool32 *)set->pValues)[0] ? "1" : "0", buf, size);
            case VK_LAYER_SETTING_TYPE_INT32_EXT:
                snprintf(buf, size, "%d", ((const int32_t *)set->pValues)[0]);
                return true;
            case VK_LAYER_SETTING_TYPE_UINT32_EXT:
                snprintf(buf, size, "%u", ((const uint32_t *)set->pValues)[0]);
                return true;
            default:
                return false;
            }
        }
    }
    return false;
}

bool vkv4l2_setting_get(const VkInstanceCreateInfo *create_info, const char *name, char *buf,
                        size_t size)
{
    char env[96];
    snprintf(env, sizeof(env), "VKV4L2_%s", name);
    const char *value = secure_getenv(env);
    if (value)
        return copy_value(value, buf, size);
    return from_layer_settings(create_info, name, buf, size);
}
