# netboot toolkit: kernels that boot over the network, the servers they
# boot from, and the harness that proves it.  `make help` lists the targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

TOP := $(abspath .)
BUILD := $(TOP)/build
BIN := $(BUILD)/bin
LOGS := $(BUILD)/logs

# Kernel source: Debian's linux-source-6.1, extracted once into a cache
# outside the repository and never configured in place (all builds use O=).
NETBOOT_CACHE ?= $(HOME)/.cache/netboot-toolkit
export NETBOOT_CACHE
DEFAULT_KSRC := $(NETBOOT_CACHE)/src/linux-source-6.1
KSRC ?= $(DEFAULT_KSRC)
override KSRC := $(abspath $(KSRC))

# Kernel variants: a base target plus fragments from kernel/configs/, in
# order.  Further variants come from kernel/variants/*.mk, each adding its
# name to VARIANTS and setting <name>_BASE and <name>_FRAGMENTS; it may also
# set <name>_KSRC (a different tree, e.g. a patched copy) and
# <name>_PREPARE (a target that must be made before configuring), and
# <name>_ARCH (the kernel ARCH, default x86_64; arm64 cross-builds with
# aarch64-linux-gnu- and makes arch/arm64/boot/Image).
# `make boot BOOT_ARGS="--arch arm64"` boots the arm64 variant.
VARIANT ?= $(if $(filter arm64 --arch=arm64,$(BOOT_ARGS)),arm64,netboot)
VARIANTS := netboot
netboot_BASE := tinyconfig
netboot_FRAGMENTS := qemu-x86_64 netboot nic-virtio nic-e1000 nic-e100 monolithic
include $(sort $(wildcard kernel/variants/*.mk))

ifeq ($(filter $(VARIANT),$(VARIANTS)),)
$(error unknown VARIANT '$(VARIANT)'; known: $(VARIANTS))
endif

# The tree this variant builds from (the default tree unless it says so).
VKSRC := $(or $($(VARIANT)_KSRC),$(KSRC))
VPREPARE := $($(VARIANT)_PREPARE)

# One build directory per kernel tree and variant.
KTREE := $(notdir $(VKSRC))
KOUT := $(BUILD)/kernel/$(KTREE)/$(VARIANT)
KCONFIG := $(KOUT)/.config
kernel_arch = $(or $($(1)_ARCH),x86_64)
kernel_image = $(if $(filter arm64,$(call kernel_arch,$(1))),arch/arm64/boot/Image,arch/x86/boot/bzImage)
VARCH := $(call kernel_arch,$(VARIANT))
KIMAGE := $(KOUT)/$(call kernel_image,$(VARIANT))
KTARGET := $(notdir $(KIMAGE))
FRAGMENT_FILES := $(foreach f,$($(VARIANT)_FRAGMENTS),kernel/configs/$(f).config)

# C: warnings are errors everywhere; test builds add ASan and UBSan.
CC ?= cc
CSTD := -std=c11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
CFLAGS ?= -O2 -g
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

PREFIX ?= /usr/local
DESTDIR ?=

# Extra options for `make boot`, e.g. BOOT_ARGS="--proto bootp --nic e1000".
BOOT_ARGS ?=

.PHONY: help deps kernel-src netboot_defconfig defconfig kernel boot check \
	check-quick programs install uninstall clean distclean variants \
	print-kernel print-check-variant bench-boot all-kernels vendor-netboot

help:
	@echo "netboot toolkit"
	@echo
	@echo "  make boot               the main job: build what is missing, network-boot a"
	@echo "                          QEMU node onto an NFS root (a shell on a terminal)"
	@echo "  make check              all tests: unit tests and the boot matrix"
	@echo "  make check-quick        tests that need no kernel build and no VM"
	@echo "  make deps               install the Debian packages the project needs"
	@echo "  make kernel-src         extract the default kernel tree (or use KSRC=...)"
	@echo "  make netboot_defconfig  write the monolithic netboot kernel's .config"
	@echo "  make vendor-netboot     netboot fragments into VENDOR_CONFIG=FILE (kcmerge --resolve)"
	@echo "  make kernel             build that kernel (VARIANT=$(VARIANT))"
	@echo "  make programs           build the C programs into build/bin/"
	@echo "  make bench-boot         boot-time benchmark (bench/boot)"
	@echo "  make install            install vboot, netbootd, kcmerge, mkroot, nodepower under PREFIX=$(PREFIX)"
	@echo "  make variants           list kernel variants"
	@echo
	@echo "  KSRC=$(KSRC)"
	@echo "  kernel: $(KIMAGE)"

# ------------------------------------------------------------------ deps
# deps.sh is a no-op (one dpkg-query) when everything is installed, so
# every target that needs packages simply calls it.
deps:
	@scripts/deps.sh

# ------------------------------------------------------------------ kernel
kernel-src: deps
	@if [ "$(KSRC)" = "$(DEFAULT_KSRC)" ]; then \
		$(MAKE) -s --no-print-directory $(DEFAULT_KSRC)/Makefile; \
	elif [ ! -f "$(KSRC)/Makefile" ] || [ ! -f "$(KSRC)/scripts/kconfig/merge_config.sh" ]; then \
		echo "KSRC=$(KSRC) is not a kernel source tree" >&2; exit 1; \
	fi
	@echo "kernel-src: $(KSRC) ($$(awk -F' = ' '$$1 == "VERSION" { v = $$2 } $$1 == "PATCHLEVEL" { p = $$2 } \
		$$1 == "SUBLEVEL" { s = $$2; print v "." p "." s; exit }' $(KSRC)/Makefile))"

# Under a lock, and only if no one else finished it meanwhile: with make -j
# both kernel-src and the kcmerge build may ask for the tree at once.
$(DEFAULT_KSRC)/Makefile:
	@test -f /usr/src/linux-source-6.1.tar.xz || { echo "linux-source-6.1 is not installed: run make deps" >&2; exit 1; }
	@mkdir -p $(dir $(DEFAULT_KSRC))
	@flock $(dir $(DEFAULT_KSRC)).extract.lock sh -ec '\
		test ! -f $@ || exit 0; \
		echo "kernel-src: extracting /usr/src/linux-source-6.1.tar.xz into $(dir $(DEFAULT_KSRC)) (about 10 s)"; \
		start=$$(date +%s); \
		rm -rf $(DEFAULT_KSRC).tmp && mkdir -p $(DEFAULT_KSRC).tmp; \
		tar -xJf /usr/src/linux-source-6.1.tar.xz -C $(DEFAULT_KSRC).tmp; \
		rm -rf $(DEFAULT_KSRC) && mv $(DEFAULT_KSRC).tmp/linux-source-6.1 $(DEFAULT_KSRC) && rmdir $(DEFAULT_KSRC).tmp; \
		echo "kernel-src: extracted in $$(($$(date +%s) - start)) s"'

variants:
	@$(foreach v,$(VARIANTS),echo "$(v): $($(v)_BASE) + $($(v)_FRAGMENTS)";)

# The kernel image of every variant make check boots, built once each.
# Each distinct .config is a cold build (autoconf.h differs, so ccache
# cannot share objects): the KASAN variants double the time of make check
# on a fresh machine, so they are opt-in (make check KASAN=1); the tests
# that would use them report a skip.
# A variant file may also let another variant's kernel stand in for one in
# make check (<name>_CHECK_WITH), to save a cold build; the boot tests ask
# `make print-check-variant VARIANT=<name>` which kernel to boot.
CHECK_VARIANTS := $(filter-out $(foreach v,$(VARIANTS),$(if $($(v)_CHECK_WITH),$(v))),\
	$(if $(KASAN),$(VARIANTS),$(filter-out %-kasan,$(VARIANTS))))
export KASAN
all-kernels:
	@$(foreach v,$(CHECK_VARIANTS),$(MAKE) -s --no-print-directory $(BUILD)/kernel/$(notdir $(or $($(v)_KSRC),$(KSRC)))/$(v)/$(call kernel_image,$(v)) VARIANT=$(v) || exit 1;)

print-kernel:
	@echo $(KIMAGE)

print-check-variant:
	@echo $(or $($(VARIANT)_CHECK_WITH),$(VARIANT))

netboot_defconfig: VARIANT := netboot
netboot_defconfig: defconfig

# Always re-merge when asked by name; the .config is only replaced (and the
# kernel only rebuilt) when the result changes.
defconfig: kernel-src $(VPREPARE) $(BIN)/kcmerge
	@KARCH=$(VARCH) scripts/mkconfig.sh $(VKSRC) $(KOUT) $($(VARIANT)_BASE) $(FRAGMENT_FILES)

$(KCONFIG): $(FRAGMENT_FILES) scripts/mkconfig.sh | kernel-src $(VPREPARE) $(BIN)/kcmerge
	@KARCH=$(VARCH) scripts/mkconfig.sh $(VKSRC) $(KOUT) $($(VARIANT)_BASE) $(FRAGMENT_FILES)

# A vendor .config plus the netboot fragments, dependencies raised by
# kcmerge --resolve; the boot path (userspace/kcmerge/boot-path.config,
# '# kcmerge: builtin') must come out =y.
VENDOR_CONFIG ?= /usr/src/linux-config-6.1/config.amd64_none_amd64.xz
VENDOR_OUT ?= $(BUILD)/kernel/$(notdir $(KSRC))/vendor-netboot
vendor-netboot: kernel-src $(BIN)/kcmerge
	@$(BIN)/kcmerge --ksrc $(KSRC) -O $(VENDOR_OUT) --base $(VENDOR_CONFIG) --resolve --modular \
		kernel/configs/netboot.config userspace/kcmerge/boot-path.config

$(KIMAGE): $(KCONFIG)
	@KARCH=$(VARCH) scripts/kbuild.sh $(VKSRC) $(KOUT) $(LOGS)/kernel-$(KTREE)-$(VARIANT).log $(KTARGET)
	@touch $@

kernel: $(KCONFIG)
	@KARCH=$(VARCH) scripts/kbuild.sh $(VKSRC) $(KOUT) $(LOGS)/kernel-$(KTREE)-$(VARIANT).log $(KTARGET)
	@echo "kernel: $(KIMAGE) ($$(stat -c %s $(KIMAGE)) bytes)"

# ------------------------------------------------------------------ programs
# Each C program has a build.mk next to its sources; it adds its binary to
# PROGRAMS and its test binaries (sanitizer builds, build/t/) to UNIT_BINARIES.
PROGRAMS :=
UNIT_BINARIES :=
include $(sort $(wildcard userspace/*/build.mk))

