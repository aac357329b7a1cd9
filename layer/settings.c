/* The settings table and the pure parsing and formatting of its values. */
#include "settings.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

static const char *const log_values[] = { "error", "warn", "info", "debug", NULL };

static const struct vkv4l2_setting_desc descs[VKV4L2_SETTING_COUNT] = {
    [VKV4L2_SETTING_LOG] = { "log", VKV4L2_SETTING_ENUM, "warn", log_values, 0, 0,
                             "messages shown: error, warn, info, debug" },
    [VKV4L2_SETTING_DEVICE] = { "device", VKV4L2_SETTING_STRING, "", NULL, 0, 0,
                                "decoder pinned by /dev/mediaN or /dev/videoN (empty: discover)" },
    [VKV4L2_SETTING_MAX_IN_FLIGHT] = { "max_in_flight", VKV4L2_SETTING_UINT, "4", NULL, 1, 16,
                                       "decodes queued on one V4L2 session at once" },
    [VKV4L2_SETTING_DECODE_TIMEOUT_MS] = { "decode_timeout_ms", VKV4L2_SETTING_UINT, "5000", NULL,
                                           1, 600000, "a decode not done by then is a device error" },
    [VKV4L2_SETTING_GATE_TIMEOUT_MS] = { "gate_timeout_ms", VKV4L2_SETTING_UINT, "5000", NULL, 0,
                                         600000, "wait for GPU readers of a CAPTURE buffer" },
    [VKV4L2_SETTING_REORDER_WAIT_MS] = { "reorder_wait_ms", VKV4L2_SETTING_UINT, "200", NULL, 0,
                                         60000, "wait for a reference submitted late" },
};

const struct vkv4l2_setting_desc *vkv4l2_setting_desc(enum vkv4l2_setting_id id)
{
    return (unsigned)id < VKV4L2_SETTING_COUNT ? &descs[id] : NULL;
}

int vkv4l2_setting_lookup(const char *name)
{
    for (int i = 0; i < VKV4L2_SETTING_COUNT; i++) {
        if (!strcasecmp(name, descs[i].key))
            return i;
    }
    return -1;
}

static uint32_t *uint_field(struct vkv4l2_settings *s, enum vkv4l2_setting_id id)
{
    switch (id) {
    case VKV4L2_SETTING_MAX_IN_FLIGHT: return &s->max_in_flight;
    case VKV4L2_SETTING_DECODE_TIMEOUT_MS: return &s->decode_timeout_ms;
    case VKV4L2_SETTING_GATE_TIMEOUT_MS: return &s->gate_timeout_ms;
    case VKV4L2_SETTING_REORDER_WAIT_MS: return &s->reorder_wait_ms;
    default: return NULL;
    }
}

static uint32_t uint_value(const struct vkv4l2_settings *s, enum vkv4l2_setting_id id)
{
    switch (id) {
    case VKV4L2_SETTING_MAX_IN_FLIGHT: return s->max_in_flight;
    case VKV4L2_SETTING_DECODE_TIMEOUT_MS: return s->decode_timeout_ms;
    case VKV4L2_SETTING_GATE_TIMEOUT_MS: return s->gate_timeout_ms;
    case VKV4L2_SETTING_REORDER_WAIT_MS: return s->reorder_wait_ms;
    default: return 0;
    }
}

void vkv4l2_settings_defaults(struct vkv4l2_settings *s)
{
    memset(s, 0, sizeof(*s));
    for (int i = 0; i < VKV4L2_SETTING_COUNT; i++) {
        char why[8];
        /* The table's defaults parse by construction (unit-tested). */
        (void)vkv4l2_settings_parse(s, (enum vkv4l2_setting_id)i, descs[i].def, why, sizeof(why));
        s->set[i] = false;
    }
}

static int parse_uint(const struct vkv4l2_setting_desc *d, const char *value, uint32_t *out,
                      char *why, size_t why_size)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(value, &end, 10);
    if (!isdigit((unsigned char)value[0]) || *end || errno) {
        snprintf(why, why_size, "'%s' is not a decimal number", value);
        return -EINVAL;
    }
    if (v < d->min || v > d->max) {
        snprintf(why, why_size, "%s out of range %u..%u", value, d->min, d->max);
        return -EINVAL;
    }
    *out = (uint32_t)v;
    return 0;
}

int vkv4l2_settings_parse(struct vkv4l2_settings *s, enum vkv4l2_setting_id id,
                          const char *value, char *why, size_t why_size)
{
    const struct vkv4l2_setting_desc *d = vkv4l2_setting_desc(id);
    if (!d || !value) {
        snprintf(why, why_size, "unknown setting");
        return -EINVAL;
    }
    switch (d->type) {
    case VKV4L2_SETTING_ENUM: {
        /* Only "log" is an enum; its parser also takes "warning". */
        int level = vkv4l2_log_parse_level(value);
        if (level < 0) {
            snprintf(why, why_size, "'%s' is not one of error, warn, info, debug", value);
            return -EINVAL;
        }
        s->log = level;
        break;
    }
    case VKV4L2_SETTING_STRING:
        if (strlen(value) >= sizeof(s->device)) {
            snprintf(why, why_size, "longer than %zu characters", sizeof(s->device) - 1);
            return -EINVAL;
        }
        snprintf(s->device, sizeof(s->device), "%s", value);
        break;
    case VKV4L2_SETTING_UINT: {
        int ret = parse_uint(d, value, uint_field(s, id), why, why_size);
        if (ret)
            return ret;
        break;
    }
    }
    s->set[id] = true;
    return 0;
}

void vkv4l2_settings_format(const struct vkv4l2_settings *s, enum vkv4l2_setting_id id,
                            char *buf, size_t size)
{
    const struct vkv4l2_setting_desc *d = vkv4l2_setting_desc(id);
    if (!d || !size)
        return;
    switch (d->type) {
    case VKV4L2_SETTING_ENUM:
        snprintf(buf, size, "%s", log_values[s->log >= 0 && s->log < 4 ? s->log : 1]);
        break;
    case VKV4L2_SETTING_STRING:
        snprintf(buf, size, "%s", s->device);
        break;
    case VKV4L2_SETTING_UINT:
        snprintf(buf, size, "%u", uint_value(s, id));
        break;
    }
}
