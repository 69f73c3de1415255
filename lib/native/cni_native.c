// The system calls Node does not offer: setns (enter a network namespace on the calling
// thread), flock (the lock host-local's store shares with the reference plugin), chroot (the gc
// command run in a container acting on the host's files), and a blocking netlink socket, whose
// request can also run on a worker thread. Also the file sequences of logs and metrics
// (lockFile, replaceFile with renameat2's exchange, replaceIfSame, appendFile): run once a process, the
// runtime's fs functions cost 25-40 us a call in the interpreter where the system calls take
// 1-20 us. Only napi_* calls, no libuv: the same file
// serves Node and Bun.
// Errors are thrown like Node's own system errors: code, errno (negative), syscall.
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <node_api.h>

static const char *errno_code(int e) {
  switch (e) {
#define E(x) case x: return #x;
    E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(EBADF) E(EAGAIN) E(ENOMEM) E(EACCES)
    E(EBUSY) E(EINVAL) E(EMFILE) E(ENOLCK) E(ENOSYS) E(EUSERS) E(EOPNOTSUPP)
    E(ENOBUFS) E(ETIMEDOUT) E(EMSGSIZE) E(EPROTONOSUPPORT) E(ENOTDIR) E(ELOOP) E(ENAMETOOLONG)
#undef E
    default: return "EUNKNOWN";
  }
}

// A system error as Node makes them: the message is Node's "CODE: text, syscall" unless `why`
// gives one of our own.
static napi_value make_error(napi_env env, int e, const char *syscall, const char *why) {
  char text[128], msg[192];
  if (why != NULL) {
    snprintf(msg, sizeof msg, "%s", why);
  } else {
    const char *s = strerror_r(e, text, sizeof text);
    snprintf(msg, sizeof msg, "%s: %s, %s", errno_code(e), s, syscall);
    // Go's (and the reference plugins') error texts start in lower case.
    char *colon = strchr(msg, ':');
    if (colon && colon[1] == ' ' && colon[2] >= 'A' && colon[2] <= 'Z') colon[2] += 'a' - 'A';
  }
  napi_value code, message, err, num, sys;
  napi_create_string_utf8(env, errno_code(e), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &err);
  napi_create_int32(env, -e, &num);
  napi_set_named_property(env, err, "errno", num);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sys);
  napi_set_named_property(env, err, "syscall", sys);
  return err;
}

// Throws make_error's error; returns NULL so a caller can `return throw_error(...)`.
static napi_value throw_error(napi_env env, int e, const char *syscall, const char *why) {
  napi_throw(env, make_error(env, e, syscall, why));
  return NULL;
}

static napi_value throw_errno(napi_env env, int e, const char *syscall) {
  return throw_error(env, e, syscall, NULL);
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

// chroot(path): the whole process's root becomes `path`, and its working directory that root, so
// no path it resolves afterwards (relative ones included) reaches outside.
static napi_value js_chroot(napi_env env, napi_callback_info info) {
  napi_value arg;
  size_t argc = 1, len = 0;
  napi_valuetype t = napi_undefined;
  char path[4096];
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  if (argc >= 1) napi_typeof(env, arg, &t);
  if (t != napi_string) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected (path: string)");
    return NULL;
  }
  napi_get_value_string_utf8(env, arg, path, sizeof path, &len);
  if (len == 0 || len >= sizeof path - 1) return throw_errno(env, len == 0 ? ENOENT : ENAMETOOLONG, "chroot");
  if (chroot(path) != 0) return throw_errno(env, errno, "chroot");
  if (chdir("/") != 0) return throw_errno(env, errno, "chdir");
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

// A path argument into `buf`; false, with an error thrown, when it is not a usable path.
static bool path_arg(napi_env env, napi_value v, char *buf, size_t n, const char *syscall) {
  napi_valuetype t = napi_undefined;
  size_t len = 0;
  napi_typeof(env, v, &t);
  if (t != napi_string) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected a path string");
    return false;
  }
  napi_get_value_string_utf8(env, v, buf, n, &len);
  if (len == 0 || len >= n - 1) {
    throw_errno(env, len == 0 ? ENOENT : ENAMETOOLONG, syscall);
    return false;
  }
  return true;
}