programs: $(PROGRAMS)

# Every rule above names its file by absolute path ($(BUILD)/...), so
# `make build/bin/netbootd` (what a person types, and what a tool asks for
# when it knows only the tree) would match no rule.  These aliases give the
# same rules the tree-relative names: both spellings build the same file.
REL_TARGETS := $(patsubst $(TOP)/%,%,$(filter $(TOP)/%,$(PROGRAMS) $(UNIT_BINARIES) $(KIMAGE)))
.PHONY: $(REL_TARGETS)
$(REL_TARGETS): %: $(TOP)/%
	@:

# ------------------------------------------------------------------ boot
# From a terminal: an interactive node shell.  Otherwise: a pass/fail check.
boot: deps $(BIN)/vboot-console $(KIMAGE)
	@if [ -t 0 ] && [ -t 1 ]; then \
		tests/virtme/vboot --kernel $(KIMAGE) --interactive --log $(LOGS)/boot $(BOOT_ARGS); \
	else \
		tests/virtme/vboot --kernel $(KIMAGE) --log $(LOGS)/boot $(BOOT_ARGS); \
	fi

bench-boot: deps $(BIN)/vboot-console $(KIMAGE)
	@bench/boot --kernel $(KIMAGE)

# ------------------------------------------------------------------ tests
check-quick: deps kernel-src $(PROGRAMS) $(UNIT_BINARIES)
	@tests/run-tests.sh quick

