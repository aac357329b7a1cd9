/* Unit test of the settings: the table's parsing and formatting (pure), and
 * reading through Vulkan-Utility-Libraries from each source the docs name:
 * VkLayerSettingsCreateInfoEXT (string and integer values), the VKV4L2_*
 * alias, the standard VK_VKV4L2_VIDEO_* name, vk_layer_settings.txt, their
 * precedence. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../v4l2/check.h"
#include "log.h"
#include "settings.h"
#include "settings_read.h"

static void test_table(void)
{
    struct vkv4l2_settings s;
    vkv4l2_settings_defaults(&s);
    CHECK_EQ(s.log, VKV4L2_LOG_WARN);
    CHECK(s.device[0] == '\0');
    CHECK_EQ(s.max_in_flight, 4);
    CHECK_EQ(s.decode_timeout_ms, 5000);
    CHECK_EQ(s.gate_timeout_ms, 5000);
    CHECK_EQ(s.reorder_wait_ms, 200);
    for (int i = 0; i < VKV4L2_SETTING_COUNT; i++) {
        CHECK(!s.set[i]);
        /* Every default round-trips through format and parse. */
        char text[80], why[96];
        const struct vkv4l2_setting_desc *d = vkv4l2_setting_desc((enum vkv4l2_setting_id)i);
        vkv4l2_settings_format(&s, (enum vkv4l2_setting_id)i, text, sizeof(text));
        CHECK(!strcmp(text, d->def));
        CHECK_EQ(vkv4l2_settings_parse(&s, (enum vkv4l2_setting_id)i, text, why, sizeof(why)), 0);
        CHECK_EQ(vkv4l2_setting_lookup(d->key), i);
    }
    CHECK_EQ(vkv4l2_setting_lookup("MAX_IN_FLIGHT"), VKV4L2_SETTING_MAX_IN_FLIGHT);
    CHECK_EQ(vkv4l2_setting_lookup("nonsense"), -1);
    CHECK(vkv4l2_setting_desc(VKV4L2_SETTING_COUNT) == NULL);

    char why[96];
    vkv4l2_settings_defaults(&s);
    CHECK_EQ(vkv4l2_settings_parse(&s, VKV4L2_SETTING_LOG, "debug", why, sizeof(why)), 0);
    CHECK_EQ(s.log, VKV4L2_LOG_DEBUG);
    CHECK(s.set[VKV4L2_SETTING_LOG]);
    CHECK_EQ(vkv4l2_settings_parse(&s, VKV4L2_SETTING_LOG, "loud", why, sizeof(why)), -EINVAL);
    CHECK_EQ(s.log, VKV4L2_LOG_DEBUG);
    CHECK(strstr(why, "loud") != NULL);

    CHECK_EQ(vkv4l2_settings_parse(&s, VKV4L2_SETTING_MAX_IN_FLIGHT, "16", why, sizeof(why)), 0);
    CHECK_EQ(s.max_in_flight, 16);
    CHECK_EQ(vkv4l2_settings_parse(&s, VKV4L2_SETTING_MAX_IN_FLIGHT, "17", why, sizeof(why)), -EINVAL);
    CHECK(strstr(why, "1..16") != NULL);
    CHECK_EQ(vkv4l2_settings_parse(&s, VKV4L2_SETTING_MAX_IN_FLIGHT, "0", why, sizeof(why)), -EINVAL);
    CHECK_EQ(vkv4l2_settings_parse(&s, VKV4L2_SETTING_MAX_IN_FLIGHT, "-3", why, sizeof(why)), -EINVAL);
    CHECK_EQ(vkv4l2_settings_parse(&s, VKV4L2_SETTING_MAX_IN_FLIGHT, "4x", why, sizeof(why)), -EINVAL);
    CHECK_EQ(vkv4l2_settings_parse(&s, VKV4L2_SETTING_MAX_IN_FLIGHT, "", why, sizeof(why)), -EINVAL);
    CHECK_EQ(s.max_in_flight, 16);
    CHECK_EQ(vkv4l2_settings_parse(&s, VKV4L2_SETTING_GATE_TIMEOUT_MS, "0", why, sizeof(why)), 0);
    CHECK_EQ(s.gate_timeout_ms, 0);
    CHECK_EQ(vkv4l2_settings_parse(&s, VKV4L2_SETTING_DECODE_TIMEOUT_MS, "0", why, sizeof(why)),
             -EINVAL);
    CHECK_EQ(vkv4l2_settings_parse(&s, VKV4L2_SETTING_REORDER_WAIT_MS, "99999999999", why,
                                   sizeof(why)), -EINVAL);

    CHECK_EQ(vkv4l2_settings_parse(&s, VKV4L2_SETTING_DEVICE, "/dev/media3", why, sizeof(why)), 0);
    CHECK(!strcmp(s.device, "/dev/media3"));
    char longname[100];
    memset(longname, 'x', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    CHECK_EQ(vkv4l2_settings_parse(&s, VKV4L2_SETTING_DEVICE, longname, why, sizeof(why)), -EINVAL);
    CHECK(!strcmp(s.device, "/dev/media3"));
}

static VkInstanceCreateInfo with_settings(VkLayerSettingsCreateInfoEXT *lsci,
                                          const VkLayerSettingEXT *settings, uint32_t n)
{
    *lsci = (VkLayerSettingsCreateInfoEXT){
        .sType = VK_STRUCTURE_TYPE_LAYER_SETTINGS_CREATE_INFO_EXT,
        .settingCount = n,
        .pSettings = settings,
    };
    return (VkInstanceCreateInfo){ .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, .pNext = lsci };
}