// A string argument's UTF-8 bytes, malloc'ed (the caller frees them); NULL with an error thrown.
static char *text_arg(napi_env env, napi_value v, size_t *len) {
  napi_valuetype t = napi_undefined;
  napi_typeof(env, v, &t);
  if (t != napi_string) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected a string");
    return NULL;
  }
  napi_get_value_string_utf8(env, v, NULL, 0, len);
  char *text = malloc(*len + 1);
  if (text == NULL) {
    throw_errno(env, ENOMEM, "malloc");
    return NULL;
  }
  napi_get_value_string_utf8(env, v, text, *len + 1, len);
  return text;
}

// A number argument, or `fallback` when it is not one.
static double number_arg(napi_env env, napi_value v, double fallback) {
  napi_valuetype t = napi_undefined;
  double d = fallback;
  napi_typeof(env, v, &t);
  if (t == napi_number) napi_get_value_double(env, v, &d);
  return d;
}

static bool write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= (size_t)w;
  }
  return true;
}

static double elapsed_ms(const struct timespec *since) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - since->tv_sec) * 1e3 + (double)(now.tv_nsec - since->tv_nsec) / 1e6;
}

// The file at `path` opened (made 0644 if missing) with an exclusive flock on it, polled every
// millisecond for at most `timeout` ms (then ETIMEDOUT): the fd, or -errno.
static int lock_path(const char *path, double timeout) {
  int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return -errno;
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  const struct timespec pause = { .tv_sec = 0, .tv_nsec = 1000000 };
  for (;;) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
    int e = errno;
    if (e == EINTR) continue;
    if (e != EWOULDBLOCK || elapsed_ms(&start) >= timeout) {
      close(fd);
      return -(e == EWOULDBLOCK ? ETIMEDOUT : e);
    }
    nanosleep(&pause, NULL);
  }
}

// `text` written over `spare` (made with `mode` if missing), which then takes the place of `path`
// atomically: exchanged with it (renameat2 RENAME_EXCHANGE), so that the old file becomes the
// spare of the next call; renamed when there is no `path` yet. 0, or the errno with `*failed`
// naming the call. Measured per plugin process on ext4 (a file rewritten each few ms): making a
// new file and removing the old one after the exchange cost 0.2-0.5 ms, renaming over the old
// one 0.45-0.7 ms (its unlink, and the flush auto_da_alloc starts), this 0.06 ms. The spare is
// never truncated to zero, which would start that flush too. A reader that opened `path` before
// an exchange and still reads it two exchanges later can see the file being rewritten.
static int replace_with(const char *spare, const char *path, const char *text, size_t len, mode_t mode, const char **failed) {
  int fd = open(spare, O_WRONLY | O_CREAT | O_CLOEXEC, mode);
  if (fd < 0) return *failed = "open", errno;
  int e = 0;
  if (!write_all(fd, text, len)) *failed = "write", e = errno;
  else if (ftruncate(fd, (off_t)len) != 0) *failed = "ftruncate", e = errno;
  if (close(fd) != 0 && e == 0) *failed = "close", e = errno;
  if (e != 0) return e;
  if (renameat2(AT_FDCWD, spare, AT_FDCWD, path, RENAME_EXCHANGE) == 0) return 0;
  if (errno == ENOENT && rename(spare, path) == 0) return 0;
  return *failed = "renameat2", errno;
}

// Whether the file at `path` holds exactly `len` bytes equal to `expected` (a missing file holds
// none); -errno when it cannot be read.
static int holds(const char *path, const char *expected, size_t len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? len == 0 : -errno;
  char buf[16384];
  size_t at = 0;
  int same = 1;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      return -e;
    }
    if (n == 0) break;
    if (at + (size_t)n > len || memcmp(buf, expected + at, (size_t)n) != 0) {
      same = 0;
      break;
    }
    at += (size_t)n;
  }
  close(fd);
  return same && at == len;
}

// lockFile(path, timeoutMs): lock_path's fd; closing it releases the lock.
static napi_value js_lock_file(napi_env env, napi_callback_info info) {
  napi_value args[2], result;
  size_t argc = 2;
  char path[4096];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc < 2) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected (path: string, timeoutMs: number)");
    return NULL;
  }
  if (!path_arg(env, args[0], path, sizeof path, "open")) return NULL;
  int fd = lock_path(path, number_arg(env, args[1], 0));
  if (fd < 0) return throw_errno(env, -fd, fd == -ETIMEDOUT ? "flock" : "open");
  napi_create_int32(env, fd, &result);
  return result;
}

