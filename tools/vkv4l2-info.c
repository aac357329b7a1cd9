/* vkv4l2-info: what the layer sees on this machine (like vainfo or
 * vulkaninfo): the settings in force, the V4L2 decoders found by topology
 * with what each offers per codec, each Vulkan device with the layer's
 * verdict on it, and the import rung an image of a given size would take.
 * Every decision is the layer's own code (settings, discovery, probe, caps,
 * driver_facts, import_query, vkv4l2_rung_decide); this file only asks and
 * prints. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>
#include <vulkan/vulkan.h>
#include <vulkan/utility/vk_dispatch_table.h>

#include "caps.h"
#include "discover.h"
#include "driver_facts.h"
#include "format.h"
#include "import_query.h"
#include "layout.h"
#include "probe.h"
#include "settings.h"
#include "settings_read.h"
#include "sys.h"
#include "video_caps.h"

struct options {
    uint32_t width, height; /* --size; 0: no rung section */
};

struct decoder_pick {
    bool found;
    struct vkv4l2_decoder_node node;
    struct vkv4l2_decoder_caps caps;
};

static void fourcc_text(uint32_t f, char out[5])
{
    for (int i = 0; i < 4; i++) {
        char c = (char)((f >> (8 * i)) & 0xff);
        out[i] = c >= 32 && c < 127 ? c : '?';
    }
    out[4] = '\0';
}

static void print_settings(const struct vkv4l2_settings *s)
{
    printf("Settings in force (environment and vk_layer_settings.txt; an application may\n"
           "add VkLayerSettingsCreateInfoEXT):\n");
    for (int i = 0; i < VKV4L2_SETTING_COUNT; i++) {
        const struct vkv4l2_setting_desc *d = vkv4l2_setting_desc((enum vkv4l2_setting_id)i);
        char value[80];
        vkv4l2_settings_format(s, (enum vkv4l2_setting_id)i, value, sizeof(value));
        printf("  %-18s %-12s %s\n", d->key, value[0] ? value : "\"\"",
               s->set[i] ? "(set)" : "(default)");
    }
}

static const char *mode_text(const struct vkv4l2_decoder_caps *c)
{
    int mode;
    if (vkv4l2_caps_pick_decode_mode(c, &mode))
        return c->decode_mode.present ? "slice-based only (not driven)" : "missing";
    return mode < 0 ? "n/a" : "frame-based";
}

static const char *start_code_text(const struct vkv4l2_decoder_caps *c)
{
    int sc;
    if (vkv4l2_caps_pick_start_code(c, &sc))
        return "none offered that we honour";
    return sc < 0 ? "n/a" : sc == VKV4L2_START_CODE_ANNEX_B ? "Annex B" : "none (stripped)";
}

