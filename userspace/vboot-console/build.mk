# vboot-console: the harness's console watcher (included by the top Makefile).

VBOOT_CONSOLE_SRC := userspace/vboot-console/main.c userspace/vboot-console/watch.c
VBOOT_CONSOLE_HDR := userspace/vboot-console/watch.h

PROGRAMS += $(BIN)/vboot-console
UNIT_BINARIES += $(BUILD)/t/test_watch $(BUILD)/t/vboot-console

$(BIN)/vboot-console: $(VBOOT_CONSOLE_SRC) $(VBOOT_CONSOLE_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(CFLAGS) -o $@ $(VBOOT_CONSOLE_SRC)

# Sanitizer build for the black-box tests.
$(BUILD)/t/vboot-console: $(VBOOT_CONSOLE_SRC) $(VBOOT_CONSOLE_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -o $@ $(VBOOT_CONSOLE_SRC)

$(BUILD)/t/test_watch: tests/unit/test_watch.c tests/unit/tap.h userspace/vboot-console/watch.c $(VBOOT_CONSOLE_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -o $@ tests/unit/test_watch.c userspace/vboot-console/watch.c

# The U-Boot patterns (arm64 nodes), in their own suite.
UNIT_BINARIES += $(BUILD)/t/test_watch_uboot
$(BUILD)/t/test_watch_uboot: tests/unit/test_watch_uboot.c tests/unit/tap.h userspace/vboot-console/watch.c $(VBOOT_CONSOLE_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -o $@ tests/unit/test_watch_uboot.c userspace/vboot-console/watch.c
