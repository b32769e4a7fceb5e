# nodepower: remote power control (IPMI through FreeIPMI, QEMU QMP).
# Included by the top Makefile.  The parsers (ranges, inventory,
# credentials, QMP JSON) and the fan-out are pure or self-contained: the
# unit tests and the fuzzer link them without FreeIPMI.

NPW := userspace/nodepower
NODEPOWER_PURE_SRC := $(NPW)/noderange.c $(NPW)/inventory.c $(NPW)/creds.c $(NPW)/qmp_json.c
NODEPOWER_SRC := $(NPW)/main.c $(NPW)/node.c $(NPW)/fanout.c $(NPW)/ipmi.c $(NPW)/qmp.c $(NODEPOWER_PURE_SRC)
NODEPOWER_HDR := $(wildcard $(NPW)/*.h)
NODEPOWER_LIBS := -lfreeipmi

PROGRAMS += $(BIN)/nodepower
UNIT_BINARIES += $(BUILD)/t/nodepower $(BUILD)/t/test_nodepower_parse $(BUILD)/t/test_nodepower_fanout \
	$(BUILD)/t/fuzz_nodepower_inventory $(BUILD)/t/fuzz_nodepower_qmp

$(BIN)/nodepower: $(NODEPOWER_SRC) $(NODEPOWER_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(CFLAGS) -o $@ $(NODEPOWER_SRC) $(NODEPOWER_LIBS)

# Sanitizer build for the black-box suites.
$(BUILD)/t/nodepower: $(NODEPOWER_SRC) $(NODEPOWER_HDR)
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -o $@ $(NODEPOWER_SRC) $(NODEPOWER_LIBS)

$(BUILD)/t/test_nodepower_parse: $(NPW)/tests/test_nodepower_parse.c $(NODEPOWER_PURE_SRC) $(NODEPOWER_HDR) tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -o $@ $(NPW)/tests/test_nodepower_parse.c $(NODEPOWER_PURE_SRC)

# The fan-out and the node sequence with a fake slow backend (in the test).
$(BUILD)/t/test_nodepower_fanout: $(NPW)/tests/test_nodepower_fanout.c $(NPW)/fanout.c $(NPW)/node.c $(NODEPOWER_PURE_SRC) $(NODEPOWER_HDR) tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(CSTD) -O1 -g $(SANITIZE) -o $@ $(NPW)/tests/test_nodepower_fanout.c $(NPW)/fanout.c $(NPW)/node.c $(NODEPOWER_PURE_SRC)

$(BUILD)/t/fuzz_nodepower_%: $(NPW)/fuzz/fuzz_%.c $(NODEPOWER_PURE_SRC) $(NODEPOWER_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(NODEPOWER_PURE_SRC)