static void test_sources(const char *dir)
{
    struct vkv4l2_settings s;
    const char *log_str = "info";
    const uint32_t flight = 7;
    const int32_t gate = 123;
    const char *wait_str = "55";
    const VkLayerSettingEXT api[] = {
        { VKV4L2_LAYER_NAME, "log", VK_LAYER_SETTING_TYPE_STRING_EXT, 1, &log_str },
        { VKV4L2_LAYER_NAME, "max_in_flight", VK_LAYER_SETTING_TYPE_UINT32_EXT, 1, &flight },
        { VKV4L2_LAYER_NAME, "gate_timeout_ms", VK_LAYER_SETTING_TYPE_INT32_EXT, 1, &gate },
        { VKV4L2_LAYER_NAME, "reorder_wait_ms", VK_LAYER_SETTING_TYPE_STRING_EXT, 1, &wait_str },
        /* Another layer's setting of the same name is not ours. */
        { "VK_LAYER_other", "decode_timeout_ms", VK_LAYER_SETTING_TYPE_UINT32_EXT, 1, &flight },
    };
    VkLayerSettingsCreateInfoEXT lsci;
    VkInstanceCreateInfo ci = with_settings(&lsci, api, 5);

    /* VkLayerSettingsCreateInfoEXT, each value type. */
    CHECK_EQ(vkv4l2_settings_read(&ci, &s), VK_SUCCESS);
    CHECK_EQ(s.log, VKV4L2_LOG_INFO);
    CHECK_EQ(s.max_in_flight, 7);
    CHECK_EQ(s.gate_timeout_ms, 123);
    CHECK_EQ(s.reorder_wait_ms, 55);
    CHECK_EQ(s.decode_timeout_ms, 5000);
    CHECK(!s.set[VKV4L2_SETTING_DECODE_TIMEOUT_MS]);
    CHECK(s.set[VKV4L2_SETTING_MAX_IN_FLIGHT]);

    /* The VKV4L2_* alias and the standard name; the environment wins over
     * the application's settings (Vulkan-Utility-Libraries' order). */
    setenv("VKV4L2_MAX_IN_FLIGHT", "3", 1);
    setenv("VK_VKV4L2_VIDEO_DECODE_TIMEOUT_MS", "900", 1);
    setenv("VKV4L2_DEVICE", "/dev/video9", 1);
    CHECK_EQ(vkv4l2_settings_read(&ci, &s), VK_SUCCESS);
    CHECK_EQ(s.max_in_flight, 3);
    CHECK_EQ(s.decode_timeout_ms, 900);
    CHECK(!strcmp(s.device, "/dev/video9"));
    CHECK_EQ(s.log, VKV4L2_LOG_INFO);

    /* The alias comes before the standard names. */
    setenv("VKV4L2_LOG", "error", 1);
    setenv("VK_VKV4L2_VIDEO_LOG", "debug", 1);
    CHECK_EQ(vkv4l2_settings_read(&ci, &s), VK_SUCCESS);
    CHECK_EQ(s.log, VKV4L2_LOG_ERROR);
    unsetenv("VKV4L2_LOG");
    CHECK_EQ(vkv4l2_settings_read(&ci, &s), VK_SUCCESS);
    CHECK_EQ(s.log, VKV4L2_LOG_DEBUG);
    unsetenv("VK_VKV4L2_VIDEO_LOG");

    /* An invalid value keeps the default. */
    setenv("VKV4L2_MAX_IN_FLIGHT", "99", 1);
    CHECK_EQ(vkv4l2_settings_read(NULL, &s), VK_SUCCESS);
    CHECK_EQ(s.max_in_flight, 4);
    CHECK(!s.set[VKV4L2_SETTING_MAX_IN_FLIGHT]);
    unsetenv("VKV4L2_MAX_IN_FLIGHT");
    unsetenv("VK_VKV4L2_VIDEO_DECODE_TIMEOUT_MS");
    unsetenv("VKV4L2_DEVICE");

    /* vk_layer_settings.txt named by VK_LAYER_SETTINGS_PATH. */
    char path[512];
    snprintf(path, sizeof(path), "%s/vk_layer_settings.txt", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fprintf(f, "# test\nvkv4l2_video.log = debug\nvkv4l2_video.gate_timeout_ms = 42\n");
        fclose(f);
    }
    setenv("VK_LAYER_SETTINGS_PATH", dir, 1);
    CHECK_EQ(vkv4l2_settings_read(NULL, &s), VK_SUCCESS);
    CHECK_EQ(s.log, VKV4L2_LOG_DEBUG);
    CHECK_EQ(s.gate_timeout_ms, 42);

    unsetenv("VK_LAYER_SETTINGS_PATH");
    unlink(path);
}

int main(void)
{
    /* Start from a clean environment and working directory: the library
     * also reads ./vk_layer_settings.txt and $HOME/.local/share. */
    char dir[] = "/tmp/vkv4l2-settings-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir)) {
        perror("temporary directory");
        return 1;
    }
    setenv("HOME", dir, 1);
    unsetenv("XDG_DATA_HOME");
    static const char *const vars[] = { "LOG", "DEVICE", "MAX_IN_FLIGHT", "DECODE_TIMEOUT_MS",
                                        "GATE_TIMEOUT_MS", "REORDER_WAIT_MS" };
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        char name[64];
        snprintf(name, sizeof(name), "VKV4L2_%s", vars[i]);
        unsetenv(name);
        snprintf(name, sizeof(name), "VK_VKV4L2_VIDEO_%s", vars[i]);
        unsetenv(name);
        snprintf(name, sizeof(name), "VK_VIDEO_%s", vars[i]);
        unsetenv(name);
    }
    test_table();
    test_sources(dir);
    rmdir(dir);
    return check_result("test_settings");
}
