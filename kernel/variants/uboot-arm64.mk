# arm64 boards with U-Boot (QEMU virt in the tests: vboot --arch arm64):
# the netboot kernel cross-built for arm64 (make boot BOOT_ARGS="--arch
# arm64" boots it), and the same from the patched tree with the ipconfig
# KUnit suite built in.  make check builds only the second (its suite
# runs at boot and only prints), and boots it for both: one cold arm64
# build.  Named so that it is read after patched.mk (PATCHED_KSRC).
VARIANTS += arm64 patched-kunit-arm64
ARM64_FRAGMENTS := qemu-arm64 netboot nic-virtio monolithic

arm64_ARCH := arm64
arm64_BASE := tinyconfig
arm64_FRAGMENTS := $(ARM64_FRAGMENTS)
arm64_CHECK_WITH := patched-kunit-arm64

patched-kunit-arm64_ARCH := arm64
patched-kunit-arm64_BASE := tinyconfig
patched-kunit-arm64_FRAGMENTS := $(ARM64_FRAGMENTS) ipconfig-kunit
patched-kunit-arm64_KSRC := $(PATCHED_KSRC)
patched-kunit-arm64_PREPARE := $(PATCHED_STAMP)

$(BUILD)/kernel/$(notdir $(PATCHED_KSRC))/patched-kunit-arm64/arch/arm64/boot/Image: $(PATCHED_STAMP)
