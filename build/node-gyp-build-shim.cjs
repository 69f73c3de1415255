// In the bundle, netlink's `require('node-gyp-build')(dir)` lands here: its binding is loaded
// from the executable's own root-owned directory instead of node_modules.
module.exports = function nodeGypBuild() {
  return require('../lib/native/load.ts').loadAddon('netlink');
};
