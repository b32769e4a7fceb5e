# The modular netboot kernel: the boot path (virtio and e1000 NICs, IP_PNP,
# NFS root) built in; MINIX_FS and the e100 NIC as modules (the seed's
# modular example; nic-e100 is left out because modular-initramfs makes
# that driver a module, and kcmerge refuses silent overrides).
VARIANTS += modular
modular_BASE := tinyconfig
modular_FRAGMENTS := qemu-x86_64 netboot nic-virtio nic-e1000 modular \
	modular-minix modular-initramfs modular-bootpath

.PHONY: netboot_modular_defconfig modules print-modules

# Merge, then let kcmerge --modular check that every `# kcmerge: builtin`
# request (modular-bootpath.config) is built in, not a module.
netboot_modular_defconfig: $(BIN)/kcmerge
	@$(MAKE) -s --no-print-directory defconfig VARIANT=modular
	@$(BIN)/kcmerge check --ksrc $(KSRC) -O $(BUILD)/kernel/$(notdir $(KSRC))/modular --modular \
		$(foreach f,$(modular_FRAGMENTS),kernel/configs/$(f).config)

# `make modules VARIANT=modular`: build the kernel and its modules, and
# install the modules (modules_install, depmod) into a staging directory
# that mkroot copies into images: $(KOUT)/modules-install/lib/modules/<release>.
# Replaced as a whole, so a reader never sees a half-installed tree.
# (Included before KCONFIG is defined: the .config is made from the recipe.)
modules:
	@$(MAKE) -s --no-print-directory $(KCONFIG) VARIANT=$(VARIANT)
	@scripts/kbuild.sh $(VKSRC) $(KOUT) $(LOGS)/kernel-$(KTREE)-$(VARIANT)-modules.log bzImage modules
	@rm -rf $(KOUT)/modules-install.tmp
	@$(MAKE) -s --no-print-directory -C $(VKSRC) O=$(KOUT) ARCH=x86_64 \
		INSTALL_MOD_PATH=$(KOUT)/modules-install.tmp INSTALL_MOD_STRIP=1 modules_install >/dev/null
	@rm -rf $(KOUT)/modules-install && mv $(KOUT)/modules-install.tmp $(KOUT)/modules-install
	@echo "modules: $(KOUT)/modules-install/lib/modules/$$(cat $(KOUT)/include/config/kernel.release)"

print-modules:
	@echo $(KOUT)/modules-install/lib/modules/$$(cat $(KOUT)/include/config/kernel.release 2>/dev/null)
