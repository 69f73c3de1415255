// The two system calls Node does not offer: setns (enter a network namespace on the calling
// thread) and flock (the lock host-local's store shares with the reference plugin).
// Errors are thrown like Node's own system errors: code, errno (negative), syscall.
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <node_api.h>

static const char *errno_code(int e) {
  switch (e) {
#define E(x) case x: return #x;
    E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(EBADF) E(EAGAIN) E(ENOMEM) E(EACCES)
    E(EBUSY) E(EINVAL) E(EMFILE) E(ENOLCK) E(ENOSYS) E(EUSERS) E(EOPNOTSUPP)
#undef E
    default: return "EUNKNOWN";
  }
}

// Returns NULL so a caller can `return throw_errno(...)`.
static napi_value throw_errno(napi_env env, int e, const char *syscall) {
  char text[128], msg[192];
  const char *s = strerror_r(e, text, sizeof text);
  snprintf(msg, sizeof msg, "%s: %s, %s", errno_code(e), s, syscall);
  // Go's (and the reference plugins') error texts start in lower case.
  char *colon = strchr(msg, ':');
  if (colon && colon[1] == ' ' && colon[2] >= 'A' && colon[2] <= 'Z') colon[2] += 'a' - 'A';
  napi_value code, message, err, num, sys;
  napi_create_string_utf8(env, errno_code(e), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &err);
  napi_create_int32(env, -e, &num);
  napi_set_named_property(env, err, "errno", num);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sys);
  napi_set_named_property(env, err, "syscall", sys);
  napi_throw(env, err);
  return NULL;
}

// Reads args[i] as an fd and args[i+1] as a short string; false once a TypeError is pending.
static bool fd_and_word(napi_env env, napi_value *args, size_t argc, int *fd, char *word, size_t n) {
  napi_valuetype t0 = napi_undefined, t1 = napi_undefined;
  if (argc >= 2) { napi_typeof(env, args[0], &t0); napi_typeof(env, args[1], &t1); }
  if (t0 != napi_number || t1 != napi_string) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected (fd: number, kind: string)");
    return false;
  }
  size_t len = 0;
  napi_get_value_int32(env, args[0], fd);
  napi_get_value_string_utf8(env, args[1], word, n, &len);
  return true;
}

// setns(fd, 'net'): moves the calling thread (Node's main thread) into the namespace.
static napi_value js_setns(napi_env env, napi_callback_info info) {
  napi_value args[2];
  size_t argc = 2;
  int fd;
  char kind[8];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (!fd_and_word(env, args, argc, &fd, kind, sizeof kind)) return NULL;
  if (strcmp(kind, "net") != 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", "setns: only the 'net' namespace type is supported");
    return NULL;
  }
  if (setns(fd, CLONE_NEWNET) != 0) return throw_errno(env, errno, "setns");
  return NULL;
}

// flock(fd, 'ex' | 'sh' | 'un', nonBlocking): a blocking call blocks the event loop, on purpose:
// the plugins are short-lived processes that have nothing else to do while they wait.
static napi_value js_flock(napi_env env, napi_callback_info info) {
  napi_value args[3];
  size_t argc = 3;
  int fd, op;
  char kind[4];
  bool nb = false;
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (!fd_and_word(env, args, argc, &fd, kind, sizeof kind)) return NULL;
  if (strcmp(kind, "ex") == 0) op = LOCK_EX;
  else if (strcmp(kind, "sh") == 0) op = LOCK_SH;
  else if (strcmp(kind, "un") == 0) op = LOCK_UN;
  else {
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", "flock: op must be 'ex', 'sh' or 'un'");
    return NULL;
  }
  if (argc >= 3) napi_get_value_bool(env, args[2], &nb);  // a non-boolean leaves it false
  int rc;
  do rc = flock(fd, op | (nb ? LOCK_NB : 0));
  while (rc != 0 && errno == EINTR);
  if (rc != 0) return throw_errno(env, errno, "flock");
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
    {"setns", NULL, js_setns, NULL, NULL, NULL, napi_enumerable, NULL},
    {"flock", NULL, js_flock, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