/* The H.264 profiles and level the layer advertises for these caps. */
static void print_h264_profiles(const struct vkv4l2_decoder_caps *c)
{
    static const struct { StdVideoH264ProfileIdc idc; const char *name; } profiles[] = {
        { STD_VIDEO_H264_PROFILE_IDC_BASELINE, "Baseline" },
        { STD_VIDEO_H264_PROFILE_IDC_MAIN, "Main" },
        { STD_VIDEO_H264_PROFILE_IDC_HIGH, "High" },
        { STD_VIDEO_H264_PROFILE_IDC_HIGH_444_PREDICTIVE, "High 4:4:4" },
    };
    const struct vkv4l2_driver_facts any = { .nv12_usage = VK_IMAGE_USAGE_SAMPLED_BIT };
    struct vkv4l2_video_support s;
    vkv4l2_video_support_from(&any, c, &s);
    printf("      profiles (Vulkan):");
    uint32_t level = 0;
    for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
        VkVideoDecodeH264ProfileInfoKHR h264 = {
            .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PROFILE_INFO_KHR,
            .stdProfileIdc = profiles[i].idc,
            .pictureLayout = VK_VIDEO_DECODE_H264_PICTURE_LAYOUT_PROGRESSIVE_KHR,
        };
        VkVideoProfileInfoKHR p = {
            .sType = VK_STRUCTURE_TYPE_VIDEO_PROFILE_INFO_KHR,
            .pNext = &h264,
            .videoCodecOperation = VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR,
            .chromaSubsampling = VK_VIDEO_CHROMA_SUBSAMPLING_420_BIT_KHR,
            .lumaBitDepth = VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR,
            .chromaBitDepth = VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR,
        };
        if (vkv4l2_video_profile_check(&s, &p) != VK_SUCCESS)
            continue;
        VkVideoDecodeH264CapabilitiesKHR hc = {
            .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_CAPABILITIES_KHR };
        VkVideoDecodeCapabilitiesKHR dc = {
            .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_CAPABILITIES_KHR, .pNext = &hc };
        VkVideoCapabilitiesKHR caps = { .sType = VK_STRUCTURE_TYPE_VIDEO_CAPABILITIES_KHR,
                                        .pNext = &dc };
        if (vkv4l2_video_fill_capabilities(&s, &p, &caps) == VK_SUCCESS)
            level = hc.maxLevelIdc;
        printf(" %s", profiles[i].name);
    }
    /* StdVideoH264LevelIdc counts 1.0, 1.1, 1.2, 1.3, 2.0, ... */
    static const char *const levels[] = { "1.0", "1.1", "1.2", "1.3", "2.0", "2.1", "2.2",
                                          "3.0", "3.1", "3.2", "4.0", "4.1", "4.2", "5.0",
                                          "5.1", "5.2", "6.0", "6.1", "6.2" };
    printf("; progressive, 8-bit 4:2:0; max level %s\n",
           level < sizeof(levels) / sizeof(levels[0]) ? levels[level] : "?");
}

static void print_codec(const struct vkv4l2_decoder_caps *c)
{
    const struct vkv4l2_codec_desc *d = vkv4l2_codec_find(c->codec);
    char why[160], fc[5];
    fourcc_text(c->codec, fc);
    bool h264 = c->codec == V4L2_PIX_FMT_H264_SLICE;
    int usable = h264 ? vkv4l2_caps_decodable(c, V4L2_PIX_FMT_NV12, why, sizeof(why))
                      : vkv4l2_caps_usable(c, why, sizeof(why));
    printf("    %s (%s): %s%s\n", d ? d->name : "?", fc,
           !h264 ? "recognised, not decoded by the layer yet" :
           usable ? "unusable: " : "usable",
           h264 && usable ? why : "");
    printf("      decode mode: %s; start code: %s; requests: %s\n", mode_text(c),
           start_code_text(c), c->requests ? "yes" : "no");
    if (c->sizes.known)
        printf("      coded size: %ux%u .. %ux%u (step %ux%u)\n", c->sizes.min_width,
               c->sizes.min_height, c->sizes.max_width, c->sizes.max_height,
               c->sizes.step_width, c->sizes.step_height);
    else
        printf("      coded size: not reported (ENUM_FRAMESIZES unanswered)\n");
    printf("      CAPTURE formats:");
    for (unsigned i = 0; i < c->n_capture_formats; i++) {
        fourcc_text(c->capture_formats[i], fc);
        printf(" %s", fc);
    }
    printf("%s\n", c->n_capture_formats ? "" : " none");
    if (h264 && !usable)
        print_h264_profiles(c);
}

static void print_decoders(const struct vkv4l2_settings *s, struct decoder_pick *pick)
{
    int ret = vkv4l2_sys_init();
    printf("\nV4L2 stateless decoders (%s backend%s%s):\n",
           ret ? "no" : vkv4l2_sys_backend_name(), s->device[0] ? ", pinned to " : "",
           s->device);
    if (ret) {
        printf("  syscall backend unavailable: %s\n", strerror(-ret));
        return;
    }
    struct vkv4l2_decoder_list list;
    struct vkv4l2_err err = { 0 };
    ret = vkv4l2_discover_pinned(s->device, &list, &err);
    if (ret) {
        printf("  none: %s\n", err.what[0] ? err.what : strerror(-ret));
        return;
    }
    for (unsigned i = 0; i < list.count; i++) {
        const struct vkv4l2_decoder_node *n = &list.nodes[i];
        struct vkv4l2_probe_result probe;
        struct vkv4l2_err perr = { 0 };
        printf("  %s (media %s): driver %s, model \"%s\", entity \"%s\", bus %s\n",
               n->video_path, n->media_path, n->driver, n->model, n->entity_name, n->bus_info);
        if (vkv4l2_probe(n->video_path, &probe, &perr)) {
            printf("    probe failed: %s\n", perr.what);
            continue;
        }
        printf("    card \"%s\"\n", probe.device.card);
        for (unsigned c = 0; c < probe.n_codecs; c++) {
            print_codec(&probe.codecs[c]);
            char why[160];
            if (!pick->found && probe.codecs[c].codec == V4L2_PIX_FMT_H264_SLICE &&
                !vkv4l2_caps_decodable(&probe.codecs[c], V4L2_PIX_FMT_NV12, why, sizeof(why))) {
                pick->found = true;
                pick->node = *n;
                pick->caps = probe.codecs[c];
            }
        }
        if (!probe.n_codecs)
            printf("    no codec we know\n");
    }
    if (pick->found)
        printf("  the layer decodes H.264 on %s\n", pick->node.video_path);
}