check: deps kernel-src $(PROGRAMS) $(UNIT_BINARIES) all-kernels
	@tests/run-tests.sh full

# ------------------------------------------------------------------ install
# kcmerge reads the kernel tree's Kconfig files at run time: by default the
# tree it was built from (KSRC), else --ksrc DIR or $KSRC (kcmerge.1, FILES).
install: $(BIN)/vboot-console $(BIN)/mkroot $(BIN)/netbootd $(BIN)/kcmerge $(BIN)/nodepower
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin \
		$(DESTDIR)$(PREFIX)/lib/netboot-toolkit/vboot/roots \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 755 tests/virtme/vboot $(BIN)/vboot-console $(BIN)/mkroot $(BIN)/kcmerge \
		$(DESTDIR)$(PREFIX)/bin/
	install -m 755 $(BIN)/netbootd $(BIN)/nodepower $(DESTDIR)$(PREFIX)/sbin/
	install -m 644 tests/virtme/lib/*.sh $(DESTDIR)$(PREFIX)/lib/netboot-toolkit/vboot/
	install -m 755 tests/virtme/lib/bmc-hook $(DESTDIR)$(PREFIX)/lib/netboot-toolkit/vboot/
	install -m 644 userspace/mkroot/roots/* $(DESTDIR)$(PREFIX)/lib/netboot-toolkit/vboot/roots/
	install -m 644 tests/virtme/vboot.1 userspace/mkroot/mkroot.1 userspace/kcmerge/kcmerge.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 userspace/netbootd/netbootd.8 userspace/nodepower/nodepower.8 $(DESTDIR)$(PREFIX)/share/man/man8/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/vboot $(DESTDIR)$(PREFIX)/bin/vboot-console $(DESTDIR)$(PREFIX)/bin/mkroot \
		$(DESTDIR)$(PREFIX)/bin/kcmerge $(DESTDIR)$(PREFIX)/sbin/netbootd \
		$(DESTDIR)$(PREFIX)/share/man/man1/vboot.1 $(DESTDIR)$(PREFIX)/share/man/man1/mkroot.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/kcmerge.1 $(DESTDIR)$(PREFIX)/share/man/man8/netbootd.8 \
		$(DESTDIR)$(PREFIX)/sbin/nodepower $(DESTDIR)$(PREFIX)/share/man/man8/nodepower.8
	rm -rf $(DESTDIR)$(PREFIX)/lib/netboot-toolkit/vboot

clean:
	rm -rf $(BUILD)/bin $(BUILD)/t $(BUILD)/vboot $(LOGS)

# Also drops the kernel builds (the ccache and extracted tree stay).
distclean:
	rm -rf $(BUILD)
