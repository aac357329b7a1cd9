# Sourced by the e2e tests: puts the Khronos validation layer below the
# layer (between it and the driver: the driver must see no video enum) or
# above it (between the application and the layer), logging errors to a
# file.   validation_setup MODE OUTDIR ; ... ; validation_errors MODE OUTDIR
validation_setup() {
    case $1 in
    none) return 0 ;;
    below)
        export VK_INSTANCE_LAYERS=VK_LAYER_KHRONOS_validation ;;
    above)
        # The meta layer of manifests/test orders [validation, vkv4l2].
        export VKV4L2_DISABLE=1 VK_ADD_LAYER_PATH=$VKV4L2_BUILD_ROOT/manifests/test
        export VK_INSTANCE_LAYERS=VK_LAYER_VKV4L2_validation_above ;;
    *) return 1 ;;
    esac
    export VK_KHRONOS_VALIDATION_DEBUG_ACTION=VK_DBG_LAYER_ACTION_LOG_MSG
    export VK_KHRONOS_VALIDATION_REPORT_FLAGS=error
    export VK_KHRONOS_VALIDATION_LOG_FILENAME=$2/validation.log
    # The one message filtered out, and why: FFmpeg's vulkan_decode.c
    # creates a YCbCr conversion with MIDPOINT chroma offsets without
    # checking that the format supports them (lavapipe's NV12 does not).
    # Any Vulkan Video driver without that feature gets the same message;
    # it involves no call the layer makes or changes.
    #
    # Above the layer only, two more, both FFmpeg's frame threads (FFmpeg's
    # defaults) breaking the rules on any driver: a thread submits a decode
    # that references a DPB slot before the submission that decodes into
    # that slot (VUID-vkCmdBeginVideoCodingKHR-slotIndex-07239,
    # VUID-vkCmdDecodeVideoKHR-pDecodeInfo-07266, and -pPictureResource-07265
    # when the slot still holds its previous picture: validation checks the
    # submission order, which is the inversion the decode queue sorts out by
    # data, docs/architecture.md).  Leaked image views at exit
    # (VUID-vkDestroyDevice-device-05137 naming a VkImageView) are set aside
    # in validation_errors, in both positions: FFmpeg creates every view.
    local filter=VUID-VkSamplerYcbcrConversionCreateInfo-xChromaOffset-01652
    [ "$1" = above ] &&
        filter=$filter,VUID-vkCmdBeginVideoCodingKHR-slotIndex-07239,VUID-vkCmdDecodeVideoKHR-pDecodeInfo-07266,VUID-vkCmdBeginVideoCodingKHR-pPictureResource-07265
    export VK_KHRONOS_VALIDATION_MESSAGE_ID_FILTER=$filter
}

# Prints the number of validation errors (0 for MODE none).  Fails, with
# the reason printed, when validation was not in the chain at all: a
# comparison against nothing would prove nothing.
validation_errors() {
    [ "$1" = none ] && { echo 0; return 0; }
    if ! grep -qs "Logging validation error to" "$2"/*.stdout "$2"/*.log; then
        echo "the validation layer was not loaded"
        return 1
    fi
    [ -e "$2/validation.log" ] || : >"$2/validation.log"
    local n
    # mpv/libplacebo call the debug-utils label commands without enabling
    # VK_EXT_debug_utils; the same messages come without the layer in the
    # chain (checked with VKV4L2_DISABLE=1 and --hwdec=no), so only those
    # exact messages are set aside.
    # Each error is two lines: its header and its message; count headers
    # whose message survived the filter.
    n=$(awk '/Validation Error/ {hdr=1; next}
             hdr && /DebugUtilsLabelEXT\(\): function required extension VK_EXT_debug_utils which has not been enabled/ {hdr=0; next}
             hdr && /^vkDestroyDevice\(\): Object Tracking .* VkImageView .* has not been destroyed/ {hdr=0; next}
             hdr {count++; hdr=0}
             END {print count+0}' "$2/validation.log")
    if [ "$n" -ne 0 ]; then
        grep -m5 -A2 "Validation Error" "$2/validation.log" >&2
        echo "$n validation errors"
        return 1
    fi
    echo 0
}