// replaceFile(spare, path, text, mode): replace_with.
static napi_value js_replace_file(napi_env env, napi_callback_info info) {
  napi_value args[4];
  size_t argc = 4, len = 0;
  char spare[4096], path[4096];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc < 4) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected (spare: string, path: string, text: string, mode: number)");
    return NULL;
  }
  if (!path_arg(env, args[0], spare, sizeof spare, "open") || !path_arg(env, args[1], path, sizeof path, "renameat2")) return NULL;
  char *text = text_arg(env, args[2], &len);
  if (text == NULL) return NULL;
  const char *failed = NULL;
  int e = replace_with(spare, path, text, len, (mode_t)number_arg(env, args[3], 0644), &failed);
  free(text);
  if (e != 0) return throw_errno(env, e, failed);
  return NULL;
}

// replaceIfSame(lock, timeoutMs, spare, path, expected, text, mode): under lock_path(lock), and
// only if `path` still holds `expected` (a missing file: ''), replace_with(spare, path, text):
// true; false, with nothing written, when it holds something else. A compare-and-swap: one call
// where lock, read and replace take three.
static napi_value js_replace_if_same(napi_env env, napi_callback_info info) {
  napi_value args[7], result;
  size_t argc = 7, elen = 0, tlen = 0;
  char lock[4096], spare[4096], path[4096];
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc < 7) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected (lock: string, timeoutMs: number, spare: string, path: string, expected: string, text: string, mode: number)");
    return NULL;
  }
  if (!path_arg(env, args[0], lock, sizeof lock, "open") || !path_arg(env, args[2], spare, sizeof spare, "open") ||
      !path_arg(env, args[3], path, sizeof path, "renameat2"))
    return NULL;
  char *expected = text_arg(env, args[4], &elen);
  if (expected == NULL) return NULL;
  char *text = text_arg(env, args[5], &tlen);
  if (text == NULL) {
    free(expected);
    return NULL;
  }
  const char *failed = "open";
  int e = 0, same = 0;
  int fd = lock_path(lock, number_arg(env, args[1], 0));
  if (fd < 0) e = -fd, failed = fd == -ETIMEDOUT ? "flock" : "open";
  else {
    same = holds(path, expected, elen);
    if (same < 0) e = -same, failed = "read";
    else if (same) e = replace_with(spare, path, text, tlen, (mode_t)number_arg(env, args[6], 0644), &failed);
    close(fd);
  }
  free(expected);
  free(text);
  if (e != 0) return throw_errno(env, e, failed);
  napi_get_boolean(env, same == 1, &result);
  return result;
}

// appendFile(path, text, mode, max): `text` appended in one write on an O_APPEND descriptor
// (made with `mode`), unless the file already holds `max` bytes or more: then nothing is written
// and false returned, for the caller to rotate it first.
static napi_value js_append_file(napi_env env, napi_callback_info info) {
  napi_value args[4], result;
  size_t argc = 4, len = 0;
  char path[4096];
  struct stat st;
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc < 4) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected (path: string, text: string, mode: number, max: number)");
    return NULL;
  }
  if (!path_arg(env, args[0], path, sizeof path, "open")) return NULL;
  mode_t mode = (mode_t)number_arg(env, args[2], 0640);
  double max = number_arg(env, args[3], 0);
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode);
  if (fd < 0) return throw_errno(env, errno, "open");
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, e, "fstat");
  }
  bool room = (double)st.st_size < max;
  if (room) {
    char *text = text_arg(env, args[1], &len);
    if (text == NULL) {
      close(fd);
      return NULL;
    }
    bool ok = write_all(fd, text, len);
    int e = errno;
    free(text);
    if (!ok) {
      close(fd);
      return throw_errno(env, e, "write");
    }
  }
  close(fd);
  napi_get_boolean(env, room, &result);
  return result;
}

// One number argument, read as int32; false once a TypeError is pending.
static bool one_int(napi_env env, napi_callback_info info, int32_t *out, const char *usage) {
  napi_value arg;
  size_t argc = 1;
  napi_valuetype t = napi_undefined;
  napi_get_cb_info(env, info, &argc, &arg, NULL, NULL);
  if (argc >= 1) napi_typeof(env, arg, &t);
  if (t != napi_number) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", usage);
    return false;
  }
  napi_get_value_int32(env, arg, out);
  return true;
}