/* The CAPTURE layout the decoder gives a stream of this size. */
static int v4l2_layout(const struct decoder_pick *pick, uint32_t w, uint32_t h,
                       struct vkv4l2_nv12_layout *out, struct vkv4l2_err *err)
{
    int fd = vkv4l2_sys_open(pick->node.video_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return vkv4l2_err_set(err, fd, "open %s", pick->node.video_path);
    const struct vkv4l2_stream_config cfg = {
        .codec = V4L2_PIX_FMT_H264_SLICE,
        .width = w,
        .height = h,
        .capture_fourcc = V4L2_PIX_FMT_NV12,
        .decode_mode = -1,
        .start_code = -1,
    };
    struct v4l2_pix_format_mplane output, capture;
    int ret = vkv4l2_format_configure(fd, &cfg, &output, &capture, err);
    vkv4l2_sys_close(fd);
    if (ret)
        return ret;
    ret = vkv4l2_nv12_layout_from_v4l2(&capture, out);
    return ret ? vkv4l2_err_set(err, ret, "CAPTURE format unusable") : 0;
}

/* The rung an image of the given size would take on the driver alone. */
static void print_rung(const VkuInstanceDispatchTable *ivk, VkPhysicalDevice pd,
                       const struct vkv4l2_driver_facts *f, const struct decoder_pick *pick,
                       const struct options *o)
{
    struct vkv4l2_nv12_layout layout;
    struct vkv4l2_err err = { 0 };
    printf("    import of a %ux%u picture: ", o->width, o->height);
    if (v4l2_layout(pick, o->width, o->height, &layout, &err)) {
        printf("no V4L2 layout (%s)\n", err.what);
        return;
    }
    float prio = 1.0f;
    const VkDeviceQueueCreateInfo qci = { .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
                                          .queueFamilyIndex = 0, .queueCount = 1,
                                          .pQueuePriorities = &prio };
    const char *exts[3] = { VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME,
                            VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME,
                            VK_EXT_IMAGE_DRM_FORMAT_MODIFIER_EXTENSION_NAME };
    const VkDeviceCreateInfo dci = { .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
                                     .queueCreateInfoCount = 1, .pQueueCreateInfos = &qci,
                                     .enabledExtensionCount = f->has_modifier_ext ? 3 : 2,
                                     .ppEnabledExtensionNames = exts };
    VkDevice dev;
    VkResult res = vkCreateDevice(pd, &dci, NULL, &dev);
    if (res != VK_SUCCESS) {
        printf("cannot create a device (%d)\n", res);
        return;
    }
    VkuDeviceDispatchTable dvk;
    vkuInitDeviceDispatchTable(dev, &dvk, vkGetDeviceProcAddr);
    const struct vkv4l2_import_query q = { .ivk = ivk, .physdev = pd, .dvk = &dvk,
                                           .device = dev, .has_modifier_ext = f->has_modifier_ext,
                                           .driver_api_version = f->api_version };
    /* A sampled, copyable NV12 picture as a player makes it (the video
     * usage bits are what the layer removes before asking). */
    const VkImageCreateInfo base = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
        .imageType = VK_IMAGE_TYPE_2D,
        .format = VKV4L2_DECODE_FORMAT,
        .extent = { o->width, o->height, 1 },
        .mipLevels = 1,
        .arrayLayers = 1,
        .samples = VK_SAMPLE_COUNT_1_BIT,
        .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
        .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
    };
    struct vkv4l2_rung_inputs in = { .v4l2 = &layout };
    VkImage trial;
    vkv4l2_import_gather(&q, &base, NULL, &in, &trial);
    char reason[160] = "";
    enum vkv4l2_rung rung = vkv4l2_rung_decide(&in, reason, sizeof(reason));
    printf("%s%s%s%s (V4L2 pitch %llu, UV plane at %llu)\n", vkv4l2_rung_name(rung),
           reason[0] ? " (" : "", reason, reason[0] ? ")" : "",
           (unsigned long long)layout.planes[0].pitch, (unsigned long long)layout.planes[1].offset);
    if (trial)
        dvk.DestroyImage(dev, trial, NULL);
    dvk.DestroyDevice(dev, NULL);
}

