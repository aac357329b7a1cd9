/* Creates instances and devices on every physical device from several
 * threads at once and reports whether vkv4l2 is in the chain.  The layer
 * proves its presence itself: with its "log" setting at debug (passed with
 * VkLayerSettingsCreateInfoEXT) it reports each instance and device it
 * creates through VK_EXT_debug_utils.  Any validation error also reaching
 * the messenger fails the run.
 *
 *   layer_probe active|inactive [THREADS]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vulkan/vulkan.h>

static atomic_int vkv4l2_messages;
static atomic_int validation_errors;

static VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                 VkDebugUtilsMessageTypeFlagsEXT type,
                                                 const VkDebugUtilsMessengerCallbackDataEXT *data,
                                                 void *user)
{
    (void)type;
    (void)user;
    if (data->pMessageIdName && !strcmp(data->pMessageIdName, "vkv4l2")) {
        atomic_fetch_add(&vkv4l2_messages, 1);
        return VK_FALSE;
    }
    if (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
        atomic_fetch_add(&validation_errors, 1);
        fprintf(stderr, "layer_probe: validation error: %s\n", data->pMessage);
    }
    return VK_FALSE;
}

#define CHECK(expr)                                                                    \
    do {                                                                               \
        VkResult r_ = (expr);                                                          \
        if (r_ != VK_SUCCESS) {                                                        \
            fprintf(stderr, "layer_probe: %s failed: %d (line %d)\n", #expr, r_, __LINE__); \
            return -1;                                                                 \
        }                                                                              \
    } while (0)

static int exercise_devices(VkInstance instance)
{
    uint32_t count = 0;
    CHECK(vkEnumeratePhysicalDevices(instance, &count, NULL));
    VkPhysicalDevice phys[8];
    if (count > 8)
        count = 8;
    CHECK(vkEnumeratePhysicalDevices(instance, &count, phys));
    if (count == 0) {
        fprintf(stderr, "layer_probe: no physical device\n");
        return -1;
    }
    for (uint32_t i = 0; i < count; i++) {
        const float prio = 1.0f;
        const VkDeviceQueueCreateInfo queue = {
            .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
            .queueFamilyIndex = 0,
            .queueCount = 1,
            .pQueuePriorities = &prio,
        };
        const VkDeviceCreateInfo dci = {
            .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
            .queueCreateInfoCount = 1,
            .pQueueCreateInfos = &queue,
        };
        /* Two devices alive at once on the same physical device. */
        VkDevice dev[2];
        CHECK(vkCreateDevice(phys[i], &dci, NULL, &dev[0]));
        CHECK(vkCreateDevice(phys[i], &dci, NULL, &dev[1]));
        for (int d = 0; d < 2; d++) {
            VkQueue q;
            vkGetDeviceQueue(dev[d], 0, 0, &q);
            PFN_vkVoidFunction unknown = vkGetDeviceProcAddr(dev[d], "vkNoSuchCommandVKV4L2");
            if (unknown) {
                fprintf(stderr, "layer_probe: unknown device command resolved\n");
                return -1;
            }
            CHECK(vkQueueWaitIdle(q));
        }
        vkDestroyDevice(dev[1], NULL);
        vkDestroyDevice(dev[0], NULL);
    }
    return 0;
}

static int run_once(void)
{
    const char *log_level = "debug";
    const VkLayerSettingEXT setting = {
        .pLayerName = "VK_LAYER_VKV4L2_video",
        .pSettingName = "log",
        .type = VK_LAYER_SETTING_TYPE_STRING_EXT,
        .valueCount = 1,
        .pValues = &log_level,
    };
    const VkLayerSettingsCreateInfoEXT settings = {
        .sType = VK_STRUCTURE_TYPE_LAYER_SETTINGS_CREATE_INFO_EXT,
        .settingCount = 1,
        .pSettings = &setting,
    };
    const VkDebugUtilsMessengerCreateInfoEXT messenger_info = {
        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
        .pNext = &settings,
        .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_VERBOSE_BIT_EXT |
                           VK_DEBUG_UTILS_MESSAGE_SEVERITY_INFO_BIT_EXT |
                           VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                           VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
        .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT,
        .pfnUserCallback = on_message,
    };
    const VkApplicationInfo app = {
        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
        .pApplicationName = "layer_probe",
        .apiVersion = VK_API_VERSION_1_3,
    };
    const char *ext = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
    const VkInstanceCreateInfo ici = {
        .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
        .pNext = &messenger_info,
        .pApplicationInfo = &app,
        .enabledExtensionCount = 1,
        .ppEnabledExtensionNames = &ext,
    };
    VkInstance instance;
    CHECK(vkCreateInstance(&ici, NULL, &instance));
    PFN_vkCreateDebugUtilsMessengerEXT create_messenger =
        (PFN_vkCreateDebugUtilsMessengerEXT)vkGetInstanceProcAddr(instance,
                                                                  "vkCreateDebugUtilsMessengerEXT");
    PFN_vkDestroyDebugUtilsMessengerEXT destroy_messenger =
        (PFN_vkDestroyDebugUtilsMessengerEXT)vkGetInstanceProcAddr(
            instance, "vkDestroyDebugUtilsMessengerEXT");
    VkDebugUtilsMessengerEXT messenger;
    CHECK(create_messenger(instance, &messenger_info, NULL, &messenger));
    if (vkGetInstanceProcAddr(instance, "vkNoSuchCommandVKV4L2")) {
        fprintf(stderr, "layer_probe: unknown instance command resolved\n");
        return -1;
    }
    int ret = exercise_devices(instance);
    destroy_messenger(instance, messenger, NULL);
    vkDestroyInstance(instance, NULL);
    return ret;
}

static void *thread_main(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) {
        if (run_once() != 0)
            return (void *)1;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "active") && strcmp(argv[1], "inactive"))) {
        fprintf(stderr, "usage: layer_probe active|inactive [THREADS]\n");
        return 2;
    }
    bool want_active = !strcmp(argv[1], "active");
    int threads = argc > 2 ? atoi(argv[2]) : 4;
    if (threads < 1 || threads > 16)
        threads = 4;

    pthread_t tid[16];
    for (int i = 0; i < threads; i++)
        pthread_create(&tid[i], NULL, thread_main, NULL);
    int failed = 0;
    for (int i = 0; i < threads; i++) {
        void *res;
        pthread_join(tid[i], &res);
        failed |= res != NULL;
    }
    int messages = atomic_load(&vkv4l2_messages);
    int errors = atomic_load(&validation_errors);
    printf("layer_probe: threads=%d vkv4l2_messages=%d validation_errors=%d\n", threads, messages,
           errors);
    if (failed)
        return 1;
    if (errors) {
        fprintf(stderr, "layer_probe: %d validation errors\n", errors);
        return 1;
    }
    bool active = messages > 0;
    if (active != want_active) {
        fprintf(stderr, "layer_probe: layer is %s, expected %s\n", active ? "active" : "inactive",
                argv[1]);
        return 1;
    }
    printf("layer_probe: vkv4l2 is %s as expected\n", argv[1]);
    return 0;
}