// A request is one small message (a veth pair with its peer is under 1 KiB), so 32 KiB to send
// is plenty. Answers get 1 MiB of room (the kernel caps it at net.core.rmem_max): a dump is
// only built as we read it, but nothing we ask for should ever overflow into ENOBUFS.
enum { SEND_BUF = 32 << 10, RECV_BUF = 1 << 20 };

// netlinkOpen(protocol): a blocking netlink socket of that protocol (0 rtnetlink, 12
// nfnetlink) in the calling thread's network namespace, where it stays for its whole life.
// No NETLINK_EXT_ACK: callers report the errno in the reference plugins' words, never the
// kernel's extra text.
static napi_value js_netlink_open(napi_env env, napi_callback_info info) {
  int32_t protocol;
  if (!one_int(env, info, &protocol, "expected (protocol: number)")) return NULL;
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
  if (fd < 0) return throw_errno(env, errno, "socket");
  const int snd = SEND_BUF, rcv = RECV_BUF;
  const struct sockaddr_nl self = { .nl_family = AF_NETLINK };  // nl_pid 0: the kernel picks our port id
  const char *failed = NULL;
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof snd) != 0 || setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv) != 0)
    failed = "setsockopt";
  else if (bind(fd, (const struct sockaddr *)&self, sizeof self) != 0)
    failed = "bind";
  if (failed != NULL) {
    int e = errno;
    close(fd);
    return throw_errno(env, e, failed);
  }
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

static napi_value js_netlink_close(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!one_int(env, info, &fd, "expected (fd: number)")) return NULL;
  if (close(fd) != 0) return throw_errno(env, errno, "close");
  return NULL;
}

// How often a dump that the kernel marks NLM_F_DUMP_INTR (the table changed while it was being
// read) is tried in all before giving up, as upstream's netlinksafe does.
enum { DUMP_ATTEMPTS = 5 };

// Process-wide, so unique per socket: an answer left queued by an earlier request that timed
// out never matches a later one. Atomic because worker threads would share it.
static uint32_t last_seq;

struct bytes {
  char *p;
  size_t len, cap;
};

// Makes room for n more bytes; false when out of memory.
static bool reserve(struct bytes *b, size_t n) {
  if (b->len + n <= b->cap) return true;
  size_t cap = b->cap != 0 ? b->cap : 32 << 10;
  while (cap < b->len + n) cap *= 2;
  char *p = realloc(b->p, cap);
  if (p == NULL) return false;
  b->p = p;
  b->cap = cap;
  return true;
}

struct failure {
  int e;
  const char *syscall;
  const char *why;  // our own message, or NULL for Node's "CODE: text, syscall"
};

static int64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

// Receives the next datagram whole into `in`, grown to its size first (it is peeked at, so
// nothing is ever cut off by MSG_TRUNC); returns its length, or -1 with f filled in. poll() runs
// only when nothing is queued: the kernel has answered most requests by the time sendto returns.
static ssize_t receive(int fd, struct bytes *in, int64_t deadline, struct failure *f) {
  for (;;) {
    ssize_t size = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
    if (size >= 0) {
      in->len = 0;
      if (!reserve(in, (size_t)size)) {
        *f = (struct failure){ ENOMEM, "malloc", NULL };
        return -1;
      }
      // Reading with all the room we have lets the kernel build dump parts that big.
      ssize_t n;
      do n = recv(fd, in->p, in->cap, 0);
      while (n < 0 && errno == EINTR);
      if (n < 0) *f = (struct failure){ errno, "recv", NULL };
      return n;
    }
    if (errno == EINTR) continue;
    // ENOBUFS lands here: the kernel dropped messages meant for us, so the answer is incomplete.
    if (errno != EAGAIN) {
      *f = (struct failure){ errno, "recv", NULL };
      return -1;
    }
    int64_t left = deadline - now_ms();
    if (left <= 0) {
      *f = (struct failure){ ETIMEDOUT, "poll", "no answer from the kernel in time" };
      return -1;
    }
    struct pollfd p = { .fd = fd, .events = POLLIN };
    if (poll(&p, 1, (int)left) < 0 && errno != EINTR) {
      *f = (struct failure){ errno, "poll", NULL };
      return -1;
    }
  }
}