static bool layer_listed(void)
{
    uint32_t n = 0;
    if (vkEnumerateInstanceLayerProperties(&n, NULL) != VK_SUCCESS)
        return false;
    VkLayerProperties *props = calloc(n ? n : 1, sizeof(*props));
    bool found = false;
    if (props && vkEnumerateInstanceLayerProperties(&n, props) == VK_SUCCESS) {
        for (uint32_t i = 0; i < n; i++)
            found |= !strcmp(props[i].layerName, VKV4L2_LAYER_NAME);
    }
    free(props);
    return found;
}

static VkInstance create_instance(void)
{
    const VkApplicationInfo app = { .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
                                    .pApplicationName = "vkv4l2-info",
                                    .apiVersion = VK_API_VERSION_1_3 };
    const VkInstanceCreateInfo ci = { .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
                                      .pApplicationInfo = &app };
    VkInstance inst;
    return vkCreateInstance(&ci, NULL, &inst) == VK_SUCCESS ? inst : VK_NULL_HANDLE;
}

/* The decode queue family the application sees, or -1. */
static int decode_family(VkPhysicalDevice pd)
{
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties2(pd, &n, NULL);
    VkQueueFamilyProperties2 *fam = calloc(n ? n : 1, sizeof(*fam));
    VkQueueFamilyVideoPropertiesKHR *video = calloc(n ? n : 1, sizeof(*video));
    int found = -1;
    if (fam && video) {
        for (uint32_t i = 0; i < n; i++) {
            video[i] = (VkQueueFamilyVideoPropertiesKHR){
                .sType = VK_STRUCTURE_TYPE_QUEUE_FAMILY_VIDEO_PROPERTIES_KHR };
            fam[i] = (VkQueueFamilyProperties2){
                .sType = VK_STRUCTURE_TYPE_QUEUE_FAMILY_PROPERTIES_2, .pNext = &video[i] };
        }
        vkGetPhysicalDeviceQueueFamilyProperties2(pd, &n, fam);
        for (uint32_t i = 0; i < n && found < 0; i++) {
            if ((fam[i].queueFamilyProperties.queueFlags & VK_QUEUE_VIDEO_DECODE_BIT_KHR) &&
                (video[i].videoCodecOperations & VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR))
                found = (int)i;
        }
    }
    free(fam);
    free(video);
    return found;
}

