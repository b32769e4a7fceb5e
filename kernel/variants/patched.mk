# The netboot kernel built from a copy of the pristine tree with the
# kernel/ipconfig/ series applied (make patched-kernel, vboot --variant
# patched), and the same with the series' KUnit suite built in
# (patched-kunit: the suite runs at boot and prints KTAP on the console).
PATCHED_KSRC := $(NETBOOT_CACHE)/src/linux-source-6.1-ipconfig
PATCHED_STAMP := $(PATCHED_KSRC)/.netboot-series
PATCHED_SERIES := kernel/ipconfig/series
PATCHED_PATCHES := $(addprefix kernel/ipconfig/,$(shell sed -e 's/\#.*//' $(PATCHED_SERIES) 2>/dev/null))

VARIANTS += patched patched-kunit
patched_BASE := tinyconfig
patched_FRAGMENTS := $(netboot_FRAGMENTS)
patched_KSRC := $(PATCHED_KSRC)
patched_PREPARE := $(PATCHED_STAMP)

patched-kunit_BASE := tinyconfig
patched-kunit_FRAGMENTS := $(netboot_FRAGMENTS) ipconfig-kunit
patched-kunit_KSRC := $(PATCHED_KSRC)
patched-kunit_PREPARE := $(PATCHED_STAMP)

# make check boots the series from patched-kunit only: the same tree and
# fragments plus the KUnit suite (which runs at boot and only prints), so
# the tests of the patched kernel (tests/virtme/test_ipconfig_*.sh) use it
# and a fresh machine makes one cold kernel build fewer (~5 minutes).
# `make patched-kernel` and `make patched-bisect` still build patched.
patched_CHECK_WITH := patched-kunit

# (Re)apply the series whenever it or a patch in it changes.
$(PATCHED_STAMP): $(PATCHED_SERIES) $(PATCHED_PATCHES) kernel/ipconfig/apply-series.sh | kernel-src
	@kernel/ipconfig/apply-series.sh $(KSRC) $(PATCHED_KSRC) $(PATCHED_SERIES)

.PHONY: patched-kernel patched-series
patched-series: $(PATCHED_STAMP)

patched-kernel:
	@$(MAKE) --no-print-directory kernel VARIANT=patched

# A kernel image of the patched tree is stale when the series changed.
$(foreach v,patched patched-kunit patched-kasan,$(BUILD)/kernel/$(notdir $(PATCHED_KSRC))/$(v)/arch/x86/boot/bzImage): $(PATCHED_STAMP)

# Every prefix of the series builds (slow: one incremental build per
# patch, in the patched variant's build directory; not part of make check).
.PHONY: patched-bisect
patched-bisect: deps
	@$(MAKE) --no-print-directory $(BUILD)/kernel/$(notdir $(PATCHED_KSRC))/patched/.config VARIANT=patched
	@KCC="$$(command -v ccache >/dev/null && echo 'ccache gcc' || echo gcc)" \
		kernel/ipconfig/bisect-build.sh $(KSRC) $(PATCHED_KSRC) $(PATCHED_SERIES) \
		$(BUILD)/kernel/$(notdir $(PATCHED_KSRC))/patched $(LOGS)/kernel-ipconfig-bisect.log
