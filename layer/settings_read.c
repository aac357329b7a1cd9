/* Settings from Vulkan-Utility-Libraries' layer-settings library into the
 * layer's struct; the last instance's copy for the compatibility accessor. */
#include "settings_read.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include <vulkan/layer/vk_layer_settings.h>

#include "log.h"

static void log_cb(const char *setting, const char *message)
{
    vkv4l2_warn("setting %s: %s", setting, message);
}

/* The first value of a setting as text.  The library converts environment
 * and file text to any type, but hands over a VkLayerSettingsCreateInfoEXT
 * value only as the type the application chose: try the others. */
static bool value_text(VkuLayerSettingSet set, const char *key, char *buf, size_t size)
{
    uint32_t n = 0;
    if (vkuGetLayerSettingValues(set, key, VKU_LAYER_SETTING_TYPE_STRING, &n, NULL) == VK_SUCCESS &&
        n >= 1) {
        const char **values = calloc(n, sizeof(*values));
        if (!values)
            return false;
        bool ok = vkuGetLayerSettingValues(set, key, VKU_LAYER_SETTING_TYPE_STRING, &n,
                                           values) >= VK_SUCCESS && n >= 1 && values[0];
        if (ok)
            snprintf(buf, size, "%s", values[0]);
        free(values);
        if (ok)
            return true;
    }
    uint32_t one = 1;
    uint32_t u;
    if (vkuGetLayerSettingValues(set, key, VKU_LAYER_SETTING_TYPE_UINT32, &one, &u) >= VK_SUCCESS &&
        one == 1) {
        snprintf(buf, size, "%u", u);
        return true;
    }
    one = 1;
    int32_t i;
    if (vkuGetLayerSettingValues(set, key, VKU_LAYER_SETTING_TYPE_INT32, &one, &i) >= VK_SUCCESS &&
        one == 1) {
        snprintf(buf, size, "%d", i);
        return true;
    }
    return false;
}

/* VKV4L2_<NAME>: the library's compatibility namespace would read
 * VK_VKV4L2_<NAME>, so the alias is read here. */
static bool alias_value(const char *key, char *buf, size_t size)
{
    char name[64];
    int n = snprintf(name, sizeof(name), "%s_", VKV4L2_SETTINGS_ENV_PREFIX);
    for (size_t i = 0; key[i] && n + 1 < (int)sizeof(name); i++)
        name[n++] = (char)toupper((unsigned char)key[i]);
    name[n] = '\0';
    const char *value = secure_getenv(name);
    if (!value)
        return false;
    snprintf(buf, size, "%s", value);
    return true;
}

VkResult vkv4l2_settings_read(const VkInstanceCreateInfo *create_info, struct vkv4l2_settings *out)
{
    vkv4l2_settings_defaults(out);
    if (getauxval(AT_SECURE))
        return VK_SUCCESS;
    VkuLayerSettingSet set = VK_NULL_HANDLE;
    VkResult res = vkuCreateLayerSettingSet(VKV4L2_LAYER_NAME,
                                            create_info ? vkuFindLayerSettingsCreateInfo(create_info)
                                                        : NULL,
                                            NULL, log_cb, &set);
    if (res != VK_SUCCESS)
        return res;
    for (int id = 0; id < VKV4L2_SETTING_COUNT; id++) {
        const struct vkv4l2_setting_desc *d = vkv4l2_setting_desc((enum vkv4l2_setting_id)id);
        char value[128], why[96];
        if (alias_value(d->key, value, sizeof(value))) {
            /* The documented VKV4L2_<NAME> comes first. */
        } else if (!vkuHasLayerSetting(set, d->key)) {
            continue;
        } else if (!value_text(set, d->key, value, sizeof(value))) {
            vkv4l2_warn("setting %s: unreadable value; using %s", d->key, d->def);
            continue;
        }
        if (vkv4l2_settings_parse(out, (enum vkv4l2_setting_id)id, value, why, sizeof(why)))
            vkv4l2_warn("setting %s: %s; using %s", d->key, why, d->def);
    }
    vkuDestroyLayerSettingSet(set, NULL);
    return VK_SUCCESS;
}
