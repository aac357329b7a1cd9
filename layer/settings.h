/* The layer's settings: one table (names, types, ranges, defaults), one
 * struct holding the values in force, and the pure parsing between them.
 *
 * Values are read once per instance by vkv4l2_settings_read()
 * (settings_read.h) through Vulkan-Utility-Libraries, so the standard
 * sources all work: VkLayerSettingsCreateInfoEXT, vk_layer_settings.txt
 * (key "vkv4l2_video.<name>"), the standard environment names
 * VK_VKV4L2_VIDEO_<NAME> and VK_VIDEO_<NAME>, and before all of them the
 * documented alias VKV4L2_<NAME>.  docs/settings.md lists them. */
#ifndef VKV4L2_SETTINGS_H
#define VKV4L2_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#define VKV4L2_LAYER_NAME "VK_LAYER_VKV4L2_video"
/* VKV4L2_<NAME>: the documented environment aliases, read before the
 * standard sources. */
#define VKV4L2_SETTINGS_ENV_PREFIX "VKV4L2"

enum vkv4l2_setting_id {
    VKV4L2_SETTING_LOG,
    VKV4L2_SETTING_DEVICE,
    VKV4L2_SETTING_MAX_IN_FLIGHT,
    VKV4L2_SETTING_DECODE_TIMEOUT_MS,
    VKV4L2_SETTING_GATE_TIMEOUT_MS,
    VKV4L2_SETTING_REORDER_WAIT_MS,
    VKV4L2_SETTING_COUNT,
};

enum vkv4l2_setting_type {
    VKV4L2_SETTING_ENUM,   /* one of desc->values */
    VKV4L2_SETTING_STRING, /* any text up to the field's size */
    VKV4L2_SETTING_UINT,   /* decimal, within [min, max] */
};

struct vkv4l2_setting_desc {
    const char *key; /* lower case: layer-setting and file key */
    enum vkv4l2_setting_type type;
    const char *def;                  /* the default, as text */
    const char *const *values;        /* ENUM: NULL-terminated */
    uint32_t min, max;                /* UINT */
    const char *help;                 /* one line, for vkv4l2-info */
};

struct vkv4l2_settings {
    int log;            /* enum vkv4l2_log_level */
    char device[64];    /* "" = every decoder found by topology */
    uint32_t max_in_flight;
    uint32_t decode_timeout_ms;
    uint32_t gate_timeout_ms;
    uint32_t reorder_wait_ms;
    bool set[VKV4L2_SETTING_COUNT]; /* given by a source, not defaulted */
};

/* The descriptor of a setting (id < VKV4L2_SETTING_COUNT). */
const struct vkv4l2_setting_desc *vkv4l2_setting_desc(enum vkv4l2_setting_id id);
/* The id of a key (lower case) or of an upper-case VKV4L2_ suffix
 * ("LOG"); -1 when unknown. */
int vkv4l2_setting_lookup(const char *name);

/* Every setting at its default, none marked set. */
void vkv4l2_settings_defaults(struct vkv4l2_settings *s);

/* Parses value into setting id and marks it set.  Returns 0, or -EINVAL
 * (the setting keeps its value; why says what was wrong). */
int vkv4l2_settings_parse(struct vkv4l2_settings *s, enum vkv4l2_setting_id id,
                          const char *value, char *why, size_t why_size);

/* The value of setting id as text (what parse accepts). */
void vkv4l2_settings_format(const struct vkv4l2_settings *s, enum vkv4l2_setting_id id,
                            char *buf, size_t size);

#endif