// Sends msg under a new sequence number and gathers into `out` the messages of its answer,
// headers included: every message with that number, up to and including the NLMSG_ERROR (an
// ACK when its errno is 0) or NLMSG_DONE that ends it. Other numbers are skipped. An
// interrupted dump is read to its end, then asked again. Returns false with f filled in.
static bool exchange(int fd, char *msg, size_t len, int timeout_ms, struct bytes *out, struct failure *f) {
  struct nlmsghdr *req = (struct nlmsghdr *)msg;
  const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
  struct bytes in = { 0 };
  int64_t deadline = now_ms() + timeout_ms;
  bool ok = false;
  for (int attempt = 0; attempt < DUMP_ATTEMPTS; attempt++) {
    req->nlmsg_seq = __atomic_add_fetch(&last_seq, 1, __ATOMIC_RELAXED);
    ssize_t sent;
    do sent = sendto(fd, msg, len, 0, (const struct sockaddr *)&kernel, sizeof kernel);
    while (sent < 0 && errno == EINTR);
    if (sent < 0) {
      *f = (struct failure){ errno, "sendto", NULL };
      goto done;
    }
    out->len = 0;
    size_t last = 0;
    bool interrupted = false, ended = false;
    while (!ended) {
      ssize_t n = receive(fd, &in, deadline, f);
      if (n < 0) goto done;
      for (size_t at = 0; !ended && at + NLMSG_HDRLEN <= (size_t)n;) {
        const struct nlmsghdr *h = (const struct nlmsghdr *)(in.p + at);
        if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > (size_t)n - at) break;
        at += NLMSG_ALIGN(h->nlmsg_len);
        if (h->nlmsg_seq != req->nlmsg_seq) continue;
        if (!reserve(out, NLMSG_ALIGN(h->nlmsg_len))) {
          *f = (struct failure){ ENOMEM, "malloc", NULL };
          goto done;
        }
        last = out->len;
        memcpy(out->p + last, h, h->nlmsg_len);
        memset(out->p + last + h->nlmsg_len, 0, NLMSG_ALIGN(h->nlmsg_len) - h->nlmsg_len);
        out->len += NLMSG_ALIGN(h->nlmsg_len);
        interrupted |= (h->nlmsg_flags & NLM_F_DUMP_INTR) != 0;
        ended = h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE;
      }
    }
    // Both end messages start with an errno; a dump that failed has nothing to retry.
    const struct nlmsghdr *end = (const struct nlmsghdr *)(out->p + last);
    int errno_of_end = 0;
    if (end->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) memcpy(&errno_of_end, NLMSG_DATA(end), sizeof(int));
    if (!interrupted || errno_of_end != 0) {
      ok = true;
      goto done;
    }
  }
  *f = (struct failure){ EINTR, "recv", "dump interrupted by concurrent changes on every attempt (NLM_F_DUMP_INTR)" };
done:
  free(in.p);
  return ok;
}

// One request: the socket, a copy of the message (the sequence number is written into the copy,
// so the caller's buffer stays as it was), the time limit, and once exchanged, its outcome.
struct request {
  int fd, timeout_ms;
  char *msg;
  size_t len;
  bool ok;
  struct bytes out;
  struct failure f;
  napi_async_work work;
  napi_deferred deferred;
};

// Reads (fd, message, timeoutMs) into a new request; NULL once an exception is pending.
static struct request *request_args(napi_env env, napi_callback_info info) {
  napi_value args[3];
  size_t argc = 3;
  napi_valuetype t0 = napi_undefined, t2 = napi_undefined;
  bool is_buffer = false;
  napi_get_cb_info(env, info, &argc, args, NULL, NULL);
  if (argc >= 3) {
    napi_typeof(env, args[0], &t0);
    napi_is_buffer(env, args[1], &is_buffer);
    napi_typeof(env, args[2], &t2);
  }
  if (t0 != napi_number || !is_buffer || t2 != napi_number) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "expected (fd: number, message: Buffer, timeoutMs: number)");
    return NULL;
  }
  void *data;
  size_t len;
  napi_get_buffer_info(env, args[1], &data, &len);
  if (len < NLMSG_HDRLEN) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", "netlinkRequest: the message is shorter than a netlink header");
    return NULL;
  }
  struct request *r = calloc(1, sizeof *r);
  char *msg = malloc(len);
  if (r == NULL || msg == NULL) {
    free(r);
    free(msg);
    throw_errno(env, ENOMEM, "malloc");
    return NULL;
  }
  memcpy(msg, data, len);
  r->msg = msg;
  r->len = len;
  napi_get_value_int32(env, args[0], &r->fd);
  napi_get_value_int32(env, args[2], &r->timeout_ms);
  return r;
}

