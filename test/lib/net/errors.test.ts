// Netlink errors: errno codes and names kept and readable.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { errnoError, hasCode, wrapError } from '../../../lib/net/errors.ts';

const test = suite('net codec');

test('errors: errnoError and wrapError keep code and errno and read like Go', () => {
  const e = errnoError('failed to add address 10.1.2.2/24 to "eth0"', 17);
  assert.is(e.message, 'failed to add address 10.1.2.2/24 to "eth0": file exists');
  assert.is(e.code, 'EEXIST');
  assert.is(e.errno, -17);
  assert.ok(hasCode(e, 'ENOENT', 'EEXIST'));
  const fsErr = Object.assign(new Error("ENOENT: no such file or directory, open '/x'"), { code: 'ENOENT', errno: -2, syscall: 'open' });
  const w = wrapError('failed to open netns "/x"', fsErr) as NodeJS.ErrnoException;
  assert.is(w.message, 'failed to open netns "/x": no such file or directory');
  assert.is(w.code, 'ENOENT');
  assert.is(w.cause, fsErr);
  const chain = wrapError('failed to read sysctl a/b', w);
  assert.is(chain.message, 'failed to read sysctl a/b: failed to open netns "/x": no such file or directory');
  assert.is(wrapError('x', new Error('boom')).message, 'x: boom');
  assert.is(errnoError('x', 95).code, 'EOPNOTSUPP');
});

test.run();
