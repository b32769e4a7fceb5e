# netbootd: the boot server (RARP, BOOTP, DHCP; TFTP in part 2).
# Included by the top Makefile.  NETBOOTD_SRC is the one list of daemon
# sources: append new modules to it.

NBD := userspace/netbootd
# Pure codecs: no I/O, shared by the daemon, the unit tests and the fuzzers.
NETBOOTD_CODEC_SRC := $(NBD)/rfc951.c $(NBD)/rfc2132.c $(NBD)/rfc903.c
# Policy and state: pure over explicit state, unit-tested without sockets.
NETBOOTD_CORE_SRC := $(NBD)/config.c $(NBD)/lease.c $(NBD)/rfc2131.c $(NBD)/log.c \
	$(NBD)/rfc3074.c
# The client's firmware architecture (option 93, U-Boot's option 60).
NETBOOTD_CORE_SRC += $(NBD)/client_arch.c
# The two-stage chainload guard (ipxe-chain-file).
NETBOOTD_CORE_SRC += $(NBD)/chain.c
NETBOOTD_SRC := $(NBD)/main.c $(NBD)/loop.c $(NBD)/netif.c $(NBD)/dhcp.c $(NBD)/rarp.c \
	$(NBD)/ratelimit.c $(NETBOOTD_CORE_SRC) $(NETBOOTD_CODEC_SRC)
NETBOOTD_HDR := $(wildcard $(NBD)/*.h)
# What the DHCP policy tests share (header-only, like tests/unit/tap.h).
NETBOOTD_FIXTURE := $(NBD)/tests/fixture.h
# TFTP (issue 5): its daemon sources, unit tests, fuzzer and test server.
include $(NBD)/tftp.mk
NETBOOTD_SRC += $(TFTP_SRC)

# libFuzzer needs clang; the harnesses run briefly in check-quick
# (tests/unit/test_netbootd_fuzz.sh).
FUZZ_CC ?= clang
FUZZ_FLAGS := -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
NETBOOTD_FUZZERS := $(BUILD)/t/fuzz_netbootd_rfc951 $(BUILD)/t/fuzz_netbootd_rfc903

PROGRAMS += $(BIN)/netbootd $(BIN)/dhcp-load
UNIT_BINARIES += $(BUILD)/t/test_netbootd_codec $(BUILD)/t/test_netbootd_server $(BUILD)/t/test_netbootd_loop \
	$(BUILD)/t/test_netbootd_rfc3074 \
	$(BUILD)/t/netbootd $(NETBOOTD_FUZZERS)
UNIT_BINARIES += $(BUILD)/t/test_netbootd_arch
UNIT_BINARIES += $(BUILD)/t/test_netbootd_chain

$(BIN)/netbootd: $(NETBOOTD_SRC) $(NETBOOTD_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(CFLAGS) -o $@ $(NETBOOTD_SRC)

# The DHCP load generator (bench/dhcp, and the lease crash test).
$(BIN)/dhcp-load: bench/dhcp-load.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(CFLAGS) -o $@ bench/dhcp-load.c

# Sanitizer build for the black-box suites (tests/unit/test_netbootd*.sh).
$(BUILD)/t/netbootd: $(NETBOOTD_SRC) $(NETBOOTD_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -o $@ $(NETBOOTD_SRC)

$(BUILD)/t/test_netbootd_server: $(NBD)/tests/test_netbootd_server.c $(NETBOOTD_CORE_SRC) $(NETBOOTD_CODEC_SRC) $(NETBOOTD_HDR) tests/unit/tap.h $(NETBOOTD_FIXTURE)
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -o $@ $(NBD)/tests/test_netbootd_server.c $(NETBOOTD_CORE_SRC) $(NETBOOTD_CODEC_SRC)

$(BUILD)/t/test_netbootd_arch: $(NBD)/tests/test_netbootd_arch.c $(NETBOOTD_CORE_SRC) $(NETBOOTD_CODEC_SRC) $(NETBOOTD_HDR) tests/unit/tap.h $(NETBOOTD_FIXTURE)
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -o $@ $(NBD)/tests/test_netbootd_arch.c $(NETBOOTD_CORE_SRC) $(NETBOOTD_CODEC_SRC)
# The two-stage chainload guard (ipxe-chain-file) through the DHCP policy.
$(BUILD)/t/test_netbootd_chain: $(NBD)/tests/test_netbootd_chain.c $(NETBOOTD_CORE_SRC) $(NETBOOTD_CODEC_SRC) $(NETBOOTD_HDR) tests/unit/tap.h $(NETBOOTD_FIXTURE)
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -o $@ $(NBD)/tests/test_netbootd_chain.c $(NETBOOTD_CORE_SRC) $(NETBOOTD_CODEC_SRC)
# RFC 3074 load balancing: the pure module and two servers' state machines.
$(BUILD)/t/test_netbootd_rfc3074: $(NBD)/tests/test_netbootd_rfc3074.c $(NETBOOTD_CORE_SRC) $(NETBOOTD_CODEC_SRC) $(NETBOOTD_HDR) $(NETBOOTD_FIXTURE) tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -o $@ $(NBD)/tests/test_netbootd_rfc3074.c $(NETBOOTD_CORE_SRC) $(NETBOOTD_CODEC_SRC)

$(BUILD)/t/test_netbootd_loop: $(NBD)/tests/test_netbootd_loop.c $(NBD)/loop.c $(NBD)/loop.h tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -o $@ $(NBD)/tests/test_netbootd_loop.c $(NBD)/loop.c

$(BUILD)/t/test_netbootd_codec: $(NBD)/tests/test_netbootd_codec.c $(NETBOOTD_CODEC_SRC) $(NETBOOTD_HDR) tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -o $@ $(NBD)/tests/test_netbootd_codec.c $(NETBOOTD_CODEC_SRC)

$(BUILD)/t/fuzz_netbootd_%: $(NBD)/fuzz/fuzz_%.c $(NETBOOTD_CODEC_SRC) $(NETBOOTD_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(NETBOOTD_CODEC_SRC)
