# KASAN builds of the pristine and the patched netboot kernel
# (vboot --variant netboot-kasan / patched-kasan): an extra net for the
# hostile-server boots.  KASAN only sees accesses that leave an
# allocation, so its silence is no proof that a kernel parses correctly.
VARIANTS += netboot-kasan patched-kasan
netboot-kasan_BASE := tinyconfig
netboot-kasan_FRAGMENTS := $(netboot_FRAGMENTS) kasan

patched-kasan_BASE := tinyconfig
patched-kasan_FRAGMENTS := $(netboot_FRAGMENTS) kasan
patched-kasan_KSRC = $(PATCHED_KSRC)
patched-kasan_PREPARE = $(PATCHED_STAMP)