static int print_devices(const struct decoder_pick *pick, const struct options *o)
{
    const char *disabled = getenv("VKV4L2_DISABLE");
    bool is_disabled = disabled && !strcmp(disabled, "1");
    bool listed = layer_listed();
    printf("\nVulkan devices (layer %s):\n",
           is_disabled ? "disabled by VKV4L2_DISABLE=1"
           : listed    ? VKV4L2_LAYER_NAME " found by the loader"
                       : "not found by the loader: not installed, or removed by "
                         "VK_LOADER_LAYERS_DISABLE");
    /* What the application sees, the layer in the chain as the loader
     * decides... */
    VkInstance app = create_instance();
    /* ...and the driver alone (the manifest's disable_environment). */
    setenv("VKV4L2_DISABLE", "1", 1);
    VkInstance drv = create_instance();
    if (disabled)
        setenv("VKV4L2_DISABLE", disabled, 1);
    else
        unsetenv("VKV4L2_DISABLE");
    if (!app || !drv) {
        printf("  no Vulkan instance (is a Vulkan driver installed?)\n");
        if (app)
            vkDestroyInstance(app, NULL);
        if (drv)
            vkDestroyInstance(drv, NULL);
        return 1;
    }
    uint32_t na = 0, nd = 0;
    vkEnumeratePhysicalDevices(app, &na, NULL);
    vkEnumeratePhysicalDevices(drv, &nd, NULL);
    VkPhysicalDevice *pa = calloc(na ? na : 1, sizeof(*pa));
    VkPhysicalDevice *pdv = calloc(nd ? nd : 1, sizeof(*pdv));
    if (pa && pdv) {
        vkEnumeratePhysicalDevices(app, &na, pa);
        vkEnumeratePhysicalDevices(drv, &nd, pdv);
    } else {
        na = nd = 0;
    }
    if (!nd)
        printf("  none\n");
    VkuInstanceDispatchTable ivk;
    vkuInitInstanceDispatchTable(drv, &ivk, vkGetInstanceProcAddr);
    for (uint32_t i = 0; i < nd; i++) {
        struct vkv4l2_driver_facts f;
        vkv4l2_driver_facts_gather(&ivk, pdv[i], &f);
        enum vkv4l2_verdict v = vkv4l2_verdict_decide(&f, pick->found);
        /* Both instances list the same devices in the same order. */
        int family = i < na ? decode_family(pa[i]) : -1;
        printf("  %u: %s (Vulkan %u.%u)\n", i, f.device_name, VK_API_VERSION_MAJOR(f.api_version),
               VK_API_VERSION_MINOR(f.api_version));
        if (v == VKV4L2_VERDICT_NATIVE_DECODE)
            printf("    native decode: %s\n", vkv4l2_verdict_text(v));
        else if (family >= 0)
            printf("    layer active: H.264 decode on queue family %d via %s\n", family,
                   pick->node.video_path);
        else if (is_disabled || !listed)
            printf("    layer inactive: %s\n", is_disabled ? "disabled" : "layer not loaded");
        else if (v != VKV4L2_VERDICT_ACTIVE)
            printf("    layer inactive: %s\n", vkv4l2_verdict_text(v));
        else
            printf("    layer inactive although the driver and decoder qualify (run with "
                   "VKV4L2_LOG=info)\n");
        if (o->width && v == VKV4L2_VERDICT_ACTIVE)
            print_rung(&ivk, pdv[i], &f, pick, o);
    }
    free(pa);
    free(pdv);
    vkDestroyInstance(app, NULL);
    vkDestroyInstance(drv, NULL);
    return 0;
}

static int parse_args(int argc, char **argv, struct options *o)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--size") && i + 1 < argc) {
            char tail;
            if (sscanf(argv[++i], "%ux%u%c", &o->width, &o->height, &tail) != 2 ||
                !o->width || !o->height || o->width > 16384 || o->height > 16384) {
                fprintf(stderr, "vkv4l2-info: --size takes WIDTHxHEIGHT, e.g. 864x480\n");
                return -EINVAL;
            }
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: vkv4l2-info [--size WIDTHxHEIGHT]\n"
                   "Shows the settings in force, the V4L2 stateless decoders, the Vulkan\n"
                   "devices with the layer's verdict on each, and with --size the import\n"
                   "path a picture of that size would take.\n");
            exit(0);
        } else {
            fprintf(stderr, "vkv4l2-info: unknown argument '%s' (try --help)\n", argv[i]);
            return -EINVAL;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct options o = { 0 };
    if (parse_args(argc, argv, &o))
        return 2;
    struct vkv4l2_settings s;
    VkResult res = vkv4l2_settings_read(NULL, &s);
    if (res != VK_SUCCESS) {
        fprintf(stderr, "vkv4l2-info: reading the settings failed (%d)\n", res);
        return 1;
    }
    printf("vkv4l2-info %s\n\n", VKV4L2_VERSION);
    print_settings(&s);
    struct decoder_pick pick = { 0 };
    print_decoders(&s, &pick);
    return print_devices(&pick, &o);
}
