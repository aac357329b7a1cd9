#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "instance.h"

static atomic_int log_level = VKV4L2_LOG_WARN;
static _Thread_local int loader_locked_depth;

void vkv4l2_log_loader_locked(int delta)
{
    loader_locked_depth += delta;
}

static const char *const level_names[] = { "error", "warn", "info", "debug" };

int vkv4l2_log_parse_level(const char *name)
{
    for (int i = 0; i < (int)(sizeof(level_names) / sizeof(level_names[0])); i++) {
        if (!strcasecmp(name, level_names[i]))
            return i;
    }
    if (!strcasecmp(name, "warning"))
        return VKV4L2_LOG_WARN;
    return -1;
}

void vkv4l2_log_set_level(enum vkv4l2_log_level level)
{
    atomic_store(&log_level, (int)level);
}

enum vkv4l2_log_level vkv4l2_log_get_level(void)
{
    return (enum vkv4l2_log_level)atomic_load(&log_level);
}

static VkDebugUtilsMessageSeverityFlagBitsEXT severity(enum vkv4l2_log_level level)
{
    switch (level) {
    case VKV4L2_LOG_ERROR: return VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    case VKV4L2_LOG_WARN: return VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT;
    case VKV4L2_LOG_INFO: return VK_DEBUG_UTILS_MESSAGE_SEVERITY_INFO_BIT_EXT;
    default: return VK_DEBUG_UTILS_MESSAGE_SEVERITY_VERBOSE_BIT_EXT;
    }
}

static void to_debug_utils(const struct vkv4l2_instance *inst, enum vkv4l2_log_level level,
                           const char *msg)
{
    const VkDebugUtilsMessengerCallbackDataEXT data = {
        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CALLBACK_DATA_EXT,
        .pMessageIdName = "vkv4l2",
        .pMessage = msg,
    };
    const VkDebugUtilsMessageSeverityFlagBitsEXT sev = severity(level);
    const VkDebugUtilsMessageTypeFlagsEXT type = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT;

    if (atomic_load(&inst->in_lifecycle)) {
        /* The loader holds its own lock across vkCreateInstance and
         * vkDestroyInstance: going down the chain now would deadlock. */
        for (uint32_t i = 0; i < inst->create_messenger_count; i++) {
            const VkDebugUtilsMessengerCreateInfoEXT *m = &inst->create_messengers[i];
            if ((m->messageSeverity & sev) && (m->messageType & type))
                m->pfnUserCallback(sev, type, &data, m->pUserData);
        }
        return;
    }
    if (inst->debug_utils && inst->vtbl.SubmitDebugUtilsMessageEXT && !loader_locked_depth)
        inst->vtbl.SubmitDebugUtilsMessageEXT(inst->handle, sev, type, &data);
}

void vkv4l2_log_inst(const struct vkv4l2_instance *inst, enum vkv4l2_log_level level,
                     const char *fmt, ...)
{
    if ((int)level > atomic_load(&log_level))
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "vkv4l2: %s: %s\n", level_names[level], msg);
    if (inst)
        to_debug_utils(inst, level, msg);
}