static void request_free(struct request *r) {
  free(r->msg);
  free(r->out.p);
  free(r);
}

// The answer as a Buffer, or the error; NULL for the answer when out of memory (then the error).
static bool request_outcome(napi_env env, struct request *r, napi_value *value) {
  if (r->ok && napi_create_buffer_copy(env, r->out.len, r->out.p, NULL, value) == napi_ok) return true;
  *value = r->ok ? make_error(env, ENOMEM, "malloc", NULL) : make_error(env, r->f.e, r->f.syscall, r->f.why);
  return false;
}

// netlinkRequest(fd, message, timeoutMs): sends one message (its nlmsg_seq is set here) and
// returns its answer as one Buffer of whole netlink messages, the last of them the
// NLMSG_ERROR or NLMSG_DONE that ended it; the caller reads the errno there. Blocks until then.
static napi_value js_netlink_request(napi_env env, napi_callback_info info) {
  struct request *r = request_args(env, info);
  if (r == NULL) return NULL;
  r->ok = exchange(r->fd, r->msg, r->len, r->timeout_ms, &r->out, &r->f);
  napi_value value;
  bool ok = request_outcome(env, r, &value);
  request_free(r);
  if (ok) return value;
  napi_throw(env, value);
  return NULL;
}

// On a worker thread: no napi call here. The socket stays in the namespace it was opened in,
// whichever thread uses it.
static void request_execute(napi_env env, void *data) {
  (void)env;
  struct request *r = data;
  r->ok = exchange(r->fd, r->msg, r->len, r->timeout_ms, &r->out, &r->f);
}

static void request_complete(napi_env env, napi_status status, void *data) {
  struct request *r = data;
  napi_value value;
  if (status != napi_ok) {
    r->ok = false;
    r->f = (struct failure){ EINTR, "netlinkRequest", "the request was not run" };
  }
  if (request_outcome(env, r, &value)) napi_resolve_deferred(env, r->deferred, value);
  else napi_reject_deferred(env, r->deferred, value);
  napi_delete_async_work(env, r->work);
  request_free(r);
}

// netlinkRequestAsync(fd, message, timeoutMs): netlinkRequest on a worker thread, as a Promise.
// For the requests that hold the kernel long (deleting a veth: 17-28 ms in sendto), so that the
// main thread goes on meanwhile. The caller must not use the socket until the Promise settles.
static napi_value js_netlink_request_async(napi_env env, napi_callback_info info) {
  struct request *r = request_args(env, info);
  if (r == NULL) return NULL;
  napi_value promise, name;
  napi_create_string_utf8(env, "netlinkRequest", NAPI_AUTO_LENGTH, &name);
  if (napi_create_promise(env, &r->deferred, &promise) != napi_ok ||
      napi_create_async_work(env, NULL, name, request_execute, request_complete, r, &r->work) != napi_ok) {
    request_free(r);
    return throw_errno(env, ENOMEM, "napi_create_async_work");
  }
  if (napi_queue_async_work(env, r->work) != napi_ok) {
    napi_delete_async_work(env, r->work);
    request_free(r);
    return throw_errno(env, EAGAIN, "napi_queue_async_work");
  }
  return promise;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
    {"setns", NULL, js_setns, NULL, NULL, NULL, napi_enumerable, NULL},
    {"flock", NULL, js_flock, NULL, NULL, NULL, napi_enumerable, NULL},
    {"chroot", NULL, js_chroot, NULL, NULL, NULL, napi_enumerable, NULL},
    {"lockFile", NULL, js_lock_file, NULL, NULL, NULL, napi_enumerable, NULL},
    {"replaceFile", NULL, js_replace_file, NULL, NULL, NULL, napi_enumerable, NULL},
    {"replaceIfSame", NULL, js_replace_if_same, NULL, NULL, NULL, napi_enumerable, NULL},
    {"appendFile", NULL, js_append_file, NULL, NULL, NULL, napi_enumerable, NULL},
    {"netlinkOpen", NULL, js_netlink_open, NULL, NULL, NULL, napi_enumerable, NULL},
    {"netlinkRequest", NULL, js_netlink_request, NULL, NULL, NULL, napi_enumerable, NULL},
    {"netlinkRequestAsync", NULL, js_netlink_request_async, NULL, NULL, NULL, napi_enumerable, NULL},
    {"netlinkClose", NULL, js_netlink_close, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
