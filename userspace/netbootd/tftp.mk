# netbootd's TFTP: pure modules, their unit tests and the libFuzzer harness.
# Included from userspace/netbootd/build.mk, which adds TFTP_SRC to the daemon.

TFTP_PURE_SRC := userspace/netbootd/rfc1350.c userspace/netbootd/rfc2347.c \
	userspace/netbootd/tftp_xfer.c userspace/netbootd/tftp_path.c userspace/netbootd/tftp_demux.c
TFTP_HDR := userspace/netbootd/tftp_proto.h userspace/netbootd/tftp_xfer.h \
	userspace/netbootd/tftp_path.h userspace/netbootd/tftp.h userspace/netbootd/tftp_demux.h
TFTP_SRC := $(TFTP_PURE_SRC) userspace/netbootd/tftp.c userspace/netbootd/tftp_config.c

UNIT_BINARIES += $(BUILD)/t/test_tftp_codec $(BUILD)/t/test_tftp_xfer $(BUILD)/t/test_tftp_demux \
	$(BUILD)/t/fuzz_tftp_request $(BUILD)/t/tftp_load $(BUILD)/t/tftp_serve

$(BUILD)/t/test_tftp_%: tests/unit/test_tftp_%.c tests/unit/tap.h $(TFTP_PURE_SRC) $(TFTP_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -o $@ $< $(TFTP_PURE_SRC)

# Not named test_*: tests/unit/test_tftp_fuzz.sh runs it for a few seconds.
$(BUILD)/t/fuzz_tftp_request: userspace/netbootd/fuzz/fuzz_tftp_request.c $(TFTP_PURE_SRC) $(TFTP_HDR)
	@mkdir -p $(@D)
	clang $(CSTD) -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $< $(TFTP_PURE_SRC)

# The load client of bench/tftp and the interop tests (speaks windowsize).
$(BUILD)/t/tftp_load: bench/tftp_load.c $(TFTP_PURE_SRC) $(TFTP_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O2 -g -o $@ $< userspace/netbootd/rfc1350.c userspace/netbootd/rfc2347.c

# The TFTP server alone on netbootd's loop, sanitizer build, for the TFTP
# shell suites (tests/unit/test_tftp*.sh).
$(BUILD)/t/tftp_serve: userspace/netbootd/tftp_serve.c $(TFTP_SRC) $(TFTP_HDR) \
		userspace/netbootd/loop.c userspace/netbootd/log.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -o $@ $< $(TFTP_SRC) userspace/netbootd/loop.c userspace/netbootd/log.c

# The same with epoll_ctl failing on demand (tests/unit/wrap_epoll_ctl.c):
# test_tftp_shared.sh checks the shared port's unpark retry with it.
UNIT_BINARIES += $(BUILD)/t/tftp_serve_unparkfail
$(BUILD)/t/tftp_serve_unparkfail: userspace/netbootd/tftp_serve.c tests/unit/wrap_epoll_ctl.c $(TFTP_SRC) \
		$(TFTP_HDR) userspace/netbootd/loop.c userspace/netbootd/log.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -Wl,--wrap=epoll_ctl -o $@ $< tests/unit/wrap_epoll_ctl.c $(TFTP_SRC) \
		userspace/netbootd/loop.c userspace/netbootd/log.c

# bench/storm's simulated PXE nodes (DHCP as a relay, then PXELINUX's TFTP).
UNIT_BINARIES += $(BUILD)/t/storm_load
$(BUILD)/t/storm_load: bench/storm_load.c bench/lane_hash.h $(TFTP_PURE_SRC) $(TFTP_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O2 -g -o $@ $< userspace/netbootd/rfc1350.c userspace/netbootd/rfc2347.c
