# ipconfig-keeper: keeps the kernel's boot-time DHCP lease on a node with
# an NFS root (included by the top Makefile).  Static, since it goes into
# every node's root: with musl (musl-tools) about 60 KB; without it,
# glibc's static libc (about 740 KB), which is safe here because the
# keeper does no name lookups (no NSS).

IPK := userspace/ipconfig-keeper
# Pure: the lease file, the packets, the timers, the netlink messages.
IPCONFIG_KEEPER_CORE_SRC := $(IPK)/lease.c $(IPK)/rfc2131.c $(IPK)/fsm.c $(IPK)/addr.c
IPCONFIG_KEEPER_SRC := $(IPK)/main.c $(IPCONFIG_KEEPER_CORE_SRC)
IPCONFIG_KEEPER_HDR := $(wildcard $(IPK)/*.h)
IPCONFIG_KEEPER_TESTS := $(BUILD)/t/test_ipconfig_keeper_fsm $(BUILD)/t/test_ipconfig_keeper_codec

PROGRAMS += $(BIN)/ipconfig-keeper
UNIT_BINARIES += $(IPCONFIG_KEEPER_TESTS) $(BUILD)/t/fuzz_ipconfig_keeper_reply

# musl ships no kernel headers: give it the system's linux/ and asm/ (uapi
# headers, libc-neutral) and nothing else of glibc's.
KEEPER_CC ?= $(or $(shell command -v musl-gcc 2>/dev/null),$(CC))
KEEPER_INC := $(BUILD)/musl-include
ifneq ($(findstring musl,$(KEEPER_CC)),)
KEEPER_CFLAGS := -isystem $(KEEPER_INC)
KEEPER_DEPS := $(KEEPER_INC)/.stamp
endif

$(KEEPER_INC)/.stamp:
	@mkdir -p $(@D)
	ln -sfn /usr/include/linux $(@D)/linux
	ln -sfn /usr/include/asm-generic $(@D)/asm-generic
	ln -sfn /usr/include/x86_64-linux-gnu/asm $(@D)/asm
	@touch $@

# -Os and stripped: it is copied into every root.
$(BIN)/ipconfig-keeper: $(IPCONFIG_KEEPER_SRC) $(IPCONFIG_KEEPER_HDR) $(KEEPER_DEPS)
	@mkdir -p $(@D)
	$(KEEPER_CC) $(CSTD) $(KEEPER_CFLAGS) -Os -static -s -o $@ $(IPCONFIG_KEEPER_SRC)

# The same for arm64 nodes (vboot --arch arm64, U-Boot boards): Debian's
# cross compiler with its static glibc (libc6-dev-arm64-cross).  Built by
# make check, run only on an arm64 node: this host has no arm64 userland.
KEEPER_ARM64_CC ?= aarch64-linux-gnu-gcc
PROGRAMS += $(BIN)/arm64/ipconfig-keeper
$(BIN)/arm64/ipconfig-keeper: $(IPCONFIG_KEEPER_SRC) $(IPCONFIG_KEEPER_HDR)
	@mkdir -p $(@D)
	$(KEEPER_ARM64_CC) $(CSTD) -Os -static -s -o $@ $(IPCONFIG_KEEPER_SRC)

# Its pure tests, cross-built the same way (no sanitizers: static), run
# under qemu-aarch64 by tests/unit/test_ipconfig_keeper_arm64.sh.
UNIT_BINARIES += $(BUILD)/t/arm64/test_ipconfig_keeper_fsm $(BUILD)/t/arm64/test_ipconfig_keeper_codec
$(BUILD)/t/arm64/test_ipconfig_keeper_%: $(IPK)/tests/test_%.c $(IPCONFIG_KEEPER_CORE_SRC) $(IPCONFIG_KEEPER_HDR) tests/unit/tap.h
	@mkdir -p $(@D)
	$(KEEPER_ARM64_CC) $(CSTD) -O1 -g -static -o $@ $< $(IPCONFIG_KEEPER_CORE_SRC)

$(BUILD)/t/test_ipconfig_keeper_%: $(IPK)/tests/test_%.c $(IPCONFIG_KEEPER_CORE_SRC) $(IPCONFIG_KEEPER_HDR) tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -o $@ $< $(IPCONFIG_KEEPER_CORE_SRC)

# libFuzzer (clang); tests/unit/test_ipconfig_keeper_fuzz.sh runs it briefly.
$(BUILD)/t/fuzz_ipconfig_keeper_reply: $(IPK)/fuzz/fuzz_reply.c $(IPK)/rfc2131.c $(IPK)/rfc2131.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(IPK)/rfc2131.c

# make install / uninstall: the keeper goes to sbin (a node's root takes it
# from there: `add $(PREFIX)/sbin/ipconfig-keeper` in a mkroot spec).
.PHONY: install-ipconfig-keeper uninstall-ipconfig-keeper
install: install-ipconfig-keeper
uninstall: uninstall-ipconfig-keeper
install-ipconfig-keeper: $(BIN)/ipconfig-keeper
	install -D -m 755 $(BIN)/ipconfig-keeper $(DESTDIR)$(PREFIX)/sbin/ipconfig-keeper
	install -D -m 644 $(IPK)/ipconfig-keeper.8 $(DESTDIR)$(PREFIX)/share/man/man8/ipconfig-keeper.8
uninstall-ipconfig-keeper:
	rm -f $(DESTDIR)$(PREFIX)/sbin/ipconfig-keeper $(DESTDIR)$(PREFIX)/share/man/man8/ipconfig-keeper.8
